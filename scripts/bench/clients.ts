/**
 * Section 3, many 1C clients: N integrations polling concurrently, each one full exchange after another
 * (checkauth → query → success) for a fixed time, against the same loop of three GETs on a bare Fastify route.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OneCClient } from '../../test/helpers/onec-client.js'
import { endLeftoverStatements, openBenchDatabases, type BenchDatabase } from './databases.js'
import { createIntegration, oneCClient, timedExchange, type Credentials } from './exchange.js'
import {
  cpuSince,
  machineCpuSeconds,
  postgresCpuSeconds,
  startBareServer,
  startService,
  WORK_DIR,
  type CpuReading,
  type ServerProcess,
} from './processes.js'
import { summarizeProfile, type ProfileSummary } from './profile.js'
import { startStatementCounter } from './statement-counter.js'
import { summarizeLatencies, type LatencySummary } from './stats.js'

/** A bound on the cycles of one client in one run, besides the time. */
const MAX_CYCLES_PER_CLIENT = 100_000

interface LoadRun {
  cycles: number
  errors: number
  /** From the start to the end of the last cycle (cycles started before the deadline are awaited). */
  seconds: number
  cyclesPerSecond: number
  latency: LatencySummary
  /** A few distinct error messages. */
  errorSamples: string[]
  /** CPU per successful cycle, milliseconds: the server under load (main thread and others), … */
  serverCpuPerCycleMs: CpuReading
  /** … PostgreSQL (the service only, and when the server is on this machine), … */
  postgresCpuPerCycleMs: number | null
  /** … and the load generator (this process). */
  clientCpuPerCycleMs: number
  /** Busy share of all the machine's CPUs during the run, percent: near 100 means the machine was the limit. */
  machineBusyPercent: number
}

export interface ClientsResult {
  clients: number
  suppliers: number
  durationSeconds: number
  warmupProblems: string[]
  service: LoadRun[]
  bare: LoadRun[]
  /**
   * Statements the service sends to PostgreSQL per full cycle (BEGIN and COMMIT included), counted by a proxy in front
   * of the server in a run of its own (statement-counter.ts); null when the cycles of that run failed.
   */
  statementsPerCycle: number | null
  /** One more run of the service under `node --cpu-prof`, when asked for. */
  profile: ProfileSummary | null
}

/** One exchange cycle of one client; resolves to its problems (none = success). */
type Cycle = () => Promise<string[]>

async function runLoad(
  cycles: Cycle[],
  durationSeconds: number,
  server: ServerProcess,
  options: { postgres: boolean },
): Promise<LoadRun> {
  const latencies: number[] = []
  const errorSamples = new Set<string>()
  let errors = 0
  const before = { server: server.cpuByThread(), postgres: postgresCpuSeconds(), client: process.cpuUsage(), machine: machineCpuSeconds() }
  const started = performance.now()
  const deadline = started + durationSeconds * 1000
  await Promise.all(
    cycles.map(async (cycle) => {
      for (let i = 0; i < MAX_CYCLES_PER_CLIENT && performance.now() < deadline; i++) {
        const t0 = performance.now()
        let problems: string[]
        try {
          problems = await cycle()
        } catch (error) {
          problems = [`transport: ${(error as Error).message}`]
        }
        latencies.push(performance.now() - t0)
        if (problems.length) {
          errors++
          if (errorSamples.size < 5) errorSamples.add(problems.join('; '))
        }
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const serverCpu = cpuSince(before.server, server.cpuByThread())
  const postgres = postgresCpuSeconds()
  const client = process.cpuUsage(before.client)
  const machine = machineCpuSeconds()
  const ok = Math.max(1, latencies.length - errors)
  const perCycle = (cpuSeconds: number) => (cpuSeconds * 1000) / ok
  return {
    cycles: latencies.length,
    errors,
    seconds,
    cyclesPerSecond: (latencies.length - errors) / seconds,
    latency: summarizeLatencies(latencies),
    errorSamples: [...errorSamples],
    serverCpuPerCycleMs: { main: perCycle(serverCpu.main), other: perCycle(serverCpu.other) },
    postgresCpuPerCycleMs: options.postgres && postgres !== null && before.postgres !== null ? perCycle(postgres - before.postgres) : null,
    clientCpuPerCycleMs: perCycle((client.user + client.system) / 1e6),
    machineBusyPercent: (100 * (machine.busy - before.machine.busy)) / (machine.total - before.machine.total),
  }
}

const serviceCycle = (client: OneCClient): Cycle => async () => (await timedExchange(client)).problems

/** The same three requests as 1C's cycle (same query strings, Basic credentials), each answered `success\n`. */
const bareCycle = (client: OneCClient): Cycle => async () => {
  const problems: string[] = []
  for (const mode of ['checkauth', 'query', 'success']) {
    const response = await client.request(`type=sale&mode=${mode}`)
    if (response.statusCode !== 200 || !response.text.startsWith('success')) problems.push(`${mode}: HTTP ${response.statusCode}`)
  }
  return problems
}

export async function measureClients(
  database: BenchDatabase,
  params: { clients: number; durationSeconds: number; runs: number; profile: boolean; log: (line: string) => void },
): Promise<ClientsResult> {
  const { log } = params
  const suppliers = database.summary.suppliers.filter((s) => s.ckassaPurchasedOrders > 0)
  // Created today with export_from today, as an administrator connects a 1C base that already holds the history:
  // the candidate scan starts at today's midnight, so every poll is a poll with nothing pending.
  const today = new Date().toISOString().slice(0, 10)
  const databases = await openBenchDatabases(database.url)
  const credentials: Credentials[] = []
  try {
    log(`  creating ${params.clients} integrations over ${suppliers.length} suppliers`)
    for (let start = 0; start < params.clients; start += 8) {
      const batch = Array.from({ length: Math.min(8, params.clients - start) }, (_, k) => start + k)
      credentials.push(
        ...(await Promise.all(
          batch.map((i) =>
            createIntegration(databases, {
              companyId: suppliers[i % suppliers.length]!.id,
              name: `bench: client ${i + 1}`,
              settings: { export_from: today },
            }),
          ),
        )),
      )
    }
  } finally {
    await databases.close()
  }

  const result: ClientsResult = {
    clients: params.clients,
    suppliers: suppliers.length,
    durationSeconds: params.durationSeconds,
    warmupProblems: [],
    service: [],
    bare: [],
    statementsPerCycle: null,
    profile: null,
  }
  const servers: ServerProcess[] = []
  try {
    const service = await startService({ label: 'clients-service', databaseUrl: database.url })
    servers.push(service)
    const bare = await startBareServer()
    servers.push(bare)
    const serviceCycles = credentials.map((c) => serviceCycle(oneCClient(service.baseUrl, c)))
    const bareCycles = credentials.map((c) => bareCycle(oneCClient(bare.baseUrl, c)))

    log('  warm-up: one exchange per integration')
    const warmup = await Promise.all(serviceCycles.map((cycle) => cycle()))
    result.warmupProblems = [...new Set(warmup.flat())]
    await runLoad(bareCycles, 2, bare, { postgres: false })

    // Alternating, so that whatever else the machine does weighs on both alike.
    for (let run = 1; run <= params.runs; run++) {
      const loads = [
        async () => {
          const load = await runLoad(serviceCycles, params.durationSeconds, service, { postgres: true })
          result.service.push(load)
          log(`    run ${run}, service: ${describe(load)}`)
        },
        async () => {
          const load = await runLoad(bareCycles, params.durationSeconds, bare, { postgres: false })
          result.bare.push(load)
          log(`    run ${run}, bare route: ${describe(load)}`)
        },
      ]
      for (const load of run % 2 ? loads : loads.reverse()) await load()
    }
  } finally {
    for (const server of servers) await server.stop()
    await endLeftoverStatements(database.url, log, 'after the clients runs') // queries of cycles that timed out, if any
  }

  result.statementsPerCycle = await countStatements(database.url, credentials.slice(0, COUNTED_CLIENTS))
  log(`  statements per cycle: ${result.statementsPerCycle?.toFixed(2) ?? 'not counted (cycles failed)'}`)

  if (params.profile) {
    log(`  one more run of the service under node --cpu-prof`)
    const dir = fs.mkdtempSync(path.join(WORK_DIR, 'cpu-profile-'))
    const service = await startService({ label: 'clients-profile', databaseUrl: database.url, cpuProfileDir: dir })
    let window: { startUs: number; endUs: number }
    try {
      const startUs = Number(process.hrtime.bigint() / 1000n)
      await runLoad(credentials.map((c) => serviceCycle(oneCClient(service.baseUrl, c))), params.durationSeconds, service, { postgres: true })
      window = { startUs, endUs: Number(process.hrtime.bigint() / 1000n) }
    } finally {
      await service.stop()
      await endLeftoverStatements(database.url, log, 'after the profiled clients run')
    }
    result.profile = summarizeProfile(dir, window)
  }
  return result
}

/** Clients and cycles each of the counting run: few, one after another, so that nothing else is sent meanwhile. */
const COUNTED_CLIENTS = 4
const COUNTED_CYCLES = 25

/**
 * Statements per full cycle: a service of its own behind the counting proxy, one warm-up cycle per client (its
 * connections opened and its statements prepared, as in the measured runs), then COUNTED_CYCLES cycles per client.
 */
async function countStatements(databaseUrl: string, credentials: readonly Credentials[]): Promise<number | null> {
  const counter = await startStatementCounter(databaseUrl)
  let service: ServerProcess | null = null
  try {
    service = await startService({ label: 'clients-counted', databaseUrl: counter.url })
    const clients = credentials.map((c) => oneCClient(service!.baseUrl, c))
    for (const client of clients) await timedExchange(client)
    counter.reset()
    let failed = 0
    for (let i = 0; i < COUNTED_CYCLES; i++) {
      for (const client of clients) if ((await timedExchange(client)).problems.length) failed++
    }
    const count = counter.count()
    return failed === 0 ? count / (COUNTED_CYCLES * clients.length) : null
  } finally {
    await service?.stop()
    await counter.close()
  }
}

function describe(load: LoadRun): string {
  return `${load.cyclesPerSecond.toFixed(1)} cycles/s, p99 ${load.latency.p99.toFixed(0)} ms, ${load.errors} errors`
}
