/**
 * `npm run bench`: measures the service as production runs it, against the real PostgreSQL, and prints one
 * table per section, with the targets beside the figures; a full run also writes them to BENCHMARKS.md.
 *
 *   1. Poll cost against history: a full exchange with nothing pending, ~10,000 vs 1,000,000 orders of history.
 *   2. Export against the read limit: one query of 1,000 / 5,000 / 10,000 / 50,000 pending orders vs psql COPY.
 *   3. Many 1C clients: 200 integrations polling concurrently vs a bare Fastify route.
 *
 * The harness seeds its own databases olvery_bench_* with the demo generator, starts `node dist/server.js` against
 * them (fresh processes where a figure needs one), drives it over HTTP with the project's 1C client, and drops the
 * databases at the end. `npm run bench -- --help` lists the options; scripts/bench/ holds the parts.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { measureClients, type ClientsResult } from './bench/clients.js'
import { dropDatabase, prepareDatabase, totalOrdersForSupplier, withPg, type BenchDatabase } from './bench/databases.js'
import { measureExport, type ExportResult } from './bench/export.js'
import { parseBenchArgs, USAGE, type BenchOptions } from './bench/options.js'
import { readCommandLine } from './command-line.js'
import { measurePoll, type PollResult } from './bench/poll.js'
import { REPO_ROOT, setServiceNodeArgs, stopAll, WORK_DIR } from './bench/processes.js'
import {
  clientsTable,
  count,
  describeData,
  describeMachine,
  exportTable,
  int,
  planBlock,
  planSection,
  pollTable,
  profileSection,
  profileText,
  renderMarkdown,
  renderText,
  type Table,
  type TargetLine,
} from './bench/report.js'

/** BENCHMARKS.md keeps everything below this line when the benchmark rewrites it: the hand-written notes. */
const KEPT_NOTES_MARKER = '<!-- Everything below this line is kept when `npm run bench` rewrites this file. -->'

const started = performance.now()
const loadAtStart = os.loadavg()
function log(line: string): void {
  const seconds = Math.round((performance.now() - started) / 1000)
  const stamp = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`
  console.error(`[${stamp}] ${line}`)
}

interface Results {
  poll: [PollResult, PollResult] | null
  export: ExportResult | null
  clients: ClientsResult | null
}

function build(): void {
  log('npm run build')
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('npm run build failed: the service cannot be measured')
}

async function measure(options: BenchOptions, databases: BenchDatabase[]): Promise<Results> {
  const { scale, sections } = options
  const results: Results = { poll: null, export: null, clients: null }
  const prepare = async (orders: number) => {
    const database = await prepareDatabase({ adminUrl: options.adminUrl, orders, reuse: options.reuse, log })
    databases.push(database)
    return database
  }

  const large = await prepare(scale.largeTotalOrders)
  if (sections.has('poll')) {
    const small = await prepare(totalOrdersForSupplier(scale.smallSupplierOrders))
    log('1. poll cost against history')
    const common = { runs: scale.runs, pollsPerRun: scale.pollsPerRun, warmupPolls: scale.warmupPolls, log }
    results.poll = await measurePoll([small, large], common)
  }
  if (sections.has('export')) {
    log('2. export against the read limit')
    results.export = await measureExport(large, {
      sizes: scale.exportSizes,
      runs: scale.runs,
      profileSize: options.profile ? scale.profileSize : null,
      log,
    })
  }
  if (sections.has('clients')) {
    log('3. many 1C clients')
    if (results.poll || results.export) await settle(large)
    results.clients = await measureClients(large, {
      clients: scale.clients,
      durationSeconds: scale.durationSeconds,
      runs: scale.runs,
      profile: options.profile,
      log,
    })
  }
  return results
}

/**
 * Sections 1 and 2 write gigabytes of document fragments; PostgreSQL's checkpoints and autovacuum of them then ran
 * during section 3 and took the CPUs its clients were measured on (13.7 ms of PostgreSQL CPU per cycle against 2.2
 * when the section ran alone). Doing that work now, before the section, keeps it out of the measurement.
 */
async function settle(database: BenchDatabase): Promise<void> {
  const started = performance.now()
  await withPg(database.url, async (client) => {
    await client.query('vacuum (analyze)')
    // CHECKPOINT needs pg_checkpoint (or a superuser) on PostgreSQL 15; without it, the next timed one comes later.
    await client.query('checkpoint').catch(() => log('  (no CHECKPOINT: the role may not run one)'))
  })
  log(`  settled PostgreSQL first (VACUUM (ANALYZE) and CHECKPOINT) in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

interface Report {
  tables: Table[]
  targets: TargetLine[]
}

function tablesOf(results: Results): Report {
  const report: Report = { tables: [], targets: [] }
  if (results.poll) {
    const { table, targets } = pollTable(...results.poll)
    report.tables.push(table)
    report.targets.push(...targets)
  }
  if (results.export) {
    const { table, targets } = exportTable(results.export)
    report.tables.push(table)
    report.targets.push(...targets)
  }
  if (results.clients) {
    const { table, targets } = clientsTable(results.clients)
    report.tables.push(table)
    report.targets.push(...targets)
  }
  return report
}

function targetsTable(targets: TargetLine[]): Table {
  return {
    title: 'Targets',
    columns: ['target', 'measured', 'verdict'],
    rows: targets.map((t) => [t.target, t.figure, t.verdict]),
    notes: [],
  }
}

async function markdown(
  options: BenchOptions,
  databases: readonly BenchDatabase[],
  results: Results,
  report: Report,
  minutes: number,
): Promise<string> {
  const machine = await describeMachine(options.adminUrl, loadAtStart)
  const { scale } = options
  const sections: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${scale.name === 'quick' ? ' -- --quick' : ''}\` (scripts/bench.ts) on ` +
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${minutes.toFixed(0)} minutes. Every figure is ` +
      `the median of ${count(scale.runs, 'run')}, with [min–max] of the runs.`,
    '',
    renderMarkdown(targetsTable(report.targets)),
    '',
    '## Machine',
    '',
    ...machine.map((line) => `- ${line.replace(/\n/g, '\n  ')}`),
    '',
    '## Data',
    '',
    ...describeData(databases).map((line) => `- ${line}`),
  ]
  for (const table of report.tables) {
    sections.push('', renderMarkdown(table))
    if (table.title.startsWith('1.') && results.poll) sections.push('', planSection(results.poll))
    if (table.title.startsWith('2.') && results.export?.firstQueryPlan) {
      const title = "Candidate scan of a new integration's first query (the SQL of findCandidateOrders)"
      sections.push('', planBlock(title, results.export.firstQueryPlan, '###'))
    }
    if (table.title.startsWith('2.') && results.export?.profile) {
      const { profile } = results.export
      sections.push('', profileSection(`Profile of the service during one export of ${int(profile.orders)} orders`, profile))
    }
    if (table.title.startsWith('3.') && results.clients?.profile) {
      sections.push('', profileSection(`Profile of the service under ${scale.clients} polling clients`, results.clients.profile))
    }
  }
  return sections.join('\n') + '\n'
}

/** Writes `file`, keeping the hand-written notes below KEPT_NOTES_MARKER of the file it replaces. */
function writeKeepingNotes(file: string, text: string): void {
  let kept = `\n${KEPT_NOTES_MARKER}\n\n## Notes\n\n(What limits each figure, with the profile that shows it.)\n`
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file, 'utf8')
    const at = old.indexOf(KEPT_NOTES_MARKER)
    if (at >= 0) kept = `\n${old.slice(at)}`
  }
  fs.writeFileSync(file, text + kept)
}

async function main(): Promise<void> {
  const options = readCommandLine(() => parseBenchArgs(process.argv.slice(2), process.env), USAGE)
  if (!options) return

  const databases: BenchDatabase[] = []
  const cleanUp = async () => {
    await stopAll()
    if (options.keep) {
      if (databases.length) log(`kept ${databases.map((d) => d.name).join(', ')} (--reuse uses them again)`)
      return
    }
    for (const database of databases) await dropDatabase(options.adminUrl, database.name).catch(() => undefined)
  }
  process.once('SIGINT', () => {
    log('interrupted: stopping the processes started and dropping the bench databases')
    void cleanUp().finally(() => process.exit(130))
  })

  // Only the last run's service logs and CPU profiles are kept (open a .cpuprofile in Chrome DevTools to explore it).
  fs.rmSync(WORK_DIR, { recursive: true, force: true })
  log(`${options.scale.name} run, ${count(options.scale.runs, 'run')} per figure; logs and CPU profiles of the processes in ${WORK_DIR}`)
  let results: Results
  try {
    if (options.build) build()
    setServiceNodeArgs(options.serviceNodeArgs)
    results = await measure(options, databases)
  } finally {
    await cleanUp()
  }

  const minutes = (performance.now() - started) / 60_000
  const report = tablesOf(results)
  console.log('')
  for (const table of [...report.tables, targetsTable(report.targets)]) {
    console.log(renderText(table))
    console.log('')
  }
  if (results.export?.profile) {
    console.log(profileText(`Profile of the service during one export of ${int(results.export.profile.orders)} orders`, results.export.profile), '\n')
  }
  if (results.clients?.profile) console.log(profileText(`Profile of the service under ${options.scale.clients} polling clients`, results.clients.profile), '\n')
  if (options.out) {
    const file = path.resolve(REPO_ROOT, options.out)
    writeKeepingNotes(file, await markdown(options, databases, results, report, minutes))
    log(`wrote ${path.relative(process.cwd(), file) || file}`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
