/**
 * The processes under measurement: the service exactly as production runs it (`node dist/server.js`, configured by
 * its environment only), and the bare Fastify route used as the ceiling. Each listens on a free port of 127.0.0.1
 * and is stopped with SIGTERM. CPU time and memory are read from /proc/<pid>, so they belong to that process alone.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENV_VARIABLES } from '../../src/config.js'
import { imageEnv } from '../dockerfile.js'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVER_ENTRY = path.join(REPO_ROOT, 'dist/server.js')
const BARE_SERVER_ENTRY = fileURLToPath(new URL('./bare-server.mjs', import.meta.url))
/** Service logs (LOG_LEVEL=warn) and CPU profiles go here; the path is printed when something fails. */
export const WORK_DIR = path.join(os.tmpdir(), 'olvery-bench')

const READY_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 20_000

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** user + system seconds from a /proc stat file. */
function cpuSecondsOf(statPath: string): number {
  const stat = fs.readFileSync(statPath, 'utf8')
  // Fields after the command name, which is in parentheses and may contain spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

export interface CpuReading {
  main: number
  other: number
}

/**
 * CPU seconds of every PostgreSQL process on this machine, exited backends included (they are added to the
 * postmaster's cutime when it reaps them); null when none is visible (a server elsewhere). It counts the work of
 * every database on the server, so other activity there shows up in it.
 */
export function postgresCpuSeconds(): number | null {
  let ticks = 0
  let found = false
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue
    found = true
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) // utime stime cutime cstime
  }
  return found ? ticks / CLOCK_TICKS_PER_SECOND : null
}

/** Busy and total CPU seconds of the whole machine, summed over its CPUs (/proc/stat; idle and iowait are not busy). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number) // user nice system idle iowait irq softirq steal
  const total = ticks.reduce((a, b) => a + b, 0)
  const idle = ticks[3]! + ticks[4]!
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND }
}

export function cpuSince(before: CpuReading, after: CpuReading): CpuReading {
  return { main: after.main - before.main, other: after.other - before.other }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface MemoryReading {
  /** VmRSS: resident now. */
  rssBytes: number
  /** VmHWM: the peak resident set since start or since `resetPeakRss`. */
  peakRssBytes: number
}

/** A node process serving HTTP on 127.0.0.1, started by the benchmark. */
export class ServerProcess {
  private exited: Promise<number | null>

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly logPath: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  get pid(): number {
    return this.child.pid!
  }

  /** user + system CPU seconds of every thread of the process (the libuv pool included). */
  cpuSeconds(): number {
    return cpuSecondsOf(`/proc/${this.pid}/stat`)
  }

  /**
   * CPU seconds split between the main thread, where JavaScript runs, and the others: the libuv pool (scrypt, zlib,
   * fs) and V8's helpers (concurrent GC, compilation).
   */
  cpuByThread(): CpuReading {
    const total = this.cpuSeconds()
    const main = cpuSecondsOf(`/proc/${this.pid}/task/${this.pid}/stat`)
    return { main, other: total - main }
  }

  memory(): MemoryReading {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024
    return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') }
  }

  /** Resets VmHWM to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/<pid>/clear_refs`). False when not permitted. */
  resetPeakRss(): boolean {
    try {
      fs.writeFileSync(`/proc/${this.pid}/clear_refs`, '5')
      return true
    } catch {
      return false
    }
  }

  async waitReady(readyPath: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS
    let exitCode: number | null | undefined
    void this.exited.then((code) => (exitCode = code))
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.label} exited with code ${exitCode} before it was ready; see ${this.logPath}:\n${this.logTail()}`)
      try {
        const res = await fetch(new URL(readyPath, this.baseUrl), { signal: AbortSignal.timeout(5000) })
        await res.arrayBuffer()
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`${this.label} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${this.logPath}`)
  }

  /** SIGTERM, as an orchestrator stops it; SIGKILL if it has not exited within 20 s. Resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  logTail(lines = 20): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }
}

/** Every process started, so that an interrupted benchmark can stop them. */
const running = new Set<ServerProcess>()

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()))
}

async function startServer(params: {
  label: string
  nodeArgs: string[]
  env: NodeJS.ProcessEnv
  port: number
  readyPath: string
}): Promise<ServerProcess> {
  fs.mkdirSync(WORK_DIR, { recursive: true })
  const logPath = path.join(WORK_DIR, `${params.label}.log`)
  const log = fs.openSync(logPath, 'w')
  const child = spawn(process.execPath, params.nodeArgs, { cwd: REPO_ROOT, env: params.env, stdio: ['ignore', log, log] })
  fs.closeSync(log)
  const server = new ServerProcess(params.label, child, `http://127.0.0.1:${params.port}`, logPath)
  running.add(server)
  child.once('exit', () => running.delete(server))
  try {
    await server.waitReady(params.readyPath)
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}

/**
 * The parent's environment without anything that would configure the service or node differently from production
 * (a developer's DATABASE_URL, ADMIN_JWT_SECRET, NODE_OPTIONS with tsx's loader, …).
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of ENV_VARIABLES) delete env[name]
  delete env['NODE_OPTIONS']
  return env
}

let serviceNodeArgs: readonly string[] = []

/** Options for node itself in every service process started from now on (`--node-args`), e.g. a heap limit. */
export function setServiceNodeArgs(args: readonly string[]): void {
  serviceNodeArgs = args
}

/** What the image sets for node itself (NODE_OPTIONS, NODE_ENV); the rest of its environment is the bench's to set. */
const IMAGE_NODE_ENV: Readonly<Record<string, string>> = (() => {
  const image = imageEnv()
  return Object.fromEntries(['NODE_OPTIONS', 'NODE_ENV'].flatMap((name) => (image.has(name) ? [[name, image.get(name)!]] : [])))
})()

/** How the service processes are started, for the report. */
export function serviceCommand(): string {
  const env = Object.entries(IMAGE_NODE_ENV).map(([name, value]) => `${name}=${/\s/.test(value) ? `"${value}"` : value}`)
  return [...env, 'node', ...serviceNodeArgs, 'dist/server.js'].join(' ')
}

/**
 * The service as production runs it: `node dist/server.js` with the image's NODE_OPTIONS and NODE_ENV (Dockerfile),
 * configured by the environment alone; waits for /ready. `--node-args` come after NODE_OPTIONS on the command line,
 * so they win where both set the same V8 flag. `cpuProfileDir` adds `--cpu-prof`: V8 writes a .cpuprofile there
 * when the process exits.
 */
export async function startService(params: { label: string; databaseUrl: string; cpuProfileDir?: string }): Promise<ServerProcess> {
  const port = await freePort()
  const profile = params.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${params.cpuProfileDir}`] : []
  const nodeArgs = [...serviceNodeArgs, ...profile, SERVER_ENTRY]
  return startServer({
    label: params.label,
    nodeArgs,
    port,
    readyPath: '/ready',
    env: {
      ...cleanEnv(),
      ...IMAGE_NODE_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: params.databaseUrl,
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'true',
      DEMO_SEED: 'false',
    },
  })
}

/** The ceiling of section 3: a Fastify route answering `success\n` to every GET, in a node process of its own. */
export async function startBareServer(): Promise<ServerProcess> {
  const port = await freePort()
  return startServer({
    label: 'bare-fastify',
    nodeArgs: [BARE_SERVER_ENTRY],
    port,
    readyPath: '/ready',
    env: { ...cleanEnv(), NODE_ENV: 'production', PORT: String(port) },
  })
}
