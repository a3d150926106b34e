/**
 * The embedded demo: on a first `npm start` without DATABASE_URL, the Olvery reference schema is created and filled
 * with demo data, and a demo integration is created for the supplier with the most CKassa-paid orders, with fixed
 * credentials so the README's curl commands work. Never runs against a configured server unless DEMO_SEED=true.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import { mintAdminToken } from '../auth/admin-auth.js'
import { issueCredentials } from '../auth/onec-credentials.js'
import type { AdminJwtConfig, Config } from '../config.js'
import type { Databases } from '../olvery/databases.js'
import { createIntegration, findIntegration, findIntegrationByLogin } from '../integration/integrations.repository.js'
import { findCompany, findBusiestSupplier } from '../olvery/companies.source.js'
import { applyReferenceSchema } from '../olvery/reference-schema.js'
import { seedDemo } from './insert.js'

/** Demo credentials: printed at every start and in the README. Only ever created on demo data. */
export const DEMO_LOGIN = 'demo-1c'
export const DEMO_PASSWORD = 'demo-1c-password'
const DEMO_ORDERS = 300
const DEMO_SETTINGS = {
  paymentrules: [{ status: 'purchased', gateway: 'CKassa' }],
  paymentmethod_name: 'Оплата картой внешняя',
}

export interface DemoInfo {
  login: string
  password: string
  integrationId: string
  companyName: string
  /** Orders of the demo company in the platform data. */
  orders: number
}

async function platformSchemaExists(databases: Databases, schema: string): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass(${`${schema}.orders`}) is not null as exists`.execute(
    databases.olvery,
  )
  return rows[0]?.exists ?? false
}

/** Creates the demo integration (fixed credentials) for the busiest CKassa supplier, unless it exists. */
export async function ensureDemoIntegration(databases: Databases): Promise<DemoInfo | null> {
  const existing = await findIntegrationByLogin(databases.db, DEMO_LOGIN)
  let integrationId: string
  let companyId: string
  if (existing) {
    integrationId = existing.integration.id
    companyId = existing.integration.companyId
  } else {
    const supplier = await findBusiestSupplier(databases.olvery, { gateway: 'CKassa', status: 'purchased' })
    if (!supplier) return null
    const credentials = await issueCredentials({ login: DEMO_LOGIN, password: DEMO_PASSWORD })
    const created = await createIntegration(databases.db, {
      name: 'Демо: бухгалтерия поставщика',
      companyId: supplier.companyId,
      locationId: supplier.locationId,
      settings: DEMO_SETTINGS,
      credentials,
    })
    integrationId = created.id
    companyId = supplier.companyId
  }
  const company = await findCompany(databases.olvery, companyId)
  const orders = await databases.olvery
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('company_id', '=', companyId)
    .executeTakeFirstOrThrow()
  return {
    login: DEMO_LOGIN,
    password: DEMO_PASSWORD,
    integrationId,
    companyName: company?.shortName ?? company?.fullName ?? companyId,
    orders: Number(orders.n),
  }
}

/** Seeds the demo on first start (when DEMO_SEED is on) and returns what the start-up hints print. */
export async function ensureDemo(databases: Databases, config: Readonly<Config>, logger: Logger): Promise<DemoInfo | null> {
  if (!config.demoSeed) return null
  if (!(await platformSchemaExists(databases, config.olveryDbSchema))) {
    await applyReferenceSchema(databases, config.olveryDbSchema)
    const summary = await seedDemo(databases.olvery, { seed: 'olvery-demo', orders: DEMO_ORDERS, now: new Date() })
    logger.info({ counts: summary.counts }, 'demo data seeded')
  }
  return ensureDemoIntegration(databases)
}

/**
 * The embedded demo's admin API key: when no ADMIN_JWT_* is configured, an HS256 secret is created once in the data
 * directory (readable by its owner only) so `npm start` can print a working admin token. Never used with
 * DATABASE_URL or when the platform's own key is configured.
 */
export function demoAdminJwt(config: Readonly<Config>): AdminJwtConfig | null {
  if (config.adminJwt || !config.demoSeed || config.databaseUrl || config.dataDir.startsWith('memory://')) return null
  const file = path.join(path.resolve(config.dataDir), 'demo-admin-jwt-secret')
  let secret: string
  try {
    secret = fs.readFileSync(file, 'utf8').trim()
  } catch {
    secret = randomBytes(48).toString('base64url')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, secret, { mode: 0o600 })
  }
  return { algorithm: 'HS256', secret, publicKey: null, maxSkewSeconds: 60 }
}

/** A location administrator's token for the demo integration's location, valid for 12 hours. */
export async function demoAdminToken(databases: Databases, jwt: AdminJwtConfig, demo: DemoInfo): Promise<string | null> {
  if (!jwt.secret) return null
  const integration = await findIntegration(databases.db, demo.integrationId)
  if (!integration) return null
  return mintAdminToken(jwt.secret, { sub: 'demo-admin', role: 'location_admin', locationId: integration.locationId }, 12 * 3600)
}
