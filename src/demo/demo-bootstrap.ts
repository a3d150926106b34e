/**
 * The embedded demo: on a first `npm start` without DATABASE_URL, the Olvery reference schema is created and filled
 * with demo data, and a demo integration is created for the supplier with the most CKassa-paid orders, with fixed
 * credentials so the README's curl commands work. Never runs against a configured server unless DEMO_SEED=true.
 */
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Databases } from '../db/connection.js'
import { createIntegration, findIntegrationByLogin } from '../integrations/integrations.repository.js'
import { findCompany, findBusiestSupplier } from '../olvery/orders.source.js'
import { applyReferenceSchema } from '../olvery/reference-schema.js'
import { seedDemo } from './demo-data.js'

/** Demo credentials: printed at every start and in the README. Only ever created on demo data. */
export const DEMO_LOGIN = 'demo-1c'
export const DEMO_PASSWORD = 'demo-1c-password'
export const DEMO_ORDERS = 300
export const DEMO_SETTINGS = {
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
    const created = await createIntegration(databases.db, {
      name: 'Демо: бухгалтерия поставщика',
      companyId: supplier.companyId,
      locationId: supplier.locationId,
      settings: DEMO_SETTINGS,
      login: DEMO_LOGIN,
      password: DEMO_PASSWORD,
    })
    integrationId = created.integration.id
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
