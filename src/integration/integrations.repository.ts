/**
 * Integrations and their 1C credentials in the service's tables (`integrations`, `credentials`, their `export_state`
 * row). Rows become the domain `Integration` through `toIntegration` (integration.ts) and nowhere else. A change made
 * for an administrator (`actor`) is recorded in the audit trail in its own transaction (audit-trail.repository.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { IntegrationRow, ServiceDatabase } from '../db/database.js'
import { isUuid } from '../uuid.js'
import { fromTo, recordAuditEvent, type AuditActor } from './audit-trail.repository.js'
import { toIntegration, type Integration } from './integration.js'
import type { IntegrationSettingsInput } from './settings.schema.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

export interface NewIntegration {
  name: string
  companyId: string
  locationId: string
  settings: IntegrationSettingsInput
  enabled?: boolean
  /** Rule 6: where the candidate scan starts; null = all history. */
  watermark?: Date | null
  /** Its 1C login and the hash of its password (src/auth/onec-credentials.ts issues both). */
  credentials: { login: string; passwordHash: string }
}

/** The integration, its credentials and its export state, in one transaction (with its audit event, for an actor). */
export async function createIntegration(db: Kysely<ServiceDatabase>, input: NewIntegration, actor?: AuditActor): Promise<Integration> {
  const { login, passwordHash } = input.credentials
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('integrations')
      .values({
        name: input.name.trim(),
        company_id: input.companyId,
        location_id: input.locationId,
        settings: JSON.stringify(input.settings),
        enabled: input.enabled ?? true,
        archived_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx.insertInto('credentials').values({ integration_id: row.id, login, password_hash: passwordHash }).execute()
    await trx
      .insertInto('export_state')
      .values({ integration_id: row.id, watermark: input.watermark ?? null, last_query_at: null, last_success_at: null })
      .execute()
    if (actor) {
      await recordAuditEvent(trx, row.id, {
        actor,
        action: 'create',
        changes: { name: row.name, companyId: row.company_id, settings: input.settings, enabled: row.enabled, login },
      })
    }
    return toIntegration(row)
  })
}

export async function findIntegration(db: Db, id: string): Promise<Integration | null> {
  if (!isUuid(id)) return null
  const row = await db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toIntegration(row) : null
}

export async function listIntegrations(db: Db, filter: { locationId?: string } = {}): Promise<Integration[]> {
  let query = db.selectFrom('integrations').selectAll().orderBy('created_at').orderBy('id')
  if (filter.locationId) query = query.where('location_id', '=', filter.locationId)
  return (await query.execute()).map(toIntegration)
}

export interface IntegrationLogin {
  integration: Integration
  passwordHash: string
  /** Changes whenever the password is rotated; sessions opened before it are void. */
  rotatedAt: Date
}

const integrationByLogin = compiledOnce((db: Kysely<ServiceDatabase>, login: string) =>
  db
    .selectFrom('credentials')
    .innerJoin('integrations', 'integrations.id', 'credentials.integration_id')
    .selectAll('integrations')
    .select(['credentials.password_hash', 'credentials.rotated_at'])
    .where('credentials.login', '=', login),
)

export async function findIntegrationByLogin(db: Db, login: string): Promise<IntegrationLogin | null> {
  const row = (await integrationByLogin(db, login)).rows[0]
  return row ? toIntegrationLogin(row) : null
}

/**
 * The columns `toIntegrationLogin` reads, for raw statements that join `commerceml.integrations i` and
 * `commerceml.credentials c` (the exchange's checkauth reads them together with other tables).
 */
export const INTEGRATION_LOGIN_COLUMNS = sql`i.id, i.name, i.class, i.company_id, i.location_id, i.settings, i.enabled, i.archived_at,
           i.created_at, i.updated_at, c.password_hash, c.rotated_at`

/** An integration row with its credentials' hash and rotation time as `IntegrationLogin`. */
export function toIntegrationLogin(row: IntegrationRow & { password_hash: string; rotated_at: Date }): IntegrationLogin {
  const { password_hash, rotated_at, ...integration } = row
  return { integration: toIntegration(integration), passwordHash: password_hash, rotatedAt: rotated_at }
}

export async function findLogin(db: Db, integrationId: string): Promise<string | null> {
  const row = await db.selectFrom('credentials').select('login').where('integration_id', '=', integrationId).executeTakeFirst()
  return row?.login ?? null
}

// ---------------------------------------------------------------------------------------------------------------
// The admin API's view: an integration with its login and exchange times, and the changes an administrator makes.

export interface IntegrationRecord {
  integration: Integration
  login: string
  credentialsRotatedAt: Date
  lastQueryAt: Date | null
  lastSuccessAt: Date | null
}

function recordQuery(db: Db) {
  return db
    .selectFrom('integrations')
    .innerJoin('credentials', 'credentials.integration_id', 'integrations.id')
    .leftJoin('export_state', 'export_state.integration_id', 'integrations.id')
    .selectAll('integrations')
    .select([
      'credentials.login',
      'credentials.rotated_at',
      'export_state.last_query_at',
      'export_state.last_success_at',
    ])
}

type RecordRow = NonNullable<Awaited<ReturnType<ReturnType<typeof recordQuery>['executeTakeFirst']>>>

function toRecord(row: RecordRow): IntegrationRecord {
  const { login, rotated_at, last_query_at, last_success_at, ...integration } = row
  return {
    integration: toIntegration(integration),
    login,
    credentialsRotatedAt: rotated_at,
    lastQueryAt: last_query_at,
    lastSuccessAt: last_success_at,
  }
}

export async function findIntegrationRecord(db: Db, id: string): Promise<IntegrationRecord | null> {
  if (!isUuid(id)) return null
  const row = await recordQuery(db).where('integrations.id', '=', id).executeTakeFirst()
  return row ? toRecord(row) : null
}

/** Oldest first; archived integrations only when asked for. `locationId` null = every location. */
export async function listIntegrationRecords(
  db: Db,
  filter: { locationId: string | null; companyId?: string | null; includeArchived?: boolean },
): Promise<IntegrationRecord[]> {
  const rows = await recordQuery(db)
    .$if(filter.locationId !== null, (qb) => qb.where('integrations.location_id', '=', filter.locationId!))
    .$if(!!filter.companyId, (qb) => qb.where('integrations.company_id', '=', filter.companyId!))
    .$if(!filter.includeArchived, (qb) => qb.where('integrations.archived_at', 'is', null))
    .orderBy('integrations.created_at')
    .orderBy('integrations.id')
    .execute()
  return rows.map(toRecord)
}

/** The live (not archived) integration of the company with this name, letter case ignored, as the unique index does. */
export async function findIntegrationIdByName(db: Db, companyId: string, name: string): Promise<string | null> {
  const row = await db
    .selectFrom('integrations')
    .select('id')
    .where('company_id', '=', companyId)
    .where(sql<string>`lower(name)`, '=', name.trim().toLowerCase())
    .where('archived_at', 'is', null)
    .executeTakeFirst()
  return row?.id ?? null
}

/** Whether a login belongs to any integration (archived ones included: logins are unique for good). */
export async function isLoginTaken(db: Db, login: string): Promise<boolean> {
  const row = await db.selectFrom('credentials').select('integration_id').where('login', '=', login).executeTakeFirst()
  return row !== undefined
}

export interface IntegrationChanges {
  name?: string
  settings?: IntegrationSettingsInput
  enabled?: boolean
}

/** JSON values equal whatever the order of their keys (jsonb keeps its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => [k, canonical(v)]))
        : value
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

/**
 * Applies the changes. For an actor, what really changed is audited: `update` with the name and settings before and
 * after, `enable` or `disable` for `enabled`; a value set to what it was is no change.
 */
export async function updateIntegration(db: Kysely<ServiceDatabase>, id: string, changes: IntegrationChanges, actor?: AuditActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('integrations').select(['name', 'settings', 'enabled']).where('id', '=', id).forUpdate().executeTakeFirst()
    await trx
      .updateTable('integrations')
      .set({
        ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
        ...(changes.settings !== undefined ? { settings: JSON.stringify(changes.settings) } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute()
    if (!actor || !before) return
    const edited: Record<string, unknown> = {}
    if (changes.name !== undefined && changes.name.trim() !== before.name) edited['name'] = fromTo(before.name, changes.name.trim())
    if (changes.settings !== undefined && !sameJson(before.settings, changes.settings)) edited['settings'] = fromTo(before.settings, changes.settings)
    if (Object.keys(edited).length > 0) await recordAuditEvent(trx, id, { actor, action: 'update', changes: edited })
    if (changes.enabled !== undefined && changes.enabled !== before.enabled) {
      await recordAuditEvent(trx, id, { actor, action: changes.enabled ? 'enable' : 'disable', changes: { enabled: fromTo(before.enabled, changes.enabled) } })
    }
  })
}

/**
 * Ends every exchange session of an integration now. (1C's sessions live in the exchange module's table; the
 * credential change that makes them void is made here, so this is where they are revoked.)
 */
async function revokeSessionsOf(db: Db, integrationId: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('integration_id', '=', integrationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Disables and archives an integration and ends its sessions; its journal stays. Idempotent (audited the first time). */
export async function archiveIntegration(db: Kysely<ServiceDatabase>, id: string, actor?: AuditActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('integrations').select(['enabled', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst()
    const archived = await trx
      .updateTable('integrations')
      .set({ enabled: false, archived_at: sql<Date>`coalesce(archived_at, now())`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning('archived_at')
      .executeTakeFirst()
    const revokedSessions = await revokeSessionsOf(trx, id)
    if (actor && before && before.archived_at === null) {
      await recordAuditEvent(trx, id, {
        actor,
        action: 'archive',
        changes: { enabled: fromTo(before.enabled, false), archivedAt: archived?.archived_at?.toISOString() ?? null, revokedSessions },
      })
    }
  })
}

/**
 * A new password (and login, when given): `rotated_at` becomes now, which voids every session opened before it
 * (src/exchange/checkauth.ts), and the sessions are revoked at once in the same transaction.
 */
export async function rotateCredentials(
  db: Kysely<ServiceDatabase>,
  params: { integrationId: string; passwordHash: string; login?: string },
  actor?: AuditActor,
): Promise<{ login: string; rotatedAt: Date; revokedSessions: number }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('credentials').select('login').where('integration_id', '=', params.integrationId).forUpdate().executeTakeFirst()
    const row = await trx
      .updateTable('credentials')
      .set({
        password_hash: params.passwordHash,
        ...(params.login !== undefined ? { login: params.login } : {}),
        rotated_at: sql<Date>`now()`,
      })
      .where('integration_id', '=', params.integrationId)
      .returning(['login', 'rotated_at'])
      .executeTakeFirstOrThrow()
    const revokedSessions = await revokeSessionsOf(trx, params.integrationId)
    if (actor) {
      // A new password, never the password itself or its hash.
      const login = before && before.login !== row.login ? { login: fromTo(before.login, row.login) } : {}
      await recordAuditEvent(trx, params.integrationId, { actor, action: 'rotate_credentials', changes: { ...login, revokedSessions } })
    }
    return { login: row.login, rotatedAt: row.rotated_at, revokedSessions }
  })
}

/** A unique violation (SQLSTATE 23505) of the named index or constraint, from pg or PGlite. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string; detail?: string }
  return e?.code === '23505' && (e.constraint === constraint || String(e.message ?? '').includes(constraint))
}

export const DUPLICATE_NAME_INDEX = 'integrations_company_name_key'
export const LOGIN_UNIQUE_CONSTRAINT = 'credentials_login_key'
