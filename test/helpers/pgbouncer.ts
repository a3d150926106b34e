/**
 * A PgBouncer of a test's own, from the installed binary (Debian's `pgbouncer` package), in front of the PostgreSQL
 * server of `serverUrl`, in transaction pooling mode as production runs it (README "Behind PgBouncer"): a wildcard
 * database entry, so every database of the server is reachable by its name; trust auth, as the server's loopback
 * connections have; its admin console open to the server URL's role. Stopped at teardown. A machine without the
 * binary fails the test with what to install: it is never skipped (CI installs it, .ci/run).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

interface Teardown {
  teardown(fn: () => unknown): void
}

const BINARIES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer']

export interface Pgbouncer {
  /** The URL of the server's database `name` through this PgBouncer. */
  urlOf(name: string): string
  /** A statement of the admin console (`SHOW POOLS`…), its rows. */
  admin(command: string): Promise<Array<Record<string, unknown>>>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function startPgbouncer(t: Teardown, options: { serverUrl: string; poolSize: number }): Promise<Pgbouncer> {
  const binary = BINARIES.find((candidate) => fs.existsSync(candidate))
  if (!binary) {
    throw new Error(`pgbouncer is not installed (looked for ${BINARIES.join(', ')}): apt-get install pgbouncer`)
  }
  const server = new URL(options.serverUrl)
  const role = decodeURIComponent(server.username) || 'postgres'
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'olvery-pgbouncer-'))
  // PgBouncer refuses to run as root; as root it is told to become the role's namesake (Debian's `postgres`).
  fs.chmodSync(dir, 0o755)
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `"${role}" ""\n`, { mode: 0o644 })
  const ini = path.join(dir, 'pgbouncer.ini')
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname || '127.0.0.1'} port=${server.port || '5432'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'pool_mode = transaction',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `admin_users = ${role}`,
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 200',
      '',
    ].join('\n'),
    { mode: 0o644 },
  )
  const asRoot = process.getuid?.() === 0
  const child = spawn(binary, [...(asRoot ? ['-u', role] : []), ini], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    log = (log + text).slice(-8000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(async () => {
    child.kill('SIGTERM')
    await exited
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const base = new URL(`postgres://127.0.0.1:${port}/`)
  base.username = server.username
  base.password = server.password
  const urlOf = (name: string) => new URL(`/${name}`, base).toString()
  const admin = async (command: string) => {
    const client = new pg.Client({ connectionString: urlOf('pgbouncer') })
    await client.connect()
    try {
      return (await client.query(command)).rows as Array<Record<string, unknown>>
    } finally {
      await client.end()
    }
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}):\n${log}`)
    try {
      await admin('SHOW VERSION')
      return { urlOf, admin }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`pgbouncer did not answer within 10 s:\n${log}`, { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}
