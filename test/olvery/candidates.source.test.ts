/**
 * The candidate scan (src/olvery/candidates.source.ts) as its ids come back packed: oldest change first (an order's
 * change is its own or its latest payment's), each order once, only the company's, and the named orders whatever
 * the watermark.
 */
import t from 'tap'
import { findCandidateOrders } from '../../src/olvery/candidates.source.js'
import type { Databases } from '../../src/olvery/databases.js'
import { createOrder, createSupplier, type Supplier } from '../helpers/factories.js'
import { createTestDatabases, databaseKind } from '../helpers/test-database.js'

/** Orders changed at t0 + i minutes, one of them paid again after all the others. */
async function history(databases: Databases, supplier: Supplier, t0: number) {
  const at = (minutes: number) => new Date(t0 + minutes * 60_000)
  const orders = []
  for (const minutes of [0, 1, 2, 3, 4, 5, 6]) orders.push(await createOrder(databases.olvery, supplier, { updatedAt: at(minutes) }))
  await databases.olvery.updateTable('payments').set({ updated_at: at(9) }).where('order_id', '=', orders[1]!.id).execute()
  return { orders, at }
}

t.test(`${databaseKind}: the candidates, oldest change first, each once, only the company's`, async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const other = await createSupplier(databases.olvery)
  const { orders } = await history(databases, supplier, Date.parse('2026-01-01T00:00:00Z'))
  await createOrder(databases.olvery, other, { updatedAt: new Date('2026-01-01T00:02:30Z') })
  const ids = await findCandidateOrders(databases.olvery, { companyId: supplier.companyId, changedSince: null })
  t.same(ids.slice(0, ids.length), [0, 2, 3, 4, 5, 6, 1].map((i) => orders[i]!.id))
})

t.test(`${databaseKind}: a first query lists an order without payments too, at its own change time`, async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const paid = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-01-01T00:00:00Z') })
  const unpaid = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-01-01T00:01:00Z'), payments: [] })
  const later = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-01-01T00:02:00Z') })
  const ids = await findCandidateOrders(databases.olvery, { companyId: supplier.companyId, changedSince: null })
  t.same(ids.slice(0, ids.length), [paid.id, unpaid.id, later.id])
})

t.test(`${databaseKind}: named orders changed before the watermark are candidates too, in their place`, async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const { orders, at } = await history(databases, supplier, Date.parse('2026-01-01T00:00:00Z'))
  const ids = await findCandidateOrders(databases.olvery, { companyId: supplier.companyId, changedSince: at(4), alsoIds: [orders[0]!.id, orders[5]!.id] })
  t.same(ids.slice(0, ids.length), [0, 4, 5, 6, 1].map((i) => orders[i]!.id))
})
