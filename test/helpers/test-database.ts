/**
 * A freshly migrated database for one test file: on the real PostgreSQL server when `TEST_DATABASE_URL` (or
 * `DATABASE_URL`) is set, a new database created for the file and dropped afterwards; otherwise an in-memory
 * embedded PGlite. Both carry the service's migrations and the Olvery reference schema.
 *
 * With `TEST_PGBOUNCER_URL` (a PgBouncer in front of that server whose wildcard entry reaches every database of it),
 * the database is still created and dropped on the server directly, and the service's connections, migrations
 * included, go through the PgBouncer, pooled as `DATABASE_POOLING` says (README "Behind PgBouncer").
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { loadConfig } from '../../src/config.js'
import { openDatabases, type Databases } from '../../src/olvery/databases.js'
import { migrate } from '../../src/db/migrate.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'

export const serverUrl: string | null = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'] || null
export const databaseKind = serverUrl ? 'postgres' : 'pglite'
/** The server a test that needs several connections uses when none is configured (CI always has it). */
export const LOCAL_SERVER_URL = process.env['CI_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres'
/** The PgBouncer the service's connections go through, if any; its database name is replaced by each file's. */
const pgbouncerUrl: string | null = process.env['TEST_PGBOUNCER_URL'] || null
const { databasePooling } = loadConfig({ DATABASE_POOLING: process.env['DATABASE_POOLING'] })

/** The URL of database `url`'s database through the PgBouncer: its host, port and role, the same database name. */
function throughPgbouncer(url: string, bouncer: string): string {
  const direct = new URL(url)
  const pooled = new URL(bouncer)
  pooled.pathname = direct.pathname
  return pooled.toString()
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestDatabaseOptions {
  /** Apply the service's migrations (default true). */
  migrate?: boolean
  /** Create the Olvery reference schema (default true). */
  reference?: boolean
  olveryDbSchema?: string
  /**
   * Use a real server even when the suite runs on PGlite (`LOCAL_SERVER_URL` then): for tests of concurrent
   * connections, which a single embedded connection cannot have.
   */
  server?: boolean
  /** Overrides `DATABASE_POOLING` for the file's connections (default: as the environment says, else `session`). */
  databasePooling?: 'session' | 'transaction'
}

/** Creates an empty database on the server; `drop` removes it (connections still open are terminated). */
export async function createServerDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `olvery_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name} template template0 encoding 'UTF8'`)
  } finally {
    await admin.end()
  }
  const drop = async () => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      await client.query(`drop database if exists ${name} with (force)`)
    } finally {
      await client.end()
    }
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop }
}

export interface TestDatabase extends Databases {
  /** The URL the service's connections use on the real server (through the PgBouncer, if any); null on PGlite. */
  url: string | null
  olveryDbSchema: string
}

export async function createTestDatabases(t: Teardown, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const olveryDbSchema = options.olveryDbSchema ?? 'olvery'
  const adminUrl = serverUrl ?? (options.server ? LOCAL_SERVER_URL : null)
  const server = adminUrl ? await createServerDatabase(adminUrl) : null
  const url = server && pgbouncerUrl ? throughPgbouncer(server.url, pgbouncerUrl) : (server?.url ?? null)
  const databases = await openDatabases({
    databaseUrl: url,
    dataDir: 'memory://',
    olveryDatabaseUrl: null,
    olveryDbSchema,
    databasePooling: options.databasePooling ?? databasePooling,
  })
  t.teardown(async () => {
    await databases.close()
    await server?.drop()
  })
  if (options.migrate !== false) await migrate(databases)
  if (options.reference !== false) await applyReferenceSchema(databases, olveryDbSchema)
  return Object.assign(databases, { url, olveryDbSchema })
}
