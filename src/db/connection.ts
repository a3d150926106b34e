/**
 * Connections: a `pg` pool when a PostgreSQL URL is configured, otherwise an embedded PGlite database in a data
 * directory. Both return the same JavaScript types for the same SQL types, so no code above this file can tell
 * them apart:
 *   - int8 / count(*) → number (throws beyond 2^53 rather than rounding),
 *   - numeric → string (money stays exact),
 *   - date → 'YYYY-MM-DD' string (no time-zone shift),
 *   - timestamptz → Date, jsonb → parsed value, bytea → Buffer.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Kysely, PGliteDialect, PostgresDialect, sql, WithSchemaPlugin, type Transaction } from 'kysely'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import type { Logger } from 'pino'
import { PREPARED } from './compiled-once.js'
import type { ServiceDatabase } from './database.js'

export const SERVICE_SCHEMA = 'commerceml'

const OID = { int8: 20, bytea: 17, date: 1082, numeric: 1700 } as const

function parseInt8(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} does not fit a JavaScript number`)
  return n
}

function parseByteaHex(value: string): Buffer {
  return Buffer.from(value.slice(2), 'hex')
}

const identity = (value: string): string => value

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8) return parseInt8
    if (oid === OID.date) return identity
    if (oid === OID.numeric) return identity
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown
  },
}

const pgliteParsers = {
  [OID.int8]: parseInt8,
  [OID.date]: identity,
  [OID.numeric]: identity,
  [OID.bytea]: parseByteaHex,
}

type DatabaseKind = 'postgres' | 'pglite'

/**
 * The service's database and the platform's. The platform's tables are typed by the module that reads them
 * (`Platform`, src/olvery/): this layer only connects.
 */
export interface Connections<Platform> {
  kind: DatabaseKind
  /** The service's own tables (schema `commerceml`). */
  db: Kysely<ServiceDatabase>
  /** The platform's tables (schema `OLVERY_DB_SCHEMA`), read-only by contract. */
  olvery: Kysely<Platform>
  /**
   * The platform's tables as seen from inside a transaction of the service's own database: the same transaction when
   * both live in one database (PGlite has a single connection, so a second one would wait for ever), else `olvery`.
   */
  olveryIn(trx: Transaction<ServiceDatabase>): Kysely<Platform>
  /**
   * True when the platform's tables live in the service's database (no `OLVERY_DATABASE_URL`): one statement may then
   * read the platform's tables through `olvery` and write the service's own.
   */
  platformShared: boolean
  /** Runs a multi-statement SQL script in one transaction on the service's own database. */
  execScript(script: string): Promise<void>
  /** Runs a multi-statement SQL script in one transaction on the platform database (reference DDL, demo data). */
  execOlveryScript(script: string): Promise<void>
  /** Resolves when every database answers. */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface ConnectionOptions {
  databaseUrl: string | null
  dataDir: string
  olveryDatabaseUrl: string | null
  olveryDbSchema: string
  /**
   * `transaction` when a pooler in transaction mode (PgBouncer) stands between the pools and PostgreSQL, for both URLs
   * (default `session`). It then hands each transaction, and each statement outside one, whichever server connection
   * is free, so nothing may outlive a transaction on a connection: statements are sent unnamed, never prepared.
   */
  databasePooling?: 'session' | 'transaction'
  logger?: Logger
  /** Pool size per PostgreSQL database. */
  poolSize?: number
  /**
   * How long a new PostgreSQL connection may take (default 10 s). Without a bound, a database host that drops packets
   * holds every request until 1C's own 180 s timeout; with it, 1C gets a `failure` and /ready a 503 in seconds.
   */
  connectTimeoutMs?: number
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. ` +
        'Stop that process, or set DATA_DIR to another directory, or DATABASE_URL to a PostgreSQL server.',
    )
    this.name = 'DataDirLockedError'
  }
}

/**
 * PGlite has no lock of its own: two processes on one directory silently lose writes. A lock file holding our pid
 * guards it; a lock left by a process that no longer exists is taken over.
 */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true })
  const lockPath = path.join(dir, 'olvery-1c-exchange.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockPath, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(fs.readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DataDirLockedError(dir, pid)
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock ${dir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Statements kept prepared per connection; beyond this, further texts run unnamed (parsed and planned each time). */
const PREPARED_PER_CONNECTION = 200

/**
 * A pg client that keeps the statements of every exchange prepared (session pooling only): those compiled once
 * (src/db/compiled-once.ts), whose text starts with PREPARED, are sent under a name derived from the text, so
 * PostgreSQL parses each once per connection and, after five executions, may plan it once too. They are key lookups
 * and writes by key, whose plan does not depend on the values. Everything else is sent unnamed and planned for its
 * own values: a generic plan cannot see how recent a watermark is nor how long an array of ids, and the ones
 * PostgreSQL settled on read the supplier's whole history for the candidate scan and every acknowledged order for
 * each chunk's states (BENCHMARKS.md, notes on section 1).
 * PREPARED_PER_CONNECTION bounds what a connection holds.
 *
 * A named statement is state of the server connection, and the client remembers having prepared it: behind a pooler
 * in transaction mode the next transaction may run on another server connection, which answers `prepared statement
 * "s_…" does not exist`, or the one it lands on already holds the name from another client (`… already exists`).
 */
class PreparingClient extends pg.Client {
  private prepared = new Set<string>()

  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && text.startsWith(PREPARED) && Array.isArray(values) && values.length > 0) {
      const name = statementName(text)
      if (this.prepared.has(name) || this.prepared.size < PREPARED_PER_CONNECTION) {
        this.prepared.add(name)
        args = [{ name, text, values }, ...args.slice(2)]
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args)
  }
}

const statementNames = new Map<string, string>()

function statementName(text: string): string {
  let name = statementNames.get(text)
  if (name === undefined) {
    name = `s_${createHash('sha1').update(text).digest('base64url')}`
    if (statementNames.size >= 1000) statementNames.clear()
    statementNames.set(text, name)
  }
  return name
}

function createPool(connectionString: string, options: ConnectionOptions): pg.Pool {
  const pool = new pg.Pool({
    // pg.Client sends every statement unnamed: parsed, planned and forgotten within its own round trip.
    Client: options.databasePooling === 'transaction' ? pg.Client : PreparingClient,
    connectionString,
    types: pgTypes,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // TCP keepalive: a connection whose peer vanished (a failover, a dropped NAT entry) is noticed and replaced.
    keepAlive: true,
  })
  // An idle client whose backend was terminated emits 'error' on the pool; without a listener it would crash the
  // process. The pool discards the client and the next query opens a new connection.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle database connection lost'))
  // A client checked out of the pool has no such listener (pg-pool removes it on checkout), so a backend terminated
  // while a transaction holds its client between two statements (pg_terminate_backend, a failover, a restart of
  // PostgreSQL) emitted 'error' with nobody listening and killed the whole process. With this listener the error is
  // logged, the next statement on that client fails (the request answers a failure and its transaction is gone), and
  // the pool discards the client on release because it is no longer queryable.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger?.warn({ err: error }, 'database connection lost while in use'))
  })
  return pool
}

async function execOnPool(pool: pg.Pool, script: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(script) // no parameters: the simple query protocol runs several statements
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

export async function openConnections<Platform>(options: ConnectionOptions): Promise<Connections<Platform>> {
  const closers: Array<() => Promise<void> | void> = []
  let root: Kysely<ServiceDatabase>
  let execScript: (script: string) => Promise<void>
  let kind: DatabaseKind

  if (options.databaseUrl) {
    kind = 'postgres'
    const pool = createPool(options.databaseUrl, options)
    root = new Kysely<ServiceDatabase>({ dialect: new PostgresDialect({ pool }) })
    closers.push(() => root.destroy())
    execScript = (script) => execOnPool(pool, script)
  } else {
    kind = 'pglite'
    // `memory://` keeps the database in memory (tests); a directory is locked against a second process.
    const inMemory = options.dataDir.startsWith('memory://')
    const unlock = inMemory ? () => undefined : lockDataDir(path.resolve(options.dataDir))
    let pglite: PGlite
    try {
      pglite = await PGlite.create({
        ...(inMemory ? {} : { dataDir: path.resolve(options.dataDir) }),
        parsers: pgliteParsers,
      })
    } catch (error) {
      unlock()
      throw error
    }
    // Kysely's own PGlite dialect holds its single connection for a whole transaction (other queries wait), so
    // concurrent transactions never interleave on it.
    root = new Kysely<ServiceDatabase>({ dialect: new PGliteDialect({ pglite }) })
    // Destroying Kysely closes PGlite only once a query has run; close it here otherwise.
    closers.push(() => root.destroy(), () => (pglite.closed ? undefined : pglite.close()), unlock)
    // Going through Kysely's connection keeps scripts from interleaving with other work on that connection.
    execScript = (script) =>
      root.connection().execute(async () => {
        await pglite.transaction(async (tx) => {
          await tx.exec(script)
        })
      })
  }

  let olveryRoot: Kysely<Platform> = root as unknown as Kysely<Platform>
  let execOlveryScript = execScript
  if (options.olveryDatabaseUrl) {
    const pool = createPool(options.olveryDatabaseUrl, options)
    olveryRoot = new Kysely<Platform>({ dialect: new PostgresDialect({ pool }) })
    closers.unshift(() => olveryRoot.destroy())
    execOlveryScript = (script) => execOnPool(pool, script)
  }

  // One plugin object for every view of the platform's schema, so queries compiled once (src/db/compiled-once.ts)
  // serve the transactions of `olveryIn` too.
  const olverySchema = new WithSchemaPlugin(options.olveryDbSchema)
  const olvery = olveryRoot.withPlugin(olverySchema)
  const db = root.withSchema(SERVICE_SCHEMA)
  const shared = !options.olveryDatabaseUrl
  let closed = false
  return {
    kind,
    db,
    olvery,
    olveryIn: (trx) =>
      shared ? (trx.withoutPlugins() as unknown as Kysely<Platform>).withPlugin(olverySchema) : olvery,
    platformShared: shared,
    execScript,
    execOlveryScript,
    async ping() {
      await sql`select 1`.execute(root)
      if (olveryRoot !== (root as unknown)) await sql`select 1`.execute(olveryRoot)
    },
    async close() {
      if (closed) return
      closed = true
      for (const close of closers) await close()
    },
  }
}
