/**
 * A database as an older release left it: only the migrations before `first` applied, so a test can write rows in
 * the old shape and then check what the next migration makes of them.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { migrate, MIGRATIONS_DIR, readMigrationFiles } from '../../src/db/migrate.js'
import type { TestDatabase } from './test-database.js'

export async function migrateBefore(t: { teardown(fn: () => unknown): void }, databases: TestDatabase, first: string): Promise<void> {
  const before = await fs.mkdtemp(path.join(os.tmpdir(), `migrations-before-${first}-`))
  t.teardown(() => fs.rm(before, { recursive: true, force: true }))
  for (const file of await readMigrationFiles()) {
    if (file.name < first) await fs.copyFile(path.join(MIGRATIONS_DIR, file.name), path.join(before, file.name))
  }
  await migrate(databases, before)
}
