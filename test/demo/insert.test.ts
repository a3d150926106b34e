import t from 'tap'
import { sql } from 'kysely'
import { generateDemoData } from '../../src/demo/generate.js'
import { insertDemoData, seedDemo } from '../../src/demo/insert.js'
import { createTestDatabases } from '../helpers/test-database.js'
import { byId } from './rows.js'

t.test('insertDemoData writes rows whose totals agree in SQL and keeps the generated updated_at', async (t) => {
  const db = await createTestDatabases(t)
  const small = generateDemoData({ seed: 'tap-db', orders: 120 })
  await insertDemoData(db.olvery, small, { rowsPerStatement: 50 })

  const mismatches = await db.olvery
    .selectFrom('orders as o')
    .leftJoin('order_items as i', 'i.order_id', 'o.id')
    .select('o.number')
    .groupBy(['o.id', 'o.number', 'o.total'])
    .having(sql<boolean>`o.total <> coalesce(sum(i.amount), -1)`)
    .execute()
  t.same(mismatches, [])
  t.ok(small.orders.length > 0)

  const stored = await db.olvery.selectFrom('orders').select(['id', 'updated_at', 'total']).execute()
  t.equal(stored.length, small.orders.length)
  const generated = byId(small.orders)
  const moved = stored.filter((row) => row.updated_at.getTime() !== generated.get(row.id)?.updated_at.getTime())
  t.same(moved.map((row) => row.id), [], 'the order_items trigger did not overwrite updated_at')
  t.same(
    stored.filter((row) => row.total !== generated.get(row.id)?.total),
    [],
    'totals come back as the same decimal text',
  )
  const counts = await Promise.all(
    (['companies', 'customers', 'services', 'order_items', 'payments'] as const).map(async (table) =>
      Number((await db.olvery.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    ),
  )
  const expected = [small.companies, small.customers, small.services, small.order_items, small.payments]
  t.same(counts, expected.map((rows) => rows.length))
})

t.test('insertDemoData stores lines, customers and the hard cases’ text exactly as generated', async (t) => {
  const db = await createTestDatabases(t)
  const small = generateDemoData({ seed: 'tap-db', orders: 60 })
  await insertDemoData(db.olvery, small)
  const stored = await db.olvery.selectFrom('orders').select('comment').where('comment', 'is not', null).execute()
  const comments = small.orders.flatMap((o) => (o.comment === null ? [] : [o.comment]))
  t.ok(comments.some((c) => c.includes('\u0007')), 'a comment with control characters')
  t.ok(comments.some((c) => c.includes('😀')), 'a comment with an emoji')
  t.same(stored.map((r) => r.comment).sort(), comments.sort())
  const items = await db.olvery.selectFrom('order_items').selectAll().execute()
  t.same(
    items.sort((a, b) => a.id.localeCompare(b.id)),
    [...small.order_items].sort((a, b) => a.id.localeCompare(b.id)),
  )
  const customers = await db.olvery.selectFrom('customers').selectAll().execute()
  t.same(
    customers.sort((a, b) => a.id.localeCompare(b.id)),
    [...small.customers].sort((a, b) => a.id.localeCompare(b.id)),
  )
})

t.test('seedDemo writes chunk by chunk the same rows generateDemoData returns', async (t) => {
  const db = await createTestDatabases(t)
  const options = { seed: 'tap-seed', orders: 150 }
  const progress: number[] = []
  const summary = await seedDemo(db.olvery, {
    ...options,
    ordersPerChunk: 40,
    rowsPerStatement: 25,
    onProgress: (done) => progress.push(done),
  })
  const expected = generateDemoData(options)
  t.same(progress, [40, 80, 120, 150])
  t.same(summary.counts, {
    locations: expected.locations.length,
    companies: expected.companies.length,
    customers: expected.customers.length,
    services: expected.services.length,
    orders: expected.orders.length,
    order_items: expected.order_items.length,
    payments: expected.payments.length,
  })
  t.same(summary.suppliers, expected.suppliers)
  const orders = await db.olvery.selectFrom('orders').selectAll().execute()
  t.same(
    orders.sort((a, b) => a.id.localeCompare(b.id)),
    [...expected.orders].sort((a, b) => a.id.localeCompare(b.id)),
    'orders with their historical updated_at',
  )
  const items = await db.olvery.selectFrom('order_items').selectAll().execute()
  t.same(
    items.sort((a, b) => a.id.localeCompare(b.id)),
    [...expected.order_items].sort((a, b) => a.id.localeCompare(b.id)),
  )
})
