/**
 * The campaign's own database, `olvery_faults_<pid>_<time>`, created beside the admin URL's database: the service's
 * schema from its migrations, the Olvery reference schema with a small demo history (the platform's catalog:
 * locations, suppliers, customers, services), and the integrations under test, created as ops create them
 * (`npm run integrations -- create`). Dropped at the end unless --keep.
 */
import pg from 'pg'
import { openDatabases, type Databases } from '../../src/olvery/databases.js'
import { migrate } from '../../src/db/migrate.js'
import { generateDemoCatalog } from '../../src/demo/generate.js'
import { seedDemo } from '../../src/demo/insert.js'
import type { DemoOptions } from '../../src/demo/options.js'
import type { DemoOffer } from '../../src/demo/types.js'
import { createFromCli } from '../../src/admin/integrations.cli.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'
import { databaseUrl, withPg } from '../bench/databases.js'

const OLVERY_SCHEMA = 'olvery'
/** The harness's own connections carry this application_name; the services' connections carry none. */
export const HARNESS_APP = 'faults-harness'
export const WRITER_APP = 'faults-writer'

const ident = (name: string) => {
  if (!/^olvery_faults_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch database ${name}: not a campaign database`)
  return `"${name}"`
}

export function withApplicationName(url: string, name: string): string {
  const u = new URL(url)
  u.searchParams.set('application_name', name)
  return u.toString()
}

export async function createDatabase(adminUrl: string): Promise<{ name: string; url: string }> {
  const name = `olvery_faults_${process.pid}_${Date.now().toString(36)}`
  await withPg(adminUrl, (c) => c.query(`create database ${ident(name)}`))
  return { name, url: databaseUrl(adminUrl, name) }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withPg(adminUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`))
}

export function openHarnessDatabases(url: string): Promise<Databases> {
  return openDatabases({
    databaseUrl: withApplicationName(url, HARNESS_APP),
    dataDir: 'unused',
    olveryDatabaseUrl: null,
    olveryDbSchema: OLVERY_SCHEMA,
    poolSize: 4,
  })
}

export interface Supplier {
  id: string
  locationId: string
  name: string
  offers: readonly DemoOffer[]
  /** Customers of the supplier's location. */
  customerIds: string[]
}

export interface IntegrationUnderTest {
  id: string
  label: string
  login: string
  password: string
  companyId: string
  settings: Record<string, unknown>
}

export interface Platform {
  /** Suppliers with integrations first; the last one has none (its orders must never reach any 1C). */
  suppliers: Supplier[]
  integrations: IntegrationUnderTest[]
  historyOrders: number
}

/**
 * Five integrations over three suppliers: two pairs share a company (independent state, different rules), one stands
 * alone; a fourth supplier has no integration. Batch sizes are small so that batches leave orders out, which is
 * what bounds the watermark (rule 4).
 */
const INTEGRATIONS: Array<{ label: string; supplier: number; settings: Record<string, unknown> }> = [
  { label: 'A1', supplier: 0, settings: { paymentrules: [{ status: 'purchased', gateway: 'CKassa' }], paymentmethod_name: 'Оплата картой внешняя', batch_size: 25 } },
  { label: 'A2', supplier: 0, settings: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Эквайринг', batch_size: 200 } },
  { label: 'B1', supplier: 1, settings: { paymentrules: [{ status: 'PURCHASED', gateway: 'ckassa' }], paymentmethod_name: 'Оплата картой внешняя', batch_size: 40 } },
  { label: 'B2', supplier: 1, settings: { paymentrules: [{ gateway: 'SberPay', status: 'purchased' }, { status: 'refunded' }], paymentmethod_name: 'СБП', batch_size: 10 } },
  { label: 'C1', supplier: 2, settings: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Оплата картой внешняя', batch_size: 60 } },
]

/** Migrations, the reference schema, the demo history and the integrations. */
export async function preparePlatform(url: string, params: { seed: string; historyOrders: number }): Promise<Platform> {
  const databases = await openHarnessDatabases(url)
  try {
    await migrate(databases)
    await applyReferenceSchema(databases, OLVERY_SCHEMA)
    const demo: DemoOptions = { seed: `faults-${params.seed}`, orders: Math.max(params.historyOrders, 1), locations: 2, now: new Date(Date.now() - 3600_000) }
    const summary = await seedDemo(databases.olvery, demo)
    const catalog = generateDemoCatalog(demo)
    const ranked = [...summary.suppliers].sort((a, b) => b.orders - a.orders || a.id.localeCompare(b.id))
    const withOffers = ranked.filter((s) => (catalog.offers.get(s.id)?.length ?? 0) > 0)
    if (withOffers.length < 4) throw new Error(`the demo catalog has ${withOffers.length} suppliers with services; 4 are needed`)
    const suppliers: Supplier[] = withOffers.slice(0, 4).map((s) => ({
      id: s.id,
      locationId: s.locationId,
      name: s.shortName ?? s.fullName,
      offers: catalog.offers.get(s.id)!,
      customerIds: catalog.customers.filter((c) => c.location_id === s.locationId).map((c) => c.id),
    }))
    const integrations: IntegrationUnderTest[] = []
    for (const spec of INTEGRATIONS) {
      const supplier = suppliers[spec.supplier]!
      const created = await createFromCli(databases, {
        company: supplier.id,
        name: `Fault campaign ${spec.label}`,
        settings: JSON.stringify(spec.settings),
      })
      integrations.push({ ...created, label: spec.label, companyId: supplier.id, settings: spec.settings })
    }
    return { suppliers, integrations, historyOrders: summary.counts.orders }
  } finally {
    await databases.close()
  }
}

/** Backends of the services (no application_name) on the campaign's database. */
export async function terminateServiceBackends(client: pg.Client, database: string): Promise<number> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'
        and coalesce(application_name, '') = ''`,
    [database],
  )
  return rows.filter((r) => r.ok).length
}
