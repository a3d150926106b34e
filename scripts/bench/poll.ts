/**
 * Section 1, poll cost against history: the cost of a full exchange with nothing pending (checkauth → query →
 * success) for an integration whose company has a small history, and for one in a platform of a million orders.
 *
 * Both services run side by side and the runs alternate between them (small, large, then large, small, …), so that
 * whatever else the machine is doing weighs on both alike and the ratio of each pair of runs is a fair one.
 */
import type { Databases } from '../../src/olvery/databases.js'
import type { OneCClient } from '../../test/helpers/onec-client.js'
import { openBenchDatabases, endLeftoverStatements, withPg, type BenchDatabase } from './databases.js'
import { createIntegration, exchangeUntilEmpty, MAX_BATCH_SIZE, oneCClient, timedExchange, type SteadyState } from './exchange.js'
import { explainCandidateScan, type CandidatePlan } from './plans.js'
import { cpuSince, postgresCpuSeconds, startService, type CpuReading, type ServerProcess } from './processes.js'
import { summarizeLatencies, type LatencySummary } from './stats.js'

interface PollRun extends LatencySummary {
  /** Service CPU per poll, milliseconds. */
  cpuPerPollMs: CpuReading
  /** PostgreSQL CPU per poll, milliseconds; null when the server is not on this machine. */
  postgresCpuPerPollMs: number | null
}

export interface PollResult {
  database: BenchDatabase
  batchSize: number
  warmupPolls: number
  steady: SteadyState
  runs: PollRun[]
  /** Polls that failed or returned documents (there should be none: nothing is pending). */
  anomalies: string[]
  /** The candidate scan of the polls (EXPLAIN ANALYZE). */
  plan: CandidatePlan
  /** When steady state was not reached: the scan of the exchange that failed (EXPLAIN only), with its watermark. */
  catchUpPlan: CandidatePlan | null
}

interface Subject {
  database: BenchDatabase
  databases: Databases
  service: ServerProcess
  integrationId: string
  /** The integration that did not reach steady state, if any. */
  catchUpIntegrationId: string | null
  client: OneCClient
  steady: SteadyState
  anomalies: string[]
  runs: PollRun[]
}

/**
 * batch_size of the polled integration: large, so that steady state takes few exchanges, but no larger than the 10,000
 * orders a query must serve within 1C's timeout (the settings allow up to MAX_BATCH_SIZE).
 */
const BATCH_SIZE = Math.min(MAX_BATCH_SIZE, 10_000)

/**
 * A service on the database and an integration of its busiest supplier, brought to "nothing pending" by real
 * exchanges. When the service cannot get there (an exchange fails as 1C would see it, typically a query slower than
 * 1C's timeout), the failure is kept for the report and the polls are measured instead on an integration created
 * with export_from = today: the same candidate scan as in steady state (a watermark near now), without the
 * acknowledged orders.
 */
async function prepare(database: BenchDatabase, log: (line: string) => void): Promise<Subject> {
  const databases = await openBenchDatabases(database.url)
  const label = `poll-${database.name}`
  const subject: Pick<Subject, 'databases' | 'service'> = { databases, service: await startService({ label, databaseUrl: database.url }) }
  try {
    const steadyCredentials = await createIntegration(databases, {
      companyId: database.supplier.id,
      name: 'bench: poll',
      settings: { batch_size: BATCH_SIZE },
    })
    log(`  ${database.name}: bringing the integration to steady state (batch_size ${BATCH_SIZE})`)
    let credentials = steadyCredentials
    const steady = await exchangeUntilEmpty(oneCClient(subject.service.baseUrl, credentials), {
      maxExchanges: Math.ceil(database.supplier.orders / BATCH_SIZE) + 10,
      log,
    })
    if (steady.reached) {
      log(`    steady after ${steady.exchanges} exchanges, ${steady.orders} orders, ${steady.seconds.toFixed(0)} s`)
    } else {
      log(`    steady state NOT reached: ${steady.problem}; polling an integration created with export_from = today instead`)
      await subject.service.stop()
      await endLeftoverStatements(database.url, log, 'after the exchanges that did not reach steady state')
      subject.service = await startService({ label: `${label}-export-from-today`, databaseUrl: database.url })
      credentials = await createIntegration(databases, {
        companyId: database.supplier.id,
        name: 'bench: poll from today',
        settings: { batch_size: BATCH_SIZE, export_from: new Date().toISOString().slice(0, 10) },
      })
    }
    // As autovacuum would soon after the bulk of acknowledgements: fresh statistics for the service's own tables.
    await withPg(database.url, (c) => c.query('vacuum analyze'))
    const client = oneCClient(subject.service.baseUrl, credentials)
    return {
      ...subject,
      database,
      integrationId: credentials.id,
      catchUpIntegrationId: steady.reached ? null : steadyCredentials.id,
      client,
      steady,
      anomalies: [],
      runs: [],
    }
  } catch (error) {
    await release(subject)
    throw error
  }
}

async function release(subject: Pick<Subject, 'service' | 'databases'>): Promise<void> {
  await subject.service.stop()
  await subject.databases.close()
}

/** `count` polls one after another; returns their latencies, and records any that misbehaved. */
async function poll(subject: Subject, count: number): Promise<number[]> {
  const ms: number[] = []
  for (let i = 0; i < count; i++) {
    const result = await timedExchange(subject.client)
    if (result.problems.length) subject.anomalies.push(result.problems.join('; '))
    else if (result.documents > 0) subject.anomalies.push(`a poll returned ${result.documents} documents`)
    ms.push(result.ms)
  }
  return ms
}

async function timedRun(subject: Subject, count: number): Promise<PollRun> {
  const before = subject.service.cpuByThread()
  const postgresBefore = postgresCpuSeconds()
  const ms = await poll(subject, count)
  const postgresAfter = postgresCpuSeconds()
  const cpu = cpuSince(before, subject.service.cpuByThread())
  return {
    ...summarizeLatencies(ms),
    cpuPerPollMs: { main: (cpu.main * 1000) / count, other: (cpu.other * 1000) / count },
    postgresCpuPerPollMs: postgresBefore === null || postgresAfter === null ? null : ((postgresAfter - postgresBefore) * 1000) / count,
  }
}

export async function measurePoll(
  databases: [small: BenchDatabase, large: BenchDatabase],
  params: { runs: number; pollsPerRun: number; warmupPolls: number; log: (line: string) => void },
): Promise<[PollResult, PollResult]> {
  const { log } = params
  const subjects: Subject[] = []
  try {
    for (const database of databases) subjects.push(await prepare(database, log))
    for (const subject of subjects) await poll(subject, params.warmupPolls)
    for (let run = 1; run <= params.runs; run++) {
      const order = run % 2 ? subjects : [...subjects].reverse()
      for (const subject of order) {
        const result = await timedRun(subject, params.pollsPerRun)
        subject.runs.push(result)
        log(`    run ${run}, ${subject.database.name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`)
      }
    }
    const results = []
    for (const s of subjects) {
      const companyId = s.database.supplier.id
      const plan = await explainCandidateScan(s.database.url, s.databases, { integrationId: s.integrationId, companyId, analyze: true })
      const catchUpPlan = s.catchUpIntegrationId
        ? await explainCandidateScan(s.database.url, s.databases, { integrationId: s.catchUpIntegrationId, companyId, analyze: false })
        : null
      results.push({
        database: s.database,
        batchSize: BATCH_SIZE,
        warmupPolls: params.warmupPolls,
        steady: s.steady,
        runs: s.runs,
        anomalies: s.anomalies,
        plan,
        catchUpPlan,
      })
    }
    return [results[0]!, results[1]!]
  } finally {
    for (const subject of subjects) await release(subject)
  }
}
