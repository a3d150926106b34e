/**
 * Drives the export service directly (no HTTP): sessions, queries, acknowledgements, and the checks of the
 * properties in EXPORT-SEMANTICS.md against the platform data. Every answer is read in the layout of the
 * integration's schema version (2.08, or 3.1 with `schemaVersion`), strictly: an answer in another layout fails the
 * query (commerceml-reader.ts `documentsIn`).
 */
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createIntegration, openTestSession } from './integrations.js'
import { type Integration } from '../../src/integration/integration.js'
import { findIntegration, updateIntegration } from '../../src/integration/integrations.repository.js'
import { acknowledgeBatch } from '../../src/export/acknowledge-batch.js'
import { serveBatch } from '../../src/export/serve-batch.js'
import { scanPendingOrders } from '../../src/export/pending-orders.js'
import { type ExportDeps } from '../../src/export/export-deps.js'
import { readBatchDocument } from './documents.js'
import { findQueryBacklog } from '../../src/export/export-state.repository.js'
import type { IntegrationSettingsInput, SchemaVersion } from '../../src/integration/settings.schema.js'
import { documentsIn, parseAnswer, textOf } from './commerceml-reader.js'
import type { TestDatabase } from './test-database.js'
import { SEED_SETTINGS, type Supplier } from './factories.js'

export interface Harness {
  deps: ExportDeps
  /** The integration as the export sees it now (`reconfigure` changes it). */
  readonly integration: Integration
  /** Changes the integration's settings as the admin API does (stored, then read back with defaults). */
  reconfigure(settings: Partial<IntegrationSettingsInput>): Promise<void>
  openSession(): Promise<string>
  /** query in the given session; returns the numbers of the orders sent. */
  query(sessionId: string, now?: Date): Promise<{ batchId: number; numbers: string[]; body: Buffer; contentType: string }>
  success(sessionId: string, now?: Date): ReturnType<typeof acknowledgeBatch>
  /** checkauth → query → success in a new session; returns the numbers sent. */
  exchange(now?: Date): Promise<string[]>
  /** Every order that is pending now (no limit), as numbers. */
  pendingNumbers(): Promise<string[]>
}

/** The `Номер` of every `Документ` of an answer, in order; throws when the answer is not laid out for `schemaVersion`. */
export function numbersIn(body: Buffer | string, schemaVersion: SchemaVersion = '2.08'): string[] {
  return documentsIn(parseAnswer(body), schemaVersion).map((document) => textOf(document, 'Номер') ?? '')
}

export async function createHarness(
  databases: TestDatabase,
  supplier: Supplier,
  options: { settings?: Partial<IntegrationSettingsInput>; name?: string; safetyLagSeconds?: number; schemaVersion?: SchemaVersion } = {},
): Promise<Harness> {
  let { integration } = await createIntegration(databases.db, {
    name: options.name ?? `Интеграция ${randomBytes(3).toString('hex')}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: { ...SEED_SETTINGS, ...(options.schemaVersion ? { schema_version: options.schemaVersion } : {}), ...options.settings },
  })
  const deps: ExportDeps = {
    databases,
    config: { exportSafetyLagSeconds: options.safetyLagSeconds ?? 600 },
    logger: pino({ level: 'silent' }),
  }
  const openSession = () => openTestSession(databases.db, integration.id)
  const query: Harness['query'] = async (sessionId, now) => {
    const result = await serveBatch(deps, { integration, sessionId, ...(now ? { now } : {}) })
    const body = await readBatchDocument(databases, result.batchId)
    return { batchId: result.batchId, numbers: numbersIn(body, integration.settings.schemaVersion), body, contentType: result.contentType }
  }
  const success: Harness['success'] = (sessionId, now) =>
    acknowledgeBatch(deps, { integration, sessionId, ...(now ? { now } : {}) })
  return {
    deps,
    get integration() {
      return integration
    },
    async reconfigure(settings) {
      await updateIntegration(databases.db, integration.id, { settings: { ...integration.storedSettings, ...settings } })
      integration = (await findIntegration(databases.db, integration.id))!
    },
    openSession,
    query,
    success,
    async exchange(now) {
      const session = await openSession()
      const { numbers } = await query(session, now)
      await success(session, now)
      return numbers
    },
    async pendingNumbers() {
      // The properties are checked against all history, not only what the watermark lets the scan see.
      return databases.db.transaction().execute(async (trx) => {
        const { unsettled } = await findQueryBacklog(trx, integration.id)
        const scan = await scanPendingOrders(trx, databases.olveryIn(trx), {
          integration,
          watermark: null,
          wanted: Number.MAX_SAFE_INTEGER,
          unsettled,
        })
        return scan.pending.map((p) => p.orderNumber).sort()
      })
    },
  }
}
