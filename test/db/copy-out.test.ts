/**
 * `copyOutBytea`: the values of a bytea column read with COPY in binary, as the `query` answer's fragments are sent.
 * Values of every size cross the socket's chunks at every point of their framing; what arrives must be exactly the
 * values in order, and a reader that stops early or a failing statement must leave the pool's connections usable.
 * COPY TO STDOUT needs a server: this runs on PostgreSQL even when the suite runs on PGlite.
 */
import { sql } from 'kysely'
import t from 'tap'
import { copyOutBytea } from '../../src/db/copy-rows.js'
import { createTestDatabases } from '../helpers/test-database.js'

const { db } = await createTestDatabases(t, { server: true, reference: false })

/** Row i (from 1): its length is i·37 mod 5003 (an empty value among them), every byte is i mod 256. */
const valueSql = (rows: number) => `
  select decode(repeat(lpad(to_hex(i % 256), 2, '0'), (i * 37) % 5003), 'hex') as value
    from generate_series(1, ${rows}) as i
   order by i`
const expected = (rows: number) =>
  Buffer.concat(Array.from({ length: rows }, (_, k) => Buffer.alloc(((k + 1) * 37) % 5003, (k + 1) % 256)))

async function readAll(select: string): Promise<{ bytes: Buffer; pieces: number }> {
  const pieces: Buffer[] = []
  for await (const piece of copyOutBytea(db, select)) pieces.push(piece)
  return { bytes: Buffer.concat(pieces), pieces: pieces.length }
}

t.test('the values arrive whole and in order, across many chunks of the socket', async (t) => {
  const rows = 3000 // about 7 MB: far more than one chunk, with frames split at every offset
  const { bytes, pieces } = await readAll(valueSql(rows))
  t.equal(bytes.length, expected(rows).length)
  t.ok(bytes.equals(expected(rows)), 'byte for byte')
  t.ok(pieces > 100, `read as it arrives (${pieces} pieces), not gathered into one buffer`)
})

t.test('nulls and empty values add nothing; no row, no byte', async (t) => {
  const { bytes } = await readAll(`select v from (values (null::bytea, 1), (''::bytea, 2), ('\\x0102'::bytea, 3), (null, 4)) as r (v, n) order by n`)
  t.same([...bytes], [1, 2])
  t.equal((await readAll(`select ''::bytea where false`)).bytes.length, 0)
})

t.test('a reader that stops early leaves its connection with no COPY under way', async (t) => {
  for (let i = 0; i < 3; i++) {
    for await (const piece of copyOutBytea(db, valueSql(3000))) {
      t.ok(piece.length > 0)
      break
    }
  }
  // Every connection of the pool answers again, and reads a whole COPY.
  const answers = await Promise.all(Array.from({ length: 12 }, () => sql<{ one: number }>`select 1 as one`.execute(db)))
  t.same(
    answers.map((a) => a.rows[0]!.one),
    Array(12).fill(1),
  )
  t.ok((await readAll(valueSql(500))).bytes.equals(expected(500)))
  const copying = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'copy (%' and state = 'active'`.execute(db)
  t.equal(copying.rows[0]!.n, 0, 'no COPY left running')
})

t.test('a statement PostgreSQL refuses fails the read, and the pool goes on', async (t) => {
  await t.rejects(readAll('select fragment from no_such_table'), /no_such_table/)
  await t.rejects(readAll("select '\\x01'::bytea, '\\x02'::bytea"), /a row of 2 fields, expected 1/)
  t.ok((await readAll(valueSql(50))).bytes.equals(expected(50)))
})
