/**
 * Integrations and their 1C credentials. Rows are converted to the domain `Integration` here and nowhere else.
 */
import type { Kysely, Transaction } from 'kysely'
import type { IntegrationRow, ServiceDatabase } from '../db/database.js'
import { generateLogin, generatePassword, hashPassword } from '../auth/onec-credentials.js'
import { toSettings, type IntegrationSettings, type IntegrationSettingsInput } from './settings.schema.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

export interface Integration {
  id: string
  name: string
  class: 'CommerceML'
  companyId: string
  locationId: string
  /** Settings with defaults applied, as the export uses them. */
  settings: IntegrationSettings
  /** Settings exactly as the administrator gave them (snake_case JSON). */
  storedSettings: IntegrationSettingsInput
  enabled: boolean
  archivedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export function toIntegration(row: IntegrationRow): Integration {
  const stored = row.settings as IntegrationSettingsInput
  return {
    id: row.id,
    name: row.name,
    class: 'CommerceML',
    companyId: row.company_id,
    locationId: row.location_id,
    settings: toSettings(stored),
    storedSettings: stored,
    enabled: row.enabled,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** An integration that 1C may use: enabled and not archived. */
export function isActive(integration: Integration): boolean {
  return integration.enabled && integration.archivedAt === null
}

export interface NewIntegration {
  name: string
  companyId: string
  locationId: string
  settings: IntegrationSettingsInput
  enabled?: boolean
  /** Rule 6: where the candidate scan starts; null = all history. */
  watermark?: Date | null
  /** Chosen login; generated when absent. */
  login?: string
  /** Chosen password (demo data only); generated when absent. */
  password?: string
}

export interface CreatedIntegration {
  integration: Integration
  login: string
  /** Shown once; only its hash is stored. */
  password: string
}

export async function createIntegration(db: Kysely<ServiceDatabase>, input: NewIntegration): Promise<CreatedIntegration> {
  const login = input.login ?? generateLogin()
  const password = input.password ?? generatePassword()
  const passwordHash = await hashPassword(password)
  const integration = await db.transaction().execute(async (trx) => {
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
    return toIntegration(row)
  })
  return { integration, login, password }
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

export async function findIntegrationByLogin(db: Db, login: string): Promise<IntegrationLogin | null> {
  const row = await db
    .selectFrom('credentials')
    .innerJoin('integrations', 'integrations.id', 'credentials.integration_id')
    .selectAll('integrations')
    .select(['credentials.password_hash', 'credentials.rotated_at'])
    .where('credentials.login', '=', login)
    .executeTakeFirst()
  if (!row) return null
  const { password_hash, rotated_at, ...integration } = row
  return { integration: toIntegration(integration), passwordHash: password_hash, rotatedAt: rotated_at }
}

export async function findLogin(db: Db, integrationId: string): Promise<string | null> {
  const row = await db.selectFrom('credentials').select('login').where('integration_id', '=', integrationId).executeTakeFirst()
  return row?.login ?? null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
