/**
 * COPY on PostgreSQL (src/db/copy-rows.ts): what `copyColumnOut` streams is exactly the concatenation of the values,
 * and a reader that stops early leaves the connection usable. These run on a real server whatever the suite's
 * database, since PGlite has no COPY through Kysely (its paths are tested in test/export/batch-items-write).
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { copyColumnOut, copyRows } from '../../src/db/copy-rows.js'
import { createTestDatabases } from '../helpers/test-database.js'

async function table(t: { teardown(fn: () => unknown): void }) {
  const databases = await createTestDatabases(t, { server: true, migrate: false, reference: false })
  await sql`create table blobs (n int primary key, value bytea)`.execute(databases.db)
  return databases
}

t.test('the values come back as their concatenation, in the query order, nulls skipped', async (t) => {
  const databases = await table(t)
  const values = Array.from({ length: 300 }, (_, n) => (n % 50 === 7 ? null : randomBytes(1 + ((n * 7919) % 40_000))))
  await copyRows(databases.db, 'blobs', [{ name: 'n', type: 'int4' }, { name: 'value', type: 'bytea' }], values.map((v, n) => [n, v]))
  const chunks: Buffer[] = []
  for await (const chunk of copyColumnOut(databases.db, 'select value from blobs order by n')) chunks.push(chunk)
  t.ok(Buffer.concat(chunks).equals(Buffer.concat(values.filter((v) => v !== null))), 'same bytes')
  t.ok(chunks.length > 1, `streamed (${chunks.length} chunks)`)
})

t.test('a reader that stops early leaves every connection of the pool usable', async (t) => {
  const databases = await table(t)
  const big = randomBytes(1 << 20)
  await copyRows(databases.db, 'blobs', [{ name: 'n', type: 'int4' }, { name: 'value', type: 'bytea' }], Array.from({ length: 40 }, (_, n) => [n, big]))
  for (let i = 0; i < 12; i++) {
    // More rounds than the pool has connections: a connection left mid-COPY would fail or hang a later round.
    for await (const chunk of copyColumnOut(databases.db, 'select value from blobs order by n')) {
      t.ok(chunk.length > 0)
      break
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from blobs`.execute(databases.db)
    t.equal(rows[0]!.n, 40)
  }
})

t.test('an error of the COPY fails the reader', async (t) => {
  const databases = await table(t)
  const reading = (async () => {
    for await (const chunk of copyColumnOut(databases.db, 'select value from no_such_table')) t.fail(`got ${chunk.length} bytes`)
  })()
  await t.rejects(reading, /no_such_table/)
  const { rows } = await sql<{ one: number }>`select 1 as one`.execute(databases.db)
  t.same(rows, [{ one: 1 }])
})
