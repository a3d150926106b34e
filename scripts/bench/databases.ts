/**
 * The benchmark's own PostgreSQL databases, `olvery_bench_<orders>`, created beside the admin URL's database: the
 * Olvery reference schema filled by the demo generator (`seedDemo`), and the service's schema created by its own
 * migrations, as `npm run migrate` creates it. Dropped at the end unless --keep; reused by --reuse.
 */
import pg from 'pg'
import { openDatabases, type Databases } from '../../src/olvery/databases.js'
import { SERVICE_SCHEMA } from '../../src/db/connection.js'
import { migrate } from '../../src/db/migrate.js'
import { generateDemoData, topCKassaSupplier } from '../../src/demo/generate.js'
import { seedDemo, type DemoSummary } from '../../src/demo/insert.js'
import { DEMO_REFERENCE_DATE } from '../../src/demo/options.js'
import type { DemoSupplier } from '../../src/demo/types.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'

export const OLVERY_SCHEMA = 'olvery'
const SEED = 'olvery-bench'
const LOCATIONS = 3

export interface BenchDatabase {
  name: string
  url: string
  summary: DemoSummary
  /** The supplier polled and exported: the one with the most CKassa-purchased orders. */
  supplier: DemoSupplier
  /** Seconds spent seeding; null when a kept database was reused. */
  seedSeconds: number | null
}

/** The URL of database `name` on the admin URL's server, with the same role and options. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** One connection for `work`, closed afterwards. */
export async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

const withAdmin = withPg

const ident = (name: string) => {
  if (!/^olvery_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch database ${name}: not a bench database`)
  return `"${name}"`
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`))
}

/** The summary of a completed seed, kept as the database's comment (absent while seeding, so never half reused). */
async function readSeedSummary(adminUrl: string, name: string): Promise<DemoSummary | null> {
  return withAdmin(adminUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [name],
    )
    const comment = rows[0]?.comment
    if (!comment) return null
    try {
      const parsed = JSON.parse(comment) as { bench?: DemoSummary }
      return parsed.bench ?? null
    } catch {
      return null
    }
  })
}

/** The end of the generated history: the generator's fixed reference date, or a day ago if the clock is earlier. */
function historyEnd(): string {
  const dayAgo = Date.now() - 24 * 3600 * 1000
  return Date.parse(DEMO_REFERENCE_DATE) < dayAgo ? DEMO_REFERENCE_DATE : new Date(dayAgo).toISOString()
}

/**
 * How many orders in total give the busiest CKassa supplier about `supplierOrders` orders: its share measured on a
 * sample of the same generator (about 27% of all orders on 3 locations).
 */
export function totalOrdersForSupplier(supplierOrders: number): number {
  const sample = 20_000
  const data = generateDemoData({ seed: SEED, orders: sample, locations: LOCATIONS, now: historyEnd() })
  const top = topCKassaSupplier(data.suppliers)
  if (!top) throw new Error('the demo generator gave no CKassa-purchased orders')
  return Math.round((supplierOrders * sample) / top.orders)
}

export function openBenchDatabases(url: string): Promise<Databases> {
  return openDatabases({ databaseUrl: url, dataDir: 'unused', olveryDatabaseUrl: null, olveryDbSchema: OLVERY_SCHEMA, poolSize: 4 })
}

async function seed(url: string, orders: number, log: (line: string) => void): Promise<DemoSummary> {
  const databases = await openBenchDatabases(url)
  try {
    await applyReferenceSchema(databases, OLVERY_SCHEMA)
    let reported = 0
    const summary = await seedDemo(databases.olvery, {
      seed: SEED,
      orders,
      locations: LOCATIONS,
      now: historyEnd(),
      onProgress(done, total) {
        if (done - reported >= total / 5 && done < total) {
          reported = done
          log(`    ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} orders inserted`)
        }
      },
    })
    return summary
  } finally {
    await databases.close()
  }
}

/**
 * Creates and seeds `olvery_bench_<orders>` (dropping a leftover of that name), or with `reuse` takes a kept one
 * whose seed completed, dropping only the service's own schema so that every run starts from no integrations.
 */
export async function prepareDatabase(params: {
  adminUrl: string
  orders: number
  reuse: boolean
  log: (line: string) => void
}): Promise<BenchDatabase> {
  const { adminUrl, orders, log } = params
  const name = `olvery_bench_${orders}`
  const url = databaseUrl(adminUrl, name)
  const kept = params.reuse ? await readSeedSummary(adminUrl, name) : null
  let summary: DemoSummary
  let seedSeconds: number | null = null
  if (kept && kept.counts.orders === orders) {
    log(`  reusing ${name} (kept by an earlier --keep run); resetting the service's schema`)
    await endLeftoverStatements(url, log, `on ${name} from an earlier run`)
    await withPg(url, (c) => c.query(`drop schema if exists ${SERVICE_SCHEMA} cascade`))
    summary = kept
  } else {
    await dropDatabase(adminUrl, name)
    await withAdmin(adminUrl, (c) => c.query(`create database ${ident(name)}`))
    log(`  seeding ${name}: ${orders.toLocaleString('en-US')} orders on ${LOCATIONS} locations (seed "${SEED}")`)
    const started = performance.now()
    summary = await seed(url, orders, log)
    // As autovacuum would do soon after a bulk load: statistics for the planner and a visibility map.
    await withPg(url, (c) => c.query(`vacuum analyze`))
    seedSeconds = (performance.now() - started) / 1000
    await withAdmin(adminUrl, (c) =>
      c.query(`comment on database ${ident(name)} is ${pg.escapeLiteral(JSON.stringify({ bench: summary }))}`),
    )
    log(`  seeded ${name} in ${seedSeconds.toFixed(0)} s`)
  }
  // The service's schema, as `npm run migrate` creates it, so integrations can be created before a service starts.
  const databases = await openBenchDatabases(url)
  await migrate(databases).finally(() => databases.close())
  const supplier = topCKassaSupplier(summary.suppliers)
  if (!supplier) throw new Error(`${name} has no supplier with CKassa-purchased orders`)
  return { name, url, summary, supplier, seedSeconds }
}

/**
 * Ends every other session on a bench database: a query the service started for a client that gave up (1C's timeout)
 * runs on in PostgreSQL after the service has stopped, and would weigh on whatever is measured next. Each statement
 * still running is logged (the start of its text): work of the service that outlived it. After a clean stop there
 * are none.
 */
export async function endLeftoverStatements(url: string, log: (line: string) => void, after: string): Promise<void> {
  const { rows } = await withPg(url, (c) =>
    c.query<{ state: string | null; query: string }>(
      `select state, left(query, 120) as query, pg_terminate_backend(pid)
         from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    ),
  )
  for (const { query } of rows.filter((r) => r.state === 'active')) log(`  ! still running ${after}, ended: ${query.replace(/\s+/g, ' ')}`)
}
