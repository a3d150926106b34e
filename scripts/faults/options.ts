/**
 * The command line of `npm run test:faults`: how long the workload runs, the seed of every random choice, and the
 * bounds that keep a run finite whatever the machine's speed.
 */
import { parseArgs } from 'node:util'
import { UsageError } from '../command-line.js'

export const USAGE = `Usage: npm run test:faults -- --seconds N [options]

Runs the fault campaign on a fresh PostgreSQL database: platform writers, simulated 1C clients and
service-side faults together for N seconds, then one clean exchange per integration, then the checks of
../shared/design/EXPORT-SEMANTICS.md. Exit code 0 when no order was lost or delivered twice, 1 otherwise (or when the
run could not check), 2 on a usage error.

Options:
  --seconds N          workload duration (default 60)
  --seed S             seed of every random choice (default: the current time, printed)
  --database-url URL   PostgreSQL of a role that may create databases (default FAULTS_DATABASE_URL, DATABASE_URL,
                       else postgres://postgres@127.0.0.1:5432/postgres)
  --pooled-url URL     a PgBouncer in transaction pooling mode in front of --database-url's server, with a wildcard
                       database entry: the services connect through it (the campaign database's name in place of
                       its own) with DATABASE_POOLING=transaction; set-up, writers, faults and checks go directly
  --safety-lag N       EXPORT_SAFETY_LAG_SECONDS of the services (default 3)
  --max-orders N       stop creating orders after N (default 3000)
  --history N          demo orders seeded before the run (default 300)
  --no-beyond-lag      no platform transactions longer than the safety lag (by default some commit after it)
  --dist               run the services as node dist/server.js (npm run build first; it starts faster than tsx,
                       so restarts after a kill take less of the run); default: the sources through tsx
  --retention-seconds N  every retention period of the services (RETENTION_DOCUMENTS, _EMPTY_POLLS, _JOURNAL,
                       _UPLOADS) set to N seconds and RETENTION_INTERVAL to 2 s, so the journal is pruned while
                       the campaign runs (EXPORT-SEMANTICS.md, "Pruning is invisible"); default: the service's defaults
  --keep               keep the database and the service logs
  --help`


export interface FaultOptions {
  seconds: number
  seed: string
  adminUrl: string
  /** The PgBouncer the services connect through, or null: directly. */
  pooledUrl: string | null
  safetyLagSeconds: number
  maxOrders: number
  historyOrders: number
  beyondLag: boolean
  keep: boolean
  dist: boolean
  /** Every retention period of the services, seconds; null: the service's defaults (nothing is pruned in a run). */
  retentionSeconds: number | null
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number from ${min}`)
  return Number(value)
}

export function parseFaultArgs(argv: string[], env: Record<string, string | undefined>): FaultOptions | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        seconds: { type: 'string' },
        seed: { type: 'string' },
        'database-url': { type: 'string' },
        'pooled-url': { type: 'string' },
        'safety-lag': { type: 'string' },
        'max-orders': { type: 'string' },
        history: { type: 'string' },
        'no-beyond-lag': { type: 'boolean' },
        keep: { type: 'boolean' },
        dist: { type: 'boolean' },
        'retention-seconds': { type: 'string' },
        help: { type: 'boolean' },
      },
    }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`)
  }
  if (values.help) return 'help'
  const adminUrl =
    values['database-url'] || env['FAULTS_DATABASE_URL'] || env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres'
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) throw new UsageError('--database-url must be a postgres:// URL')
  const host = new URL(adminUrl).hostname
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) {
    throw new UsageError(`the campaign uses loopback addresses only; ${host} is not one`)
  }
  const pooledUrl = values['pooled-url'] ?? null
  const loopback = (url: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname)
  if (pooledUrl !== null && !(/^postgres(ql)?:\/\//.test(pooledUrl) && loopback(pooledUrl))) {
    throw new UsageError('--pooled-url must be a postgres:// URL of a loopback address')
  }
  return {
    seconds: positiveInt('seconds', values.seconds, 60, 5),
    seed: values.seed ?? String(Date.now()),
    adminUrl,
    pooledUrl,
    safetyLagSeconds: positiveInt('safety-lag', values['safety-lag'], 3),
    maxOrders: positiveInt('max-orders', values['max-orders'], 3000),
    historyOrders: positiveInt('history', values.history, 300, 0),
    beyondLag: !values['no-beyond-lag'],
    keep: values.keep ?? false,
    dist: values.dist ?? false,
    retentionSeconds: values['retention-seconds'] === undefined ? null : positiveInt('retention-seconds', values['retention-seconds'], 0),
  }
}
