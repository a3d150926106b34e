/**
 * Turns the measurements into tables, printed to the terminal and written to BENCHMARKS.md from the same model, with
 * the targets beside each figure. Also describes the machine.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import type { ClientsResult } from './clients.js'
import { withPg, type BenchDatabase } from './databases.js'
import { ONEC_TIMEOUT_MS } from './exchange.js'
import type { ExportResult, ExportRun } from './export.js'
import { ANALYZE_TIMEOUT_MS, type CandidatePlan } from './plans.js'
import type { PollResult } from './poll.js'
import type { ProfileEntry, ProfileSummary } from './profile.js'
import { REPO_ROOT, serviceCommand } from './processes.js'
import { spread, type Spread } from './stats.js'

export interface Table {
  title: string
  columns: string[]
  rows: string[][]
  notes: string[]
}

type Verdict = 'met' | 'not met' | 'not measured'

export interface TargetLine {
  target: string
  figure: string
  verdict: Verdict
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const MiB = 2 ** 20
const ONEC_TIMEOUT_SECONDS = ONEC_TIMEOUT_MS / 1000
/** `1 run`, `3 runs`. */
export const count = (n: number, word: string) => `${int(n)} ${word}${n === 1 ? '' : 's'}`
export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–')
const fixed = (n: number, digits: number) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–'

/** `median [min–max]` of the runs, or the single value of one run. */
function ranged(s: Spread, digits: number): string {
  if (!Number.isFinite(s.median)) return '–'
  if (s.runs.length === 1 || fixed(s.min, digits) === fixed(s.max, digits)) return fixed(s.median, digits)
  return `${fixed(s.median, digits)} [${fixed(s.min, digits)}–${fixed(s.max, digits)}]`
}

const verdict = (measured: boolean, met: boolean): Verdict => (!measured ? 'not measured' : met ? 'met' : 'not met')

export function renderText(table: Table): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [
    table.title,
    '',
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.rows.map(line),
    ...(table.notes.length ? ['', ...table.notes.map((n) => `  * ${n}`)] : []),
  ].join('\n')
}

export function renderMarkdown(table: Table, heading = '##'): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|')
  return [
    `${heading} ${table.title}`,
    '',
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
    ...(table.notes.length ? ['', ...table.notes.map((n) => `- ${n}`)] : []),
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------------------------
// Section 1

const POLL_RATIO_TARGET = 1.2

export function pollTable(small: PollResult, large: PollResult): { table: Table; targets: TargetLine[] } {
  const p50 = (r: PollResult) => spread(r.runs.map((run) => run.p50))
  const p99 = (r: PollResult) => spread(r.runs.map((run) => run.p99))
  const ratios = spread(large.runs.map((run, i) => run.p50 / small.runs[i]!.p50))
  const ratioMet = ratios.median <= POLL_RATIO_TARGET
  const column = (r: PollResult) =>
    `${int(r.database.supplier.orders)} supplier orders (${int(r.database.summary.counts.orders)} in all)`
  const extremes = (r: PollResult) =>
    `${fixed(Math.min(...r.runs.map((x) => x.min)), 1)} – ${fixed(Math.max(...r.runs.map((x) => x.max)), 1)}`
  const steady = ({ steady: s }: PollResult) =>
    s.reached
      ? `${s.exchanges} exchanges, ${int(s.orders)} orders, ${fixed(s.seconds, 0)} s (slowest ${fixed(s.slowestSeconds, 1)} s)`
      : `NOT reached: ${s.problem}, after ${int(s.orders)} orders acknowledged`
  const fallback = [small, large].filter((r) => !r.steady.reached)
  const cpuPerPoll = (r: PollResult) =>
    `${ranged(spread(r.runs.map((x) => x.cpuPerPollMs.main)), 1)} + ${ranged(spread(r.runs.map((x) => x.cpuPerPollMs.other)), 1)}`
  const postgresPerPoll = (r: PollResult) => ranged(spread(r.runs.map((x) => x.postgresCpuPerPollMs ?? Number.NaN)), 1)
  const cycles = small.runs[0]?.count ?? 0
  const rank = Math.ceil(0.99 * cycles)
  const table: Table = {
    title: '1. Poll cost against history (full exchange, nothing pending)',
    columns: ['', column(small), column(large), 'target', 'verdict'],
    rows: [
      ['steady state reached by', steady(small), steady(large), '', ''],
      ['poll p50, ms', ranged(p50(small), 1), ranged(p50(large), 1), '', ''],
      ['poll p99, ms', ranged(p99(small), 1), ranged(p99(large), 1), '', ''],
      ['fastest – slowest poll, ms', extremes(small), extremes(large), '', ''],
      ['service CPU per poll, ms: main thread + others', cpuPerPoll(small), cpuPerPoll(large), '', ''],
      ['PostgreSQL CPU per poll, ms', postgresPerPoll(small), postgresPerPoll(large), '', ''],
      ['candidate query of a poll (EXPLAIN ANALYZE), ms', fixed(small.plan.executionMs, 2), fixed(large.plan.executionMs, 2), '', ''],
      ['p50 large / small', '', ranged(ratios, 2), `≤ ${POLL_RATIO_TARGET.toFixed(1)}×`, ratioMet ? 'met' : 'not met'],
    ],
    notes: [
      `A poll is one full exchange as 1C (УТ 11) makes it: checkauth → query → success, Basic credentials on every ` +
        `request, over HTTP to \`node dist/server.js\`; timed from the first request to the last answer.`,
      `${cycles} timed polls per run after ${small.warmupPolls} untimed ones, ${count(small.runs.length, 'run')}; p99 is the ` +
        `nearest rank (of ${cycles} polls: ${rank === cycles ? 'the slowest' : `the ${cycles - rank + 1}th slowest`} of the run).`,
      `Steady state: the integration (batch_size ${small.batchSize}, rule purchased+CKassa) was first brought to ` +
        `"nothing pending" by real exchanges until a query returned no document, each within 1C's ` +
        `${ONEC_TIMEOUT_SECONDS} s timeout; then VACUUM ANALYZE, as autovacuum would.`,
      ...fallback.map(
        (r) =>
          `${r.database.name}: steady state was NOT reached, so its polls were measured on an integration created with ` +
          `export_from = today: the same candidate scan as in steady state (a watermark near now), without acknowledged orders.`,
      ),
      `The polled supplier is the one with the most CKassa-paid orders; history ends months before the run, so nothing ` +
        `falls inside the watermark's safety lag. Both services run side by side and the runs alternate between them; ` +
        `the ratio's [min–max] is over pairs of adjacent runs.`,
      `CPU per poll from /proc/<pid>/task: the main thread runs JavaScript; the others are the libuv pool (scrypt of ` +
        `the Basic credentials) and V8's GC and compiler threads. PostgreSQL CPU: all postgres processes of the ` +
        `machine (/proc), so it includes any other activity on that server.`,
      ...[small, large].flatMap((r) => (r.anomalies.length ? [`${r.database.name}: ${r.anomalies.length} polls misbehaved: ${r.anomalies[0]}`] : [])),
    ],
  }
  const unreached = fallback.map((r) => `${r.database.name}: ${r.steady.problem}`)
  return {
    table,
    targets: [
      {
        target: `poll p50 with 1M orders within ${POLL_RATIO_TARGET}× of 10k`,
        figure: `${ranged(ratios, 2)}×${fallback.length ? ' (export_from fallback, see section 1)' : ''}`,
        verdict: ratioMet ? 'met' : 'not met',
      },
      {
        target: `steady state reached by real exchanges, each within 1C's ${ONEC_TIMEOUT_SECONDS} s timeout`,
        figure: unreached.length ? unreached.join('; ') : `slowest exchange ${fixed(Math.max(small.steady.slowestSeconds, large.steady.slowestSeconds), 1)} s`,
        verdict: unreached.length ? 'not met' : 'met',
      },
    ],
  }
}

export function planBlock(title: string, plan: CandidatePlan, heading = '####'): string {
  return [
    `${heading} ${title}`,
    '',
    `Watermark ${plan.watermark?.toISOString() ?? 'none'}, ${plan.unsettled} unsettled orders; ` +
      (plan.analyzed
        ? 'EXPLAIN (ANALYZE, BUFFERS):'
        : plan.analyzeTimedOut
          ? `EXPLAIN only (EXPLAIN ANALYZE did not finish within ${ANALYZE_TIMEOUT_MS / 1000} s):`
          : 'EXPLAIN only (not executed: this is the scan of the exchange that ran past 1C\'s timeout):'),
    '',
    '```',
    plan.plan,
    '```',
  ].join('\n')
}

export function planSection(results: PollResult[]): string {
  const blocks = results.flatMap((r) => {
    const name = `${r.database.name} (${int(r.database.summary.counts.orders)} orders)`
    return [
      planBlock(`${name}: the polls`, r.plan),
      ...(r.catchUpPlan ? [planBlock(`${name}: the exchange that failed on the way to steady state`, r.catchUpPlan)] : []),
    ]
  })
  return ['### Query plans of the candidate scan (the SQL of findCandidateOrders, as the service sends it)', '', blocks.join('\n\n')].join('\n')
}

// ---------------------------------------------------------------------------------------------------------------
// Section 2

const EXPORT_COPY_RATIO_TARGET = 5
/** The sizes held to the COPY ratio. */
const EXPORT_COPY_RATIO_SIZES: readonly number[] = [10_000, 50_000]
const EXPORT_RSS_GROWTH_TARGET_MIB = 64

export function exportTable(result: ExportResult): { table: Table; targets: TargetLine[] } {
  const measured = result.sizes.filter((s) => s.runs.length > 0)
  const rows = result.sizes.map((size) => {
    if (size.rejected) return [int(size.orders), `not measured: the settings are refused (${size.rejected})`, '', '', '', '', '', '', '', '', '']
    const of = (pick: (r: ExportRun) => number) => spread(size.runs.map(pick))
    const ratio = of((r) => r.wallSeconds / r.copySeconds)
    return [
      int(size.orders),
      ranged(of((r) => r.documents), 0),
      ranged(of((r) => r.bytes / MiB), 1),
      ranged(of((r) => r.wallSeconds), 2),
      ranged(of((r) => r.cpuSeconds), 2),
      ranged(of((r) => r.postgresCpuSeconds ?? Number.NaN), 2),
      ranged(of((r) => r.rssBeforeBytes / MiB), 0),
      ranged(of((r) => r.peakRssBytes / MiB), 0),
      ranged(of((r) => r.copySeconds), 3),
      ranged(ratio, 1),
      EXPORT_COPY_RATIO_SIZES.includes(size.orders) ? `≤ ${EXPORT_COPY_RATIO_TARGET}×: ${ratio.median <= EXPORT_COPY_RATIO_TARGET ? 'met' : 'not met'}` : '',
    ]
  })

  const targets: TargetLine[] = []
  for (const orders of EXPORT_COPY_RATIO_SIZES) {
    const size = result.sizes.find((s) => s.orders === orders)
    const ratio = size && size.runs.length > 0 ? spread(size.runs.map((r) => r.wallSeconds / r.copySeconds)) : null
    targets.push({
      target: `export of ${int(orders)} orders within ${EXPORT_COPY_RATIO_TARGET}× psql COPY`,
      figure: ratio ? `${ranged(ratio, 1)}×` : 'not measured',
      verdict: verdict(ratio !== null, (ratio?.median ?? Infinity) <= EXPORT_COPY_RATIO_TARGET),
    })
  }

  const peak = (orders: number) => {
    const size = result.sizes.find((s) => s.orders === orders && s.runs.length > 0)
    return size ? spread(size.runs.map((r) => r.peakRssBytes / MiB)) : null
  }
  const first = measured[0]
  const last = measured.at(-1)
  const growthFrom = first ? peak(first.orders) : null
  const growthTo = last ? peak(last.orders) : null
  const growth = growthFrom && growthTo ? growthTo.median - growthFrom.median : Number.NaN
  const fullRange = first?.orders === 1_000 && last?.orders === 50_000
  const twoSizes = measured.length >= 2
  targets.push({
    target: `peak RSS growth 1,000 → 50,000 orders < ${EXPORT_RSS_GROWTH_TARGET_MIB} MiB`,
    figure: twoSizes && Number.isFinite(growth)
      ? `${fixed(growth, 0)} MiB (${int(first!.orders)} → ${int(last!.orders)}${fullRange ? '' : '; 50,000 not measured'})`
      : 'not measured',
    verdict: verdict(fullRange, growth < EXPORT_RSS_GROWTH_TARGET_MIB),
  })
  const slowest = Math.max(...measured.flatMap((s) => s.runs.map((r) => r.wallSeconds)))
  targets.push({
    target: `every export query above answered within 1C's ${ONEC_TIMEOUT_SECONDS} s timeout`,
    figure: `slowest ${fixed(slowest, 1)} s`,
    verdict: verdict(measured.length > 0, slowest < ONEC_TIMEOUT_SECONDS),
  })

  const rowsRead = result.sizes
    .filter((s) => s.rows)
    .map((s) => `${int(s.orders)}: ${int(s.rows!.lines)} lines, ${int(s.rows!.payments)} payments`)
  const table: Table = {
    title: '2. Export against the read limit (one query of N pending orders)',
    columns: ['orders', 'documents', 'answer MiB', 'query s', 'CPU s', 'PostgreSQL CPU s', 'RSS before MiB', 'peak RSS MiB', 'psql COPY s', 'query / COPY', 'target'],
    rows,
    notes: [
      `Per run and size: a fresh integration (batch_size N, no watermark: the N oldest paid orders are pending) and a ` +
        `fresh service process; checkauth, then one query timed to the last byte of the answer.`,
      `CPU = user+sys of the service process (all threads) from /proc/<pid>/stat around the query; PostgreSQL CPU = ` +
        `all postgres processes of the machine over the same interval. RSS before = VmRSS ` +
        `after checkauth; peak RSS = VmHWM after the query, ${result.peakIsQueryOnly ? 'reset after checkauth (clear_refs), so it is the query\'s own peak' : 'NOT resettable here: it includes start-up and checkauth'}.`,
      `psql COPY: one psql process, three COPY … TO STDOUT > /dev/null reading exactly what the service reads for the ` +
        `orders of that batch (orders ⋈ locations ⋈ customers ⟕ buyer companies; lines; payments); it includes psql's ` +
        `start and connection (${fixed(result.psqlBaselineSeconds * 1000, 0)} ms for \`psql -c 'select 1'\`).`,
      ...(rowsRead.length ? [`Rows read per size: ${rowsRead.join('; ')}.`] : []),
      ...targets.map((t) => `Target: ${t.target}: ${t.verdict === 'not measured' ? t.figure : `${t.figure}, ${t.verdict}`}.`),
    ],
  }
  return { table, targets }
}

export function profileSection(title: string, profile: ProfileSummary): string {
  const list = (entries: ProfileEntry[]) => entries.map((e) => `| ${e.name.replace(/\|/g, '\\|')} | ${fixed(e.ms, 0)} | ${fixed(e.share * 100, 1)}% |`)
  const block = (heading: string, entries: ProfileEntry[]) =>
    [`#### ${heading}`, '', '| | ms | share |', '| --- | --- | --- |', ...list(entries)].join('\n')
  const scope = profile.windowed
    ? `of the measured window only (${fixed(profile.windowMs, 0)} ms wall, ${fixed(profile.sampledMs, 0)} ms sampled)`
    : 'of the whole process (no sample fell inside the measured window)'
  return [
    `### ${title}`,
    '',
    `\`node --cpu-prof\` of the service process, main thread; samples ${scope}. \`(idle)\` is the event loop waiting: ` +
      'for PostgreSQL, for the socket, or for the libuv pool (scrypt), which this profile does not sample.',
    '',
    block('By module (native work charged to its JavaScript caller)', profile.byModule),
    '',
    block('Hottest functions, self time', profile.topSelf),
    '',
    block("The service's functions, total time (including what they call)", profile.topServiceTotal),
  ].join('\n')
}

export function profileText(title: string, profile: ProfileSummary): string {
  const lines = (entries: ProfileEntry[], count: number) =>
    entries.slice(0, count).map((e) => `    ${fixed(e.share * 100, 1).padStart(5)}%  ${fixed(e.ms, 0).padStart(6)} ms  ${e.name}`)
  return [
    `${title} (${fixed(profile.sampledMs, 0)} ms sampled${profile.windowed ? '' : ', whole process'}):`,
    '  by module:',
    ...lines(profile.byModule, 8),
    '  hottest functions (self):',
    ...lines(profile.topSelf, 10),
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------------------------
// Section 3

const CLIENTS_RATIO_TARGET = 0.25

export function clientsTable(result: ClientsResult): { table: Table; targets: TargetLine[] } {
  const of = (runs: ClientsResult['service'], pick: (r: ClientsResult['service'][number]) => number) => spread(runs.map(pick))
  const rate = (runs: ClientsResult['service']) => of(runs, (r) => r.cyclesPerSecond)
  const ratio = spread(result.service.map((run, i) => run.cyclesPerSecond / (result.bare[i]?.cyclesPerSecond ?? Number.NaN)))
  const errors = result.service.reduce((sum, r) => sum + r.errors, 0)
  const bareErrors = result.bare.reduce((sum, r) => sum + r.errors, 0)
  const targets: TargetLine[] = [
    { target: `${result.clients} concurrent integrations with no errors`, figure: `${errors} errors`, verdict: errors === 0 ? 'met' : 'not met' },
    {
      target: `full cycles ≥ ${CLIENTS_RATIO_TARGET * 100}% of the bare-route rate`,
      figure:
        `${ranged(spread(ratio.runs.map((r) => r * 100)), 1)}% (${fixed(rate(result.service).median, 1)} cycles/s, ` +
        `cycle p99 ${fixed(of(result.service, (r) => r.latency.p99).median, 0)} ms, ` +
        `${result.statementsPerCycle === null ? '–' : fixed(result.statementsPerCycle, 1)} statements per cycle)`,
      verdict: ratio.median >= CLIENTS_RATIO_TARGET ? 'met' : 'not met',
    },
  ]
  const samples = [...new Set(result.service.flatMap((r) => r.errorSamples))]
  const serverCpu = (runs: ClientsResult['service']) =>
    `${ranged(of(runs, (r) => r.serverCpuPerCycleMs.main), 1)} + ${ranged(of(runs, (r) => r.serverCpuPerCycleMs.other), 1)}`
  const table: Table = {
    title: `3. Many 1C clients (${result.clients} integrations polling concurrently, ${result.durationSeconds} s per run)`,
    columns: ['', 'service', 'bare Fastify route', 'target', 'verdict'],
    rows: [
      ['full cycles per second', ranged(rate(result.service), 1), ranged(rate(result.bare), 1), '', ''],
      ['cycles per run', ranged(of(result.service, (r) => r.cycles), 0), ranged(of(result.bare, (r) => r.cycles), 0), '', ''],
      ['cycle p50, ms', ranged(of(result.service, (r) => r.latency.p50), 0), ranged(of(result.bare, (r) => r.latency.p50), 1), '', ''],
      ['cycle p99, ms', ranged(of(result.service, (r) => r.latency.p99), 0), ranged(of(result.bare, (r) => r.latency.p99), 1), '', ''],
      ['server CPU per cycle, ms: main thread + others', serverCpu(result.service), serverCpu(result.bare), '', ''],
      ['PostgreSQL CPU per cycle, ms', ranged(of(result.service, (r) => r.postgresCpuPerCycleMs ?? Number.NaN), 1), '', '', ''],
      ['load generator CPU per cycle, ms', ranged(of(result.service, (r) => r.clientCpuPerCycleMs), 1), ranged(of(result.bare, (r) => r.clientCpuPerCycleMs), 1), '', ''],
      [`machine CPU busy, % of ${os.availableParallelism()} CPUs`, ranged(of(result.service, (r) => r.machineBusyPercent), 0), ranged(of(result.bare, (r) => r.machineBusyPercent), 0), '', ''],
      ['statements to PostgreSQL per cycle (BEGIN, COMMIT included)', result.statementsPerCycle === null ? '–' : fixed(result.statementsPerCycle, 1), '', '', ''],
      ['errors, all runs', int(errors), int(bareErrors), '0', errors === 0 ? 'met' : 'not met'],
      ['service / bare, cycles per second', ranged(spread(ratio.runs.map((r) => r * 100)), 1) + '%', '', `≥ ${CLIENTS_RATIO_TARGET * 100}%`, targets[1]!.verdict],
    ],
    notes: [
      `${result.clients} integrations over ${result.suppliers} suppliers of the large database, created with export_from = ` +
        `today (nothing pending), one warm-up exchange each; then each client loops full exchanges (checkauth → query → ` +
        `success, Basic on every request, as УТ 11) until the time is up; cycles in flight at the deadline are awaited.`,
      `The bare route: a separate node process with a Fastify route answering \`success\\n\` to any GET, hit by the same ` +
        `clients with the same three requests per cycle; service and bare runs alternate, the ratio's [min–max] is over ` +
        `pairs of adjacent runs. The load generator is one node process on the same machine, sharing its CPUs.`,
      `Statements per cycle: counted in a run of their own, a few clients one cycle after another behind a proxy in ` +
        `front of PostgreSQL that counts the simple queries and the executes of the extended protocol the service sends.`,
      `CPU per successful cycle: the server process from /proc/<pid>/task (main thread, where JavaScript runs, + its ` +
        `other threads), PostgreSQL = every postgres process of the machine, the load generator = process.cpuUsage(); ` +
        `machine CPU busy from /proc/stat: near 100% the machine itself is the limit, and what the three do not account ` +
        `for is other work on it.`,
      ...(rate(result.service).median * result.durationSeconds < result.clients
        ? [
            `Cycles took longer than a run lasts, so each client completed about one cycle per run; the rate is the ` +
              `cycles completed over the time until the last of them ended.`,
          ]
        : []),
      ...(result.warmupProblems.length ? [`Warm-up problems: ${result.warmupProblems.slice(0, 3).join('; ')}`] : []),
      ...(samples.length ? [`Errors seen: ${samples.slice(0, 3).join('; ')}`] : []),
    ],
  }
  return { table, targets }
}

// ---------------------------------------------------------------------------------------------------------------
// The data and the machine

export function describeData(databases: readonly BenchDatabase[]): string[] {
  return databases.map((d) => {
    const c = d.summary.counts
    const seeded = d.seedSeconds === null ? 'kept from an earlier run (--reuse)' : `seeded in ${fixed(d.seedSeconds, 0)} s`
    return (
      `${d.name}: ${int(c.orders)} orders, ${int(c.order_items)} lines, ${int(c.payments)} payments, ${int(c.customers)} ` +
      `customers on ${int(c.locations)} locations (demo generator, seed "${d.summary.options.seed}"), ${seeded}; polled ` +
      `supplier «${d.supplier.shortName ?? d.supplier.fullName}»: ${int(d.supplier.orders)} orders, ` +
      `${int(d.supplier.ckassaPurchasedOrders)} paid through CKassa`
    )
  })
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd()
  } catch {
    return 'unknown'
  }
}

export async function describeMachine(adminUrl: string, loadAtStart: number[]): Promise<string[]> {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8')
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown'
  const pg = await withPg(adminUrl, async (c) => {
    const version = (await c.query<{ v: string }>('select version() as v')).rows[0]!.v
    const settings = await c.query<{ name: string; setting: string }>(
      `select name, current_setting(name) as setting from pg_settings
        where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_connections', 'jit') order by name`,
    )
    return { version, settings: settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ') }
  })
  const commit = run('git', ['rev-parse', '--short', 'HEAD'])
  const dirty = run('git', ['status', '--porcelain']) !== ''
  return [
    `CPU: ${model}; \`nproc\` = ${run('nproc', [])}`,
    `Memory (\`free -h\`):\n\n\`\`\`\n${run('free', ['-h'])}\n\`\`\``,
    `OS: ${os.type()} ${os.release()}; load average (1, 5, 15 min) at the start ${loadAtStart.map((l) => l.toFixed(2)).join(', ')}, ` +
      `at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (at the start, before the benchmark ran, it is other ` +
      `work sharing the CPUs)`,
    `Node.js ${process.version}; ${run('psql', ['--version'])}`,
    `PostgreSQL server: ${pg.version}; ${pg.settings}`,
    `Code: commit ${commit}${dirty ? ' with uncommitted changes' : ''}; the service is \`${serviceCommand()}\` built by \`npm run build\``,
  ]
}
