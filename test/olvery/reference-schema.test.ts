/**
 * The reference DDL of the platform contract (sql/olvery-reference.sql) applies as ops and the tests apply it: with
 * plain `psql -f`, outside any transaction, and through the service's scripts in a transaction, under any schema
 * name, twice without harm; its tables land in that schema and nowhere else.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import t from 'tap'
import { REFERENCE_DDL_PATH } from '../../src/olvery/reference-schema.js'
import { createServerDatabase, createTestDatabases, LOCAL_SERVER_URL, serverUrl } from '../helpers/test-database.js'

const run = promisify(execFile)
const CONTRACT_TABLES = ['companies', 'customers', 'locations', 'order_items', 'orders', 'payments', 'services']

async function tablesBySchema(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ schema: string; tables: string[] }>(
      `select table_schema as schema, array_agg(table_name::text order by table_name) as tables
         from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema')
        group by table_schema`,
    )
    return Object.fromEntries(rows.map((r) => [r.schema, r.tables]))
  } finally {
    await client.end()
  }
}

t.test('psql -f applies the file outside a transaction into schema olvery, twice, and leaves public empty', async (t) => {
  const database = await createServerDatabase(serverUrl ?? LOCAL_SERVER_URL)
  t.teardown(database.drop)
  for (let pass = 1; pass <= 2; pass++) {
    await run('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-q', '-d', database.url, '-f', REFERENCE_DDL_PATH])
  }
  t.same(await tablesBySchema(database.url), { olvery: CONTRACT_TABLES })

  // The triggers that keep updated_at current are there, once each.
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  t.teardown(() => client.end())
  const { rows } = await client.query<{ name: string }>(
    `select t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'olvery' and not t.tgisinternal order by 1`,
  )
  t.same(
    rows.map((r) => r.name),
    [
      'companies_touch_updated_at',
      'customers_touch_orders',
      'customers_touch_updated_at',
      'order_items_touch_order',
      'orders_touch_updated_at',
      'payments_touch_updated_at',
      'services_touch_updated_at',
    ],
  )
})

t.test('the service applies it under another schema name, in a transaction, twice', async (t) => {
  const databases = await createTestDatabases(t, { server: true, reference: false, olveryDbSchema: 'platform_x' })
  const { applyReferenceSchema } = await import('../../src/olvery/reference-schema.js')
  await applyReferenceSchema(databases, 'platform_x')
  await applyReferenceSchema(databases, 'platform_x')
  const schemas = await tablesBySchema(databases.url!)
  t.same(schemas['platform_x'], CONTRACT_TABLES)
  t.notOk('olvery' in schemas, 'nothing in schema olvery')
  t.notOk('public' in schemas, 'nothing in public')
})
