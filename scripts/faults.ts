/**
 * `npm run test:faults -- --seconds N [--seed S]` (README "Fault campaign"): proves on the real PostgreSQL that
 * every paid order reaches each 1C base once, whatever breaks. For N seconds, together:
 *
 * - platform writers create orders, add and move payments, cancel orders and edit lines, some in transactions that
 *   commit late (scripts/faults/writers.ts);
 * - five integrations over three supplier companies (two pairs share a company) are polled by simulated 1C bases that
 *   drop connections mid-answer, skip or repeat `success`, run two exchanges at once and reuse expired sessions
 *   (scripts/faults/onec.ts), each exchange alternating between two service processes on one database;
 * - the service processes are killed with SIGKILL before, during and after `query` and during `success`, and their
 *   database connections are terminated (scripts/faults/injector.ts).
 *
 * Then writes stop, the safety lag passes, each integration exchanges cleanly until nothing is pending, and the
 * checker (scripts/faults/checker.ts) compares what every 1C holds with the platform's final data. The report goes
 * to stdout; the exit code is 0 only when no order was lost, none delivered twice after acknowledgement, none of
 * another company delivered, and the run exercised enough to tell.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { checkCampaign, type CheckResult } from './faults/checker.js'
import { createDatabase, dropDatabase, HARNESS_APP, openHarnessDatabases, preparePlatform, withApplicationName } from './faults/database.js'
import { expectationsOf, explainLoss, journalRows, orderCompanies, resolveAcknowledgements } from './faults/expectations.js'
import { FaultLog, Injector } from './faults/injector.js'
import { OneCFleet } from './faults/onec.js'
import { parseFaultArgs, USAGE, type FaultOptions } from './faults/options.js'
import { readCommandLine } from './command-line.js'
import { Random, sleep } from './faults/random.js'
import { renderReport, verdict } from './faults/report.js'
import { createServices, type ServiceProcess } from './faults/services.js'
import { Writers } from './faults/writers.js'

/** The smallest SESSION_TTL_SECONDS the service accepts: parked sessions expire within a run of a minute or more. */
const SESSION_TTL_SECONDS = 60
const WORK_DIR = path.join(os.tmpdir(), 'olvery-faults')

const started = performance.now()
function log(line: string): void {
  const seconds = Math.round((performance.now() - started) / 1000)
  console.error(`[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${line}`)
}

async function campaign(options: FaultOptions, services: ServiceProcess[], database: { name: string; url: string }): Promise<number> {
  const random = new Random(options.seed)
  log(`preparing ${database.name}: migrations, the reference schema, ${options.historyOrders} demo orders, 5 integrations`)
  const platform = await preparePlatform(database.url, { seed: options.seed, historyOrders: options.historyOrders })

  services.push(
    ...(await createServices({
      databaseUrl: database.url,
      pooledUrl: options.pooledUrl,
      workDir: WORK_DIR,
      safetyLagSeconds: options.safetyLagSeconds,
      sessionTtlSeconds: SESSION_TTL_SECONDS,
      count: 2,
      dist: options.dist,
      retentionSeconds: options.retentionSeconds,
    })),
  )
  for (const service of services) await service.start()
  log(`services on ports ${services.map((s) => s.port).join(' and ')}; logs in ${WORK_DIR}`)

  const harness = new pg.Client({ connectionString: withApplicationName(database.url, HARNESS_APP) })
  await harness.connect()
  const faults = new FaultLog()
  const injector = new Injector(services, harness, database.name, random.fork('injector'), faults, {
    killSpacingMs: 10_000,
    killChance: 0.3,
    terminateChance: 0.06,
  })
  const writers = new Writers(database.url, {
    suppliers: platform.suppliers,
    random: random.fork('writers'),
    safetyLagSeconds: options.safetyLagSeconds,
    beyondLag: options.beyondLag,
    maxOrders: options.maxOrders,
  })
  const fleet = new OneCFleet(platform.integrations, services, injector, faults, random.fork('1c'), SESSION_TTL_SECONDS)

  log(`workload for ${options.seconds} s (seed ${options.seed})${options.retentionSeconds === null ? '' : `, retention periods of ${options.retentionSeconds} s`}`)
  writers.start()
  fleet.start()
  injector.startIdleTerminations()
  // With retention on, a success whose answer was lost is resolved from the journal a few seconds later, while its
  // session (live for SESSION_TTL_SECONDS) still protects its batch; at the end it might be pruned.
  const resolver = options.retentionSeconds === null ? null : earlyResolver(database.url, fleet)
  const deadline = Date.now() + options.seconds * 1000
  while (Date.now() < deadline) {
    await sleep(Math.min(10_000, deadline - Date.now()))
    log(
      `  ${writers.stats.ordersCreated} orders created, ${fleet.stats.started} exchanges (${fleet.stats.complete} complete), ` +
        `${[...faults.counts.values()].reduce((a, b) => a + b, 0)} faults`,
    )
  }

  log('stopping the writers, the 1C clients and the faults')
  await writers.stop()
  await fleet.stop()
  await injector.stop()
  log(`waiting past the safety lag (${options.safetyLagSeconds} s)`)
  await sleep((options.safetyLagSeconds + 1.5) * 1000)

  log('one clean exchange per integration, repeated until nothing is pending')
  const finals = await Promise.all(platform.integrations.map((i) => fleet.finalExchanges(i, random.fork(`final-${i.label}`))))
  await resolver?.stop()
  const problems: string[] = []
  finals.forEach((f, i) => {
    if (!f.ok) problems.push(`integration ${platform.integrations[i]!.label}: ${f.problem}`)
  })
  for (const error of injector.restartErrors) problems.push(`a restart failed: ${error}`)
  await harness.end()

  log('checking')
  const databases = await openHarnessDatabases(database.url)
  let result: CheckResult
  const explanations = new Map<string, string[]>()
  let journal: Awaited<ReturnType<typeof journalRows>> | null = null
  try {
    if (options.retentionSeconds !== null) {
      // The periods passed since the last exchange: whatever may go has gone by the next run of the pruner.
      await sleep((options.retentionSeconds + 5) * 1000)
      journal = await journalRows(databases)
    }
    await resolveAcknowledgements(databases, fleet.toResolve)
    const companies = await orderCompanies(databases)
    const integrations = await expectationsOf(databases, platform.integrations, companies)
    result = checkCampaign({
      integrations,
      orderCompanies: companies,
      exchanges: fleet.records,
      beyondLagOrders: writers.stats.beyondLagOrders,
    })
    for (const lost of result.lost.slice(0, 10)) {
      explanations.set(lost.orderId + lost.integrationId, await explainLoss(databases, lost, fleet.records))
    }
  } finally {
    await databases.close()
  }

  const minimum = platform.integrations.length * 5
  if (fleet.stats.complete < minimum) problems.push(`only ${fleet.stats.complete} complete exchanges during the workload (at least ${minimum} needed)`)
  if (fleet.stats.unreadable > 0) problems.push(`${fleet.stats.unreadable} answers whose documents could not be read one by one`)
  if (journal && journal.batches >= journal.batchesRecorded) problems.push('retention was on, but no batch was ever pruned')
  const report = { options, platform, writers: writers.stats, fleet: fleet.stats, faults, result, problems, services, explanations, journal }
  console.log(renderReport(report))
  return verdict(report)
}

/** Resolves lost `success` answers 3 s after they were lost, every 2 s, until stopped. */
function earlyResolver(url: string, fleet: OneCFleet): { stop(): Promise<void> } {
  const seen = new Map<object, number>()
  let stopped = false
  const databases = openHarnessDatabases(url)
  const loop = (async () => {
    const db = await databases
    while (!stopped) {
      await sleep(2000)
      const now = Date.now()
      for (const item of fleet.toResolve) if (!seen.has(item)) seen.set(item, now)
      const due = fleet.toResolve.filter((item) => now - seen.get(item)! >= 3000)
      await resolveAcknowledgements(db, due).catch((error: Error) => log(`resolving lost success answers: ${error.message}`))
    }
    await db.close()
  })()
  return {
    async stop() {
      stopped = true
      await loop
    },
  }
}

async function main(): Promise<void> {
  const options = readCommandLine(() => parseFaultArgs(process.argv.slice(2), process.env), USAGE)
  if (!options) return
  fs.rmSync(WORK_DIR, { recursive: true, force: true })
  fs.mkdirSync(WORK_DIR, { recursive: true })

  const services: ServiceProcess[] = []
  let database: { name: string; url: string } | null = null
  const cleanUp = async () => {
    await Promise.all(services.map((s) => s.stop()))
    if (!database) return
    if (options.keep) log(`kept the database ${database.name} and the logs in ${WORK_DIR}`)
    else await dropDatabase(options.adminUrl, database.name).catch((e: Error) => log(`could not drop ${database!.name}: ${e.message}`))
  }
  process.once('SIGINT', () => {
    log('interrupted: stopping the services and dropping the database')
    void cleanUp().finally(() => process.exit(130))
  })
  // Bounded whatever hangs: the workload, then at most ten minutes for set-up, restarts, final exchanges and checks.
  const watchdog = setTimeout(() => {
    log('the campaign overran its time bound: stopping')
    void cleanUp().finally(() => process.exit(1))
  }, (options.seconds + 600) * 1000)
  watchdog.unref()
  try {
    database = await createDatabase(options.adminUrl)
    process.exitCode = await campaign(options, services, database)
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
    process.exitCode = 1
  } finally {
    await cleanUp()
  }
  // A failure midway can leave the writers' pools and the clients' sockets open: end now rather than wait for the
  // watchdog (a run that ended in an error once sat there for minutes).
  if (process.exitCode) process.exit(process.exitCode)
}

void main()
