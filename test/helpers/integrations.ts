/**
 * An integration with fresh 1C credentials, as the admin API creates one: the shape most tests arrange before they
 * speak to the exchange (its login and the password shown once).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { issueCredentials } from '../../src/auth/onec-credentials.js'
import type { ServiceDatabase } from '../../src/db/database.js'
import type { Integration } from '../../src/integration/integration.js'
import { createIntegration as insertIntegration, type NewIntegration } from '../../src/integration/integrations.repository.js'
import { SEED_SETTINGS, type Supplier } from './factories.js'

export interface CreatedIntegration {
  integration: Integration
  login: string
  password: string
}

export async function createIntegration(
  db: Kysely<ServiceDatabase>,
  input: Omit<NewIntegration, 'credentials'> & { login?: string; password?: string },
): Promise<CreatedIntegration> {
  const { login, password, ...integration } = input
  const credentials = await issueCredentials({ ...(login ? { login } : {}), ...(password ? { password } : {}) })
  return {
    integration: await insertIntegration(db, { ...integration, credentials }),
    login: credentials.login,
    password: credentials.password,
  }
}

/** Settings enough for an exchange: one payment rule and the payment method name. */
const EXCHANGE_SETTINGS = { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Оплата картой' }

/**
 * An integration of a company and location of its own, with no platform data behind it: what the tests of the
 * protocol itself (sessions, checkauth, answers) need, where no order is ever exported.
 */
export function standaloneIntegration(
  db: Kysely<ServiceDatabase>,
  input: { name: string } & Partial<Omit<NewIntegration, 'credentials'>> & { login?: string; password?: string },
): Promise<CreatedIntegration> {
  return createIntegration(db, { companyId: randomUUID(), locationId: randomUUID(), settings: EXCHANGE_SETTINGS, ...input })
}

/** `Authorization: Basic …` as 1C sends it (RFC 7617, UTF-8). */
export function basicAuthorization(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`
}

/** An integration of a supplier of the test platform (factories.ts) with the seed settings, named `name`. */
export function supplierIntegration(
  db: Kysely<ServiceDatabase>,
  supplier: Supplier,
  input: { name: string } & Partial<Omit<NewIntegration, 'credentials'>> & { login?: string; password?: string },
): Promise<CreatedIntegration> {
  return createIntegration(db, { companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS, ...input })
}

/**
 * An exchange session of the integration written straight into its table, live for an hour: for tests of the export
 * that run below the exchange's HTTP (the tokens are random and never used to sign in). Returns its id.
 */
export async function openTestSession(db: Kysely<ServiceDatabase>, integrationId: string, clientAddress: string | null = '127.0.0.1'): Promise<string> {
  const row = await db
    .insertInto('sessions')
    .values({
      integration_id: integrationId,
      cookie_hash: randomBytes(16).toString('hex'),
      sessid_hash: randomBytes(16).toString('hex'),
      client_address: clientAddress,
      expires_at: new Date(Date.now() + 3600_000),
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Ends the exchange sessions of an integration, as their idle lifetime would. */
export async function expireSessions(db: Kysely<ServiceDatabase>, integrationId: string): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('integration_id', '=', integrationId).execute()
}
