/**
 * Fills the Olvery reference schema with demo data:
 *
 *   npm run demo:seed -- --orders 1000 --seed 42 [--locations 3] [--days 180] [--now 2026-03-02T09:00:00Z]
 *   node dist/demo/seed.js --orders 1000000 --seed bench
 *
 * It writes where the service reads platform data (`OLVERY_DATABASE_URL`, else `DATABASE_URL`, else the embedded
 * database in `DATA_DIR`, schema `OLVERY_DB_SCHEMA`), creates the reference tables when missing, and refuses a
 * schema that already holds locations: the same seed would collide with itself, and a real platform database is
 * never the place for demo rows. Prints one summary line; exits non-zero with the reason on any failure.
 */
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { DEMO_LOCATION_COUNT_MAX } from './catalogue.js'
import { topCKassaSupplier } from './generate.js'
import { seedDemo } from './insert.js'
import { DEMO_REFERENCE_DATE, MAX_DEMO_ORDERS } from './options.js'

export const USAGE =
  'Usage: npm run demo:seed -- --orders N [--seed S] [--locations L] [--days D] [--now ISO-8601]\n' +
  `  --orders     orders to generate, 0 to ${MAX_DEMO_ORDERS} (default 1000)\n` +
  '  --seed       any text; the same seed and options give the same data (default "olvery")\n' +
  `  --locations  1 to ${DEMO_LOCATION_COUNT_MAX} (default 3)\n` +
  '  --days       length of the order history in days (default 180)\n' +
  `  --now        end of the history (default ${DEMO_REFERENCE_DATE}; "now" for the current time)\n` +
  '  --demo-integration  also create the demo integration (1C login demo-1c) for the busiest CKassa supplier\n' +
  '  --if-empty   do nothing (and succeed) when the schema already holds data'

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`)
    this.name = 'UsageError'
  }
}

export interface SeedArgs {
  help: boolean
  orders: number
  seed: string
  locations: number
  days: number
  now: Date | string
  demoIntegration: boolean
  ifEmpty: boolean
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`)
  }
  return value
}

/** Reads the command line (without node and the script). Throws `UsageError` with the usage text. */
export function parseSeedArgs(argv: string[]): SeedArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        orders: { type: 'string' },
        seed: { type: 'string' },
        locations: { type: 'string' },
        days: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'demo-integration': { type: 'boolean' },
        'if-empty': { type: 'boolean' },
      },
    }))
  } catch (error) {
    // parseArgs explains unknown options and missing values well; only the usage is added.
    throw new UsageError((error as Error).message)
  }
  const now = values.now === undefined ? DEMO_REFERENCE_DATE : values.now === 'now' ? new Date() : values.now
  if (typeof now === 'string' && Number.isNaN(Date.parse(now))) {
    throw new UsageError(`--now must be an ISO 8601 date such as ${DEMO_REFERENCE_DATE}, got "${now}"`)
  }
  if (values.seed !== undefined && values.seed.trim() === '') throw new UsageError('--seed must not be empty')
  return {
    help: values.help ?? false,
    orders: wholeNumber('orders', values.orders, 1000, 0, MAX_DEMO_ORDERS),
    seed: values.seed ?? 'olvery',
    locations: wholeNumber('locations', values.locations, 3, 1, DEMO_LOCATION_COUNT_MAX),
    days: wholeNumber('days', values.days, 180, 1, 3650),
    now,
    demoIntegration: values['demo-integration'] ?? false,
    ifEmpty: values['if-empty'] ?? false,
  }
}

async function printDemoIntegration(databases: import('../olvery/databases.js').Databases): Promise<void> {
  const { ensureDemoIntegration } = await import('./demo-bootstrap.js')
  const demo = await ensureDemoIntegration(databases)
  if (demo) console.log(`Demo integration for «${demo.companyName}»: 1C login ${demo.login}, password ${demo.password}`)
}

async function main(argv: string[]): Promise<void> {
  const args = parseSeedArgs(argv)
  if (args.help) {
    console.log(USAGE)
    return
  }
  // Loaded here, not at the top: tests import parseSeedArgs without opening databases or reading config.
  const { loadConfig } = await import('../config.js')
  const { createLogger } = await import('../logger.js')
  const { openDatabases } = await import('../olvery/databases.js')
  const { applyReferenceSchema } = await import('../olvery/reference-schema.js')

  const config = loadConfig(process.env)
  const logger = createLogger(config)
  const databases = await openDatabases({ ...config, logger })
  try {
    await applyReferenceSchema(databases, config.olveryDbSchema)
    const existing = await databases.olvery
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(existing.n) > 0 && args.ifEmpty) {
      console.log(`Schema "${config.olveryDbSchema}" already holds demo data; nothing seeded (--if-empty).`)
      if (args.demoIntegration) await printDemoIntegration(databases)
      return
    }
    if (Number(existing.n) > 0) {
      throw new Error(
        `Schema "${config.olveryDbSchema}" already holds ${existing.n} locations; demo data is seeded into empty ` +
          'reference tables only. Point OLVERY_DB_SCHEMA (or DATA_DIR) elsewhere, or drop the schema first.',
      )
    }
    const started = performance.now()
    let reported = 0
    const summary = await seedDemo(databases.olvery, {
      seed: args.seed,
      orders: args.orders,
      locations: args.locations,
      days: args.days,
      now: args.now,
      onProgress(done, total) {
        // About ten progress lines for a large run, none for a small one.
        if (total >= 50_000 && done - reported >= total / 10) {
          reported = done
          logger.info({ orders: done, of: total }, 'demo orders inserted')
        }
      },
    })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const c = summary.counts
    const top = topCKassaSupplier(summary.suppliers)
    const busiest = top ? `; most CKassa-purchased orders: ${top.shortName ?? top.fullName} (${top.id})` : ''
    console.log(
      `Seeded schema "${config.olveryDbSchema}" (${databases.kind}) with seed "${summary.options.seed}" ` +
        `in ${seconds} s: ${c.locations} locations, ${c.companies} companies, ${c.customers} customers, ` +
        `${c.services} services, ${c.orders} orders, ${c.order_items} order lines, ${c.payments} payments${busiest}`,
    )
    if (args.demoIntegration) await printDemoIntegration(databases)
  } finally {
    await databases.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    console.error(error instanceof UsageError ? message : `Demo data was not seeded: ${message}`)
    process.exitCode = 1
  })
}
