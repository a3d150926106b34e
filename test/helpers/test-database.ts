/**
 * A freshly migrated database for one test file: on the real PostgreSQL server when `TEST_DATABASE_URL` (or
 * `DATABASE_URL`) is set, a new database created for the file and dropped afterwards; otherwise an in-memory
 * embedded PGlite. Both carry the service's migrations and the Olvery reference schema.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabases, type Databases } from '../../src/olvery/databases.js'
import { migrate } from '../../src/db/migrate.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'

export const serverUrl: string | null = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'] || null
export const databaseKind = serverUrl ? 'postgres' : 'pglite'
/** The server a test that needs several connections uses when none is configured (CI always has it). */
export const LOCAL_SERVER_URL = process.env['CI_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres'

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
  /** The connection URL on the real server; null on PGlite. */
  url: string | null
  olveryDbSchema: string
}

export async function createTestDatabases(t: Teardown, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const olveryDbSchema = options.olveryDbSchema ?? 'olvery'
  const adminUrl = serverUrl ?? (options.server ? LOCAL_SERVER_URL : null)
  const server = adminUrl ? await createServerDatabase(adminUrl) : null
  const url = server?.url ?? null
  const databases = await openDatabases({
    databaseUrl: url,
    dataDir: 'memory://',
    olveryDatabaseUrl: null,
    olveryDbSchema,
  })
  t.teardown(async () => {
    await databases.close()
    await server?.drop()
  })
  if (options.migrate !== false) await migrate(databases)
  if (options.reference !== false) await applyReferenceSchema(databases, olveryDbSchema)
  return Object.assign(databases, { url, olveryDbSchema })
}
