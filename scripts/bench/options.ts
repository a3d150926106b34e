/**
 * The command line of `npm run bench` and the two sizes of a run: the full benchmark, and `--quick`, a
 * smoke run of a minute or two for use while optimising.
 */
import { parseArgs } from 'node:util'
import { UsageError } from '../command-line.js'

type Section = 'poll' | 'export' | 'clients'
const SECTIONS: readonly Section[] = ['poll', 'export', 'clients']

interface Scale {
  name: 'full' | 'quick'
  /** Section 1, small database: orders of the polled supplier (the database is sized to give it about this many). */
  smallSupplierOrders: number
  /** Sections 1–3, large database: orders of the whole platform. */
  largeTotalOrders: number
  /** Section 1: timed poll cycles per run, after `warmupPolls` untimed ones. */
  pollsPerRun: number
  warmupPolls: number
  /** Section 2: pending orders returned by one `query`. */
  exportSizes: number[]
  /** Section 2: the export size profiled with `node --cpu-prof` (the largest accepted size if the service refuses it). */
  profileSize: number
  /** Section 3: integrations polling concurrently, and for how long per run. */
  clients: number
  durationSeconds: number
  runs: number
}

const FULL: Scale = {
  name: 'full',
  smallSupplierOrders: 10_000,
  largeTotalOrders: 1_000_000,
  pollsPerRun: 50,
  warmupPolls: 5,
  exportSizes: [1_000, 10_000, 50_000],
  profileSize: 10_000,
  clients: 200,
  durationSeconds: 30,
  runs: 3,
}

const QUICK: Scale = {
  name: 'quick',
  smallSupplierOrders: 2_000,
  // 40,000 rather than 20,000: the polled supplier then has about 7,000 paid orders, enough for the 5,000 export.
  largeTotalOrders: 40_000,
  pollsPerRun: 20,
  warmupPolls: 3,
  exportSizes: [1_000, 5_000],
  profileSize: 5_000,
  clients: 20,
  durationSeconds: 10,
  runs: 2,
}

export interface BenchOptions {
  scale: Scale
  sections: ReadonlySet<Section>
  /** PostgreSQL URL of a role that may create databases; the bench databases are created beside its database. */
  adminUrl: string
  /** Keep the bench databases at the end (they are dropped otherwise). */
  keep: boolean
  /** Use bench databases kept by an earlier `--keep` run of the same size instead of seeding again. */
  reuse: boolean
  /** Run `npm run build` first (the service is measured as `node dist/server.js`). */
  build: boolean
  /** Profile the service with `node --cpu-prof` in one more export and one more clients run. */
  profile: boolean
  /** Where to write the results as Markdown; null = print only. */
  out: string | null
  /** Options for node in the service processes (`--node-args`), e.g. `--max-old-space-size=192`. */
  serviceNodeArgs: string[]
}

export const USAGE = `Usage: npm run bench -- [--quick] [--runs N] [--only poll,export,clients] [--keep] [--reuse]
                       [--no-build] [--profile | --no-profile] [--out FILE | --no-out] [--node-args="ARGS"]

A full run (about 15 minutes, 3 of them seeding a million orders) prints the tables and writes BENCHMARKS.md.

  --quick       a small smoke run (about 2 minutes): 2k vs 40k orders of history, exports of 1k and 5k orders,
                20 concurrent clients for 10 s, 2 runs; prints only, unless --out is given
  --runs N      runs per figure (default 3, quick 2); every figure is the median of the runs with min and max
  --only LIST   run only these sections (comma-separated: poll, export, clients)
  --keep        keep the bench databases (olvery_bench_<orders>) at the end
  --reuse       reuse bench databases kept by --keep instead of seeding again (the service's own schema is reset)
  --no-build    do not run npm run build first
  --profile     profile the service (node --cpu-prof) in one more export and one more clients run; on by default
                in full runs
  --out FILE    write the results as Markdown (default BENCHMARKS.md for full runs); --no-out prints only
  --node-args="ARGS"
                options for node in every service process, after the image's NODE_OPTIONS (which the service
                always gets, as in the Dockerfile), e.g. --node-args=--max-old-space-size=4096 to measure it
                without the image's heap limit (the report's Code line shows the command); write it with "=",
                as the value starts with a dash

Environment: BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres: a role that may
create and drop databases. The benchmark creates its own databases olvery_bench_* on that server.`


const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        runs: { type: 'string' },
        only: { type: 'string' },
        keep: { type: 'boolean' },
        reuse: { type: 'boolean' },
        'no-build': { type: 'boolean' },
        profile: { type: 'boolean' },
        'no-profile': { type: 'boolean' },
        out: { type: 'string' },
        'no-out': { type: 'boolean' },
        'node-args': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.help) return 'help'

  const base = values.quick ? QUICK : FULL
  let runs = base.runs
  if (values.runs !== undefined) {
    runs = /^\d+$/.test(values.runs) ? Number(values.runs) : Number.NaN
    if (!(runs >= 1 && runs <= 20)) throw new UsageError(`--runs must be a whole number from 1 to 20, got "${values.runs}"\n${USAGE}`)
  }
  let sections = new Set<Section>(SECTIONS)
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim()).filter(Boolean)
    const unknown = names.filter((n) => !SECTIONS.includes(n as Section))
    if (unknown.length || names.length === 0) {
      throw new UsageError(`--only takes a list of ${SECTIONS.join(', ')}; got "${values.only}"\n${USAGE}`)
    }
    sections = new Set(names as Section[])
  }
  if (values.profile && values['no-profile']) throw new UsageError(`--profile and --no-profile contradict each other\n${USAGE}`)
  if (values.out !== undefined && values['no-out']) throw new UsageError(`--out and --no-out contradict each other\n${USAGE}`)

  const serviceNodeArgs = (values['node-args'] ?? '').split(/\s+/).filter(Boolean)
  const notOptions = serviceNodeArgs.filter((arg) => !arg.startsWith('--'))
  if (notOptions.length > 0) throw new UsageError(`--node-args takes options for node (--…), got "${notOptions.join(' ')}"\n${USAGE}`)

  const adminUrl = (env['BENCH_DATABASE_URL'] || env['DATABASE_URL'] || DEFAULT_ADMIN_URL).trim()
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) throw new UsageError('BENCH_DATABASE_URL (or DATABASE_URL) must be a postgres:// URL')

  return {
    scale: { ...base, runs },
    sections,
    adminUrl,
    keep: values.keep ?? false,
    reuse: values.reuse ?? false,
    build: !values['no-build'],
    profile: values.profile ?? (values['no-profile'] ? false : base.name === 'full'),
    out: values['no-out'] ? null : (values.out ?? (base.name === 'full' ? 'BENCHMARKS.md' : null)),
    serviceNodeArgs,
  }
}
