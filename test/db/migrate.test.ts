import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import t from 'tap'
import type { ServiceDatabase } from '../../src/db/database.js'
import { MigrationError, migrate, pendingMigrations, readMigrationFiles } from '../../src/db/migrate.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'
import { createTestDatabases } from '../helpers/test-database.js'

async function tables(db: Kysely<ServiceDatabase>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(db)
  return rows.map((r) => r.table_name)
}

t.test('migrations from an empty database create the commerceml schema', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  const files = await readMigrationFiles()
  t.ok(files.length >= 1)
  const { applied } = await migrate(databases)
  t.same(applied, files.map((f) => f.name))
  t.same(await tables(databases.db, 'commerceml'), [
    'audit_events',
    'batch_items',
    'batches',
    'credentials',
    'export_state',
    'integrations',
    'login_failures',
    'order_reports',
    'order_state',
    'schema_migrations',
    'sessions',
    'upload_chunks',
    'upload_documents',
    'upload_imports',
    'uploads',
  ])
  t.same(await pendingMigrations(databases), [])
})

t.test('running migrations twice applies nothing the second time', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await migrate(databases)
  const again = await migrate(databases)
  t.same(again.applied, [])
})

t.test('two runners at once apply each migration exactly once', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  const results = await Promise.all([migrate(databases), migrate(databases)])
  const files = await readMigrationFiles()
  t.same([...results[0].applied, ...results[1].applied].sort(), files.map((f) => f.name).sort())
})

t.test('a failing migration is rolled back and reported with its file name', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  await fs.writeFile(path.join(dir, '0001_good.sql'), 'create schema if not exists commerceml; create table commerceml.good (id int);')
  await fs.writeFile(path.join(dir, '0002_bad.sql'), 'create table commerceml.half (id int); select no_such_function();')
  await t.rejects(migrate(databases, dir), { name: 'MigrationError', message: /0002_bad\.sql failed/ })
  const present = await tables(databases.db, 'commerceml')
  t.ok(present.includes('good'), 'the good migration stays applied')
  t.notOk(present.includes('half'), 'the failed migration left nothing behind')
  t.same((await pendingMigrations(databases, dir)).map((m) => m.name), ['0002_bad.sql'])
})

t.test('an applied migration that was edited stops the runner', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  await fs.writeFile(path.join(dir, '0001_first.sql'), 'create schema if not exists commerceml; create table commerceml.first (id int);')
  await migrate(databases, dir)
  await fs.writeFile(path.join(dir, '0001_first.sql'), 'create schema if not exists commerceml; create table commerceml.first (id bigint);')
  await t.rejects(migrate(databases, dir), MigrationError)
  await t.rejects(pendingMigrations(databases, dir), { message: /0001_first\.sql was edited after it was applied/ })
})

t.test('the reference DDL of the Olvery contract can be applied twice', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await applyReferenceSchema(databases, 'olvery')
  await applyReferenceSchema(databases, 'olvery')
  t.same(await tables(databases.db, 'olvery'), [
    'companies',
    'customers',
    'locations',
    'order_items',
    'orders',
    'payments',
    'services',
  ])
})

t.test('the reference DDL honours another schema name', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await applyReferenceSchema(databases, 'platform')
  t.equal((await tables(databases.db, 'platform')).length, 7)
  t.same(await tables(databases.db, 'olvery'), [])
})

t.test('the reference DDL bumps updated_at on changes, and the order on changes of its lines', async (t) => {
  const databases = await createTestDatabases(t)
  const old = '2024-01-01T00:00:00Z'
  await databases.execOlveryScript(`
    set local search_path to olvery;
    insert into locations values ('00000000-0000-4000-8000-000000000001', 'L', 'Europe/Moscow');
    insert into companies (id, location_id, kind, full_name, updated_at)
      values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'legal', 'ООО «Тест»', '${old}');
    insert into customers (id, location_id, updated_at) values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', '${old}');
    insert into orders (id, number, location_id, company_id, customer_id, status, total, created_at, updated_at)
      values ('00000000-0000-4000-8000-000000000004', 'T-1', '00000000-0000-4000-8000-000000000001',
              '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', 'new', 100, '${old}', '${old}');`)
  const updatedAt = async () =>
    (await databases.olvery.selectFrom('orders').select('updated_at').executeTakeFirstOrThrow()).updated_at
  t.equal((await updatedAt()).toISOString(), '2024-01-01T00:00:00.000Z')
  await databases.olvery.updateTable('orders').set({ comment: 'позвонить' }).execute()
  t.ok((await updatedAt()).getTime() > Date.parse(old), 'an update without updated_at bumps it')
  await databases.olvery.updateTable('orders').set({ updated_at: old }).execute()
  t.equal((await updatedAt()).toISOString(), '2024-01-01T00:00:00.000Z', 'an explicit updated_at is kept')
  await databases.olvery
    .insertInto('order_items')
    .values({
      id: '00000000-0000-4000-8000-000000000005',
      order_id: '00000000-0000-4000-8000-000000000004',
      line_no: 1,
      service_id: null,
      name: 'Уборка',
      sku: null,
      kind: 'service',
      unit_code: '876',
      unit_name: 'усл. ед.',
      quantity: '1',
      price: '100.00',
      discount: '0',
      amount: '100.00',
      vat_rate: 'none',
      vat_amount: '0',
    })
    .execute()
  t.ok((await updatedAt()).getTime() > Date.parse(old), 'a new line bumps its order')
})
