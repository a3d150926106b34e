/**
 * Drives the export service directly (no HTTP): sessions, queries, acknowledgements, and the checks of the
 * properties in EXPORT-SEMANTICS.md against the platform data.
 */
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createIntegration } from './integrations.js'
import { type Integration } from '../../src/integration/integration.js'
import { acknowledgeBatch } from '../../src/export/acknowledge-batch.js'
import { serveBatch } from '../../src/export/serve-batch.js'
import { scanPendingOrders } from '../../src/export/pending-orders.js'
import { type ExportDeps } from '../../src/export/export-deps.js'
import { readBatchDocument } from './documents.js'
import { findQueryBacklog } from '../../src/export/export-state.repository.js'
import type { IntegrationSettingsInput } from '../../src/integration/settings.schema.js'
import type { TestDatabase } from './test-database.js'
import { SEED_SETTINGS, type Supplier } from './factories.js'

export interface Harness {
  deps: ExportDeps
  integration: Integration
  openSession(): Promise<string>
  /** query in the given session; returns the numbers of the orders sent. */
  query(sessionId: string, now?: Date): Promise<{ batchId: number; numbers: string[]; body: Buffer; contentType: string }>
  success(sessionId: string, now?: Date): ReturnType<typeof acknowledgeBatch>
  /** checkauth → query → success in a new session; returns the numbers sent. */
  exchange(now?: Date): Promise<string[]>
  /** Every order that is pending now (no limit), as numbers. */
  pendingNumbers(): Promise<string[]>
}

export function numbersIn(body: Buffer | string): string[] {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  return [...text.matchAll(/<Документ>\s*<Ид>[^<]*<\/Ид>\s*<Номер>([^<]*)<\/Номер>/g)].map((m) => m[1]!)
}

export async function createHarness(
  databases: TestDatabase,
  supplier: Supplier,
  options: { settings?: Partial<IntegrationSettingsInput>; name?: string; safetyLagSeconds?: number } = {},
): Promise<Harness> {
  const { integration } = await createIntegration(databases.db, {
    name: options.name ?? `Интеграция ${randomBytes(3).toString('hex')}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: { ...SEED_SETTINGS, ...options.settings },
  })
  const deps: ExportDeps = {
    databases,
    config: { exportSafetyLagSeconds: options.safetyLagSeconds ?? 600 },
    logger: pino({ level: 'silent' }),
  }
  const openSession = async () => {
    const row = await databases.db
      .insertInto('sessions')
      .values({
        integration_id: integration.id,
        cookie_hash: randomBytes(16).toString('hex'),
        sessid_hash: randomBytes(16).toString('hex'),
        client_address: '127.0.0.1',
        expires_at: new Date(Date.now() + 3600_000),
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  const query: Harness['query'] = async (sessionId, now) => {
    const result = await serveBatch(deps, { integration, sessionId, ...(now ? { now } : {}) })
    const body = await readBatchDocument(databases.db, result.batchId)
    return { batchId: result.batchId, numbers: numbersIn(body), body, contentType: result.contentType }
  }
  const success: Harness['success'] = (sessionId, now) =>
    acknowledgeBatch(deps, { integration, sessionId, ...(now ? { now } : {}) })
  return {
    deps,
    integration,
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
