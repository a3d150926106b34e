/**
 * Queries compiled once (src/db/compiled-once.ts) and the pool that keeps parameterised statements prepared
 * (src/db/connection.ts): the hot path of every exchange relies on both, so their failure modes are pinned here.
 */
import { sql, type Kysely } from 'kysely'
import t from 'tap'
import { compiledOnce } from '../../src/db/compiled-once.js'
import { findCandidateOrders } from '../../src/olvery/candidates.source.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import type { ServiceDatabase } from '../../src/db/database.js'
import type { OlveryDatabase } from '../../src/olvery/olvery.schema.js'
import { createTestDatabases, databaseKind } from '../helpers/test-database.js'

const locationById = compiledOnce((olvery: Kysely<OlveryDatabase>, id: string) =>
  olvery.selectFrom('locations').select(['id', 'timezone']).where('id', '=', id),
)

t.test(`${databaseKind}: a query compiled once runs with each call's values, in every transaction and schema`, async (t) => {
  const databases = await createTestDatabases(t, { olveryDbSchema: 'platform_a' })
  const other = await createTestDatabases(t, { olveryDbSchema: 'platform_b' })
  const add = async (db: typeof databases, id: string, timezone: string) => {
    await sql`insert into ${sql.table(`${db.olveryDbSchema}.locations`)} (id, name, timezone) values (${id}, ${'Location ' + timezone}, ${timezone})`.execute(
      db.db,
    )
  }
  const a = '00000000-0000-4000-8000-00000000000a'
  const b = '00000000-0000-4000-8000-00000000000b'
  await add(databases, a, 'Europe/Moscow')
  await add(databases, b, 'Asia/Novosibirsk')
  await add(other, a, 'Europe/Kaliningrad')

  t.same((await locationById(databases.olvery, a)).rows, [{ id: a, timezone: 'Europe/Moscow' }])
  t.same((await locationById(databases.olvery, b)).rows, [{ id: b, timezone: 'Asia/Novosibirsk' }], 'new values, same statement')
  const inTransaction = await databases.db.transaction().execute((trx) => locationById(databases.olveryIn(trx), b))
  t.same(inTransaction.rows, [{ id: b, timezone: 'Asia/Novosibirsk' }], 'inside a transaction of the service database')
  // Another schema plugin compiles its own text: the first schema's SQL must not leak into it.
  t.same((await locationById(other.olvery, a)).rows, [{ id: a, timezone: 'Europe/Kaliningrad' }], 'another schema')
  t.same((await locationById(databases.olvery, a)).rows, [{ id: a, timezone: 'Europe/Moscow' }], 'and back')
})

t.test(`${databaseKind}: an argument used to shape the query rather than as a value is refused on the first call`, async (t) => {
  const databases = await createTestDatabases(t, { reference: false })
  const shaped = compiledOnce((db: Kysely<ServiceDatabase>, limit: number) =>
    // Arithmetic on a placeholder: the value never reaches the parameters.
    db.selectFrom('integrations').select('id').limit(limit * 2),
  )
  await t.rejects(shaped(databases.db, 5), /argument\(s\) 0 are not values of the query/)
})

// Sized like the statements of an exchange: one per text, beyond the pool's bound of 200 per connection.
const manyTexts = Array.from({ length: 250 }, (_, i) =>
  compiledOnce((db: Kysely<ServiceDatabase>, n: number) => sql<{ n: number }>`select ${n}::int + ${sql.lit(i)} as n`),
)
const one = compiledOnce((db: Kysely<ServiceDatabase>, n: number) => sql<{ one: number }>`select ${n}::int as one`)

// On the real server in both suites: the embedded database has no pg pool.
t.test('the pg pool keeps the statements compiled once prepared, a bounded number of them, and no others', async (t) => {
  const databases = await createTestDatabases(t, { reference: false, server: true })
  const statements = await databases.db.transaction().execute(async (trx) => {
    // One connection in a transaction, so the statements and the view are of the same backend.
    await one(trx, 1)
    t.same((await one(trx, 2)).rows, [{ one: 2 }], 'the prepared statement runs with the new value')
    await sql`select ${1}::int as unprepared`.execute(trx)
    for (const [i, query] of manyTexts.entries()) await query(trx, i)
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)
    return rows.map((r) => r.statement)
  })
  t.equal(statements.filter((s) => s.endsWith('select $1::int as one')).length, 1, 'a repeated text is prepared once')
  t.same(statements.filter((s) => s.includes('unprepared')), [], 'a statement not compiled once is planned for its values')
  t.ok(statements.length <= 200, `at most 200 per connection (${statements.length})`)
  t.ok(statements.length >= 100, 'texts up to the bound are prepared')
})

t.test('the candidate scan is planned for each execution, never by a generic plan blind to the watermark', async (t) => {
  const databases = await createTestDatabases(t, { server: true })
  const supplier = await createSupplier(databases.olvery)
  await createOrder(databases.olvery, supplier, {})
  const found = await databases.db.transaction().execute(async (trx) => {
    const olvery = databases.olveryIn(trx)
    const counts: number[] = []
    // More than the five executions after which PostgreSQL may switch a prepared statement to a generic plan.
    for (let i = 0; i < 7; i++) {
      const ids = await findCandidateOrders(olvery, { companyId: supplier.companyId, changedSince: new Date(Date.now() - 3600_000) })
      counts.push(ids.length)
    }
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)
    return { counts, prepared: rows.map((r) => r.statement) }
  })
  t.same(found.counts, [1, 1, 1, 1, 1, 1, 1], 'the order is found every time')
  t.same(found.prepared.filter((s) => s.includes('greatest(')), [], 'its text is never kept as a prepared statement')
})
