/**
 * The two service processes under test: `node --import tsx src/server.ts` (or `node dist/server.js` with --dist), each on its own fixed port of 127.0.0.1
 * (kept across restarts, so 1C clients keep alternating between them), the same DATABASE_URL, migrations applied by
 * the harness beforehand. A process can be killed with SIGKILL and started again; its log is appended to one file.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ENV_VARIABLES } from '../../src/config.js'
import { freePort, REPO_ROOT } from '../bench/processes.js'
import { sleep } from './random.js'

const READY_TIMEOUT_MS = 90_000

export class ServiceProcess {
  private child: ChildProcess | null = null
  private exited: Promise<void> = Promise.resolve()
  /** False from a kill until the restarted process answers /ready. */
  up = false
  starts = 0
  /** When the process last became ready (ms), and how long its starts took. */
  readyAt = 0
  readonly startSeconds: number[] = []
  /** Exits the campaign did not cause (a crash), with the last lines of the log before each. */
  readonly crashes: string[] = []
  private expectingExit = false
  private restarting: Promise<void> | null = null

  constructor(
    readonly label: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    readonly logPath: string,
    /** `node dist/server.js` (built by `npm run build`) instead of the TypeScript sources through tsx. */
    private readonly dist: boolean,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const log = fs.openSync(this.logPath, 'a')
    fs.writeSync(log, `\n--- ${new Date().toISOString()} start ${++this.starts} of ${this.label}\n`)
    const args = this.dist ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts']
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', log, log],
    })
    fs.closeSync(log)
    const begun = Date.now()
    this.child = child
    this.expectingExit = false
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    child.once('exit', (code, signal) => {
      if (this.expectingExit || this.child !== child) return
      // A crash: recorded as a finding, and the process is started again so the campaign goes on.
      this.up = false
      this.crashes.push(`exit ${code ?? signal}: ${this.lastError()}`)
      this.restarting = this.start().catch(() => undefined)
    })
    await this.waitReady(child)
    this.up = true
    this.readyAt = Date.now()
    this.startSeconds.push((this.readyAt - begun) / 1000)
  }

  /** The message of the last error logged before an exit. */
  private lastError(): string {
    const lines = fs.readFileSync(this.logPath, 'utf8').trimEnd().split('\n').reverse()
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } }
        if ((entry.level ?? 0) >= 50) return `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`
      } catch {
        // not a log line
      }
    }
    return lines[0] ?? ''
  }

  /** Resolves when a restart after a crash is done. */
  async settled(): Promise<void> {
    while (this.restarting) {
      const r = this.restarting
      await r
      if (this.restarting === r) this.restarting = null
    }
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.label} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${this.logPath}`)
      }
      try {
        const res = await fetch(`${this.baseUrl}/ready`, { signal: AbortSignal.timeout(3000) })
        await res.arrayBuffer()
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await sleep(100)
    }
    throw new Error(`${this.label} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${this.logPath}`)
  }

  /** SIGKILL: no graceful shutdown, requests in flight and open transactions die with it. */
  async kill(): Promise<void> {
    await this.settled()
    this.up = false
    this.expectingExit = true
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL')
      await this.exited
    }
  }

  /** SIGTERM as an orchestrator stops it, SIGKILL after 15 s. */
  async stop(): Promise<void> {
    await this.settled()
    this.up = false
    this.expectingExit = true
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await this.exited
    clearTimeout(timer)
  }
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of ENV_VARIABLES) delete env[name]
  delete env['NODE_OPTIONS']
  return env
}

/** The campaign database through the PgBouncer of `pooledUrl`: its host, port and role, the campaign's database. */
function throughPooler(databaseUrl: string, pooledUrl: string): string {
  const url = new URL(pooledUrl)
  url.pathname = new URL(databaseUrl).pathname
  return url.toString()
}

export async function createServices(params: {
  databaseUrl: string
  /** A PgBouncer in transaction pooling mode the services connect through instead (`--pooled-url`). */
  pooledUrl: string | null
  workDir: string
  safetyLagSeconds: number
  sessionTtlSeconds: number
  count: number
  dist: boolean
  /** Every retention period, seconds (RETENTION_INTERVAL: 2 s); null: the defaults. */
  retentionSeconds: number | null
}): Promise<ServiceProcess[]> {
  const retention: Record<string, string> = {}
  if (params.retentionSeconds !== null) {
    for (const name of ['RETENTION_DOCUMENTS', 'RETENTION_EMPTY_POLLS', 'RETENTION_JOURNAL', 'RETENTION_UPLOADS']) {
      retention[name] = `${params.retentionSeconds}s`
    }
    retention['RETENTION_INTERVAL'] = '2s'
  }
  const services: ServiceProcess[] = []
  for (let i = 0; i < params.count; i++) {
    const port = await freePort()
    const label = `service-${i + 1}`
    const logPath = path.join(params.workDir, `${label}.log`)
    fs.writeFileSync(logPath, '')
    services.push(
      new ServiceProcess(label, port, {
        ...cleanEnv(),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: params.pooledUrl ? throughPooler(params.databaseUrl, params.pooledUrl) : params.databaseUrl,
        DATABASE_POOLING: params.pooledUrl ? 'transaction' : 'session',
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
        DEMO_SEED: 'false',
        SESSION_TTL_SECONDS: String(params.sessionTtlSeconds),
        EXPORT_SAFETY_LAG_SECONDS: String(params.safetyLagSeconds),
        ...retention,
      }, logPath, params.dist),
    )
  }
  return services
}
