/**
 * Applies the SQL migrations in `migrations/` (kept beside `src/` and `dist/`, so the same files serve the
 * sources and the built image). Each file runs in its own transaction under an advisory lock, so replicas starting
 * together apply each migration once. Applied migrations are frozen: a changed checksum stops the service.
 *
 * As a command (`npm run migrate`, or `node dist/db/migrate.js` in the image) it exits non-zero on any failure.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import type { Connections } from './connection.js'

/** What migrations need of the connections: the service's own database. */
type ServiceConnection = Pick<Connections<unknown>, 'db' | 'execScript'>

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

/**
 * An arbitrary constant: the advisory lock key of migrations. Taken with `pg_advisory_xact_lock` in each migration's
 * own transaction, never a session lock: behind PgBouncer in transaction pooling mode a session lock would stay on a
 * server connection other clients are given next.
 */
const MIGRATION_LOCK_KEY = 7_320_184_091
const ALREADY_APPLIED = 'olvery-1c-exchange: migration already applied'

export interface MigrationFile {
  version: string
  name: string
  sql: string
  checksum: string
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await fs.readdir(dir)).filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name)).sort()
  return Promise.all(
    names.map(async (name) => {
      const text = await fs.readFile(`${dir}/${name}`, 'utf8')
      return {
        version: name.slice(0, 4),
        name,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    }),
  )
}

interface AppliedMigration {
  version: string
  name: string
  checksum: string
}

async function appliedMigrations(databases: ServiceConnection): Promise<AppliedMigration[] | null> {
  const { rows } = await sql<{ exists: boolean }>`
    select to_regclass('commerceml.schema_migrations') is not null as exists`.execute(databases.db)
  if (!rows[0]?.exists) return null
  return databases.db.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version').execute()
}

/** Files not yet applied, after checking that the applied ones were not edited. */
export async function pendingMigrations(databases: ServiceConnection, dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = await readMigrationFiles(dir)
  const applied = new Map((await appliedMigrations(databases))?.map((m) => [m.version, m]) ?? [])
  for (const file of files) {
    const done = applied.get(file.version)
    if (done && done.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was edited after it was applied (checksum differs). ` +
          'Applied migrations are frozen: restore the file and put the change into a new migration.',
      )
    }
  }
  const known = new Set(files.map((f) => f.version))
  for (const version of applied.keys()) {
    if (!known.has(version)) {
      throw new MigrationError(
        `The database has migration ${applied.get(version)?.name} that this build does not know: ` +
          'it was migrated by a newer version of the service.',
      )
    }
  }
  return files.filter((f) => !applied.has(f.version))
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`

export interface MigrateResult {
  applied: string[]
}

export async function migrate(databases: ServiceConnection, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  await databases.execScript(`
    select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});
    create schema if not exists commerceml;
    create table if not exists commerceml.schema_migrations (
      version    text primary key,
      name       text not null,
      checksum   text not null,
      applied_at timestamptz not null default now()
    );`)
  const applied: string[] = []
  for (const file of await pendingMigrations(databases, dir)) {
    // The guard re-checks under the lock: another replica may have applied the file since we looked.
    const script = `
      select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});
      do $guard$ begin
        if exists (select 1 from commerceml.schema_migrations where version = ${quote(file.version)}) then
          raise exception '${ALREADY_APPLIED}';
        end if;
      end $guard$;
      ${file.sql}
      ;
      insert into commerceml.schema_migrations (version, name, checksum)
      values (${quote(file.version)}, ${quote(file.name)}, ${quote(file.checksum)});`
    try {
      await databases.execScript(script)
      applied.push(file.name)
    } catch (error) {
      if (error instanceof Error && error.message.includes(ALREADY_APPLIED)) continue
      throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}`, { cause: error })
    }
  }
  return { applied }
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../config.js')
  const { createLogger } = await import('../logger.js')
  const { openConnections } = await import('./connection.js')
  const config = loadConfig(process.env)
  const logger = createLogger(config)
  const databases = await openConnections<unknown>({ ...config, logger })
  try {
    const { applied } = await migrate(databases)
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date')
  } finally {
    await databases.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
