/**
 * The candidate scan read a window at a time (src/olvery/candidates.source.ts): the windows, one after the other, are
 * the candidates of one sorted list, oldest change first, each order once, whatever the window size.
 */
import t from 'tap'
import { findCandidateOrders, type CandidateCursor } from '../../src/olvery/candidates.source.js'
import type { Databases } from '../../src/olvery/databases.js'
import { createOrder, createSupplier, type Supplier } from '../helpers/factories.js'
import { createTestDatabases, databaseKind } from '../helpers/test-database.js'

async function allWindows(
  databases: Databases,
  params: { companyId: string; changedSince: Date | null; alsoIds?: string[]; windowSize: number },
): Promise<{ ids: string[]; windows: number }> {
  const ids: string[] = []
  let after: CandidateCursor | null = null
  let windows = 0
  do {
    const window = await findCandidateOrders(databases.olvery, { ...params, after })
    ids.push(...window.ids.slice(0, window.ids.length))
    after = window.next
    windows++
  } while (after && windows < 100)
  return { ids, windows }
}

/** Orders changed at t0 + i minutes (two of them at the same time), one of them paid again much later. */
async function history(databases: Databases, supplier: Supplier, t0: number) {
  const at = (minutes: number) => new Date(t0 + minutes * 60_000)
  const orders = []
  for (const minutes of [0, 1, 2, 3, 3, 4, 5, 6]) orders.push(await createOrder(databases.olvery, supplier, { updatedAt: at(minutes) }))
  // Order 1's payment changes after every order: its change time is the latest of all.
  await databases.olvery.updateTable('payments').set({ updated_at: at(9) }).where('order_id', '=', orders[1]!.id).execute()
  return { orders, at }
}

t.test(`${databaseKind}: the windows together are the sorted candidates, each once, whatever their size`, async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const other = await createSupplier(databases.olvery)
  const { orders } = await history(databases, supplier, Date.parse('2026-01-01T00:00:00Z'))
  await createOrder(databases.olvery, other, { updatedAt: new Date('2026-01-01T00:02:30Z') })
  const expected = [0, 2, 3, 4, 5, 6, 7, 1].map((i) => orders[i]!.id)
  const sameTime = new Set([orders[3]!.id, orders[4]!.id])
  for (const windowSize of [1, 2, 3, 100]) {
    const { ids, windows } = await allWindows(databases, { companyId: supplier.companyId, changedSince: null, windowSize })
    t.same(ids.filter((id) => !sameTime.has(id)), expected.filter((id) => !sameTime.has(id)), `window size ${windowSize}: oldest change first`)
    t.same(new Set(ids.slice(2, 4)), sameTime, `window size ${windowSize}: orders of one change time together`)
    t.equal(ids.length, 8, `window size ${windowSize}: each order once, no other company's (${windows} windows)`)
  }
})

t.test(`${databaseKind}: named orders changed before the watermark come first, once; later ones in their place`, async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const { orders, at } = await history(databases, supplier, Date.parse('2026-01-01T00:00:00Z'))
  const named = [orders[0]!.id, orders[6]!.id]
  for (const windowSize of [1, 2, 100]) {
    const { ids } = await allWindows(databases, { companyId: supplier.companyId, changedSince: at(4), alsoIds: named, windowSize })
    t.same(ids, [0, 5, 6, 7, 1].map((i) => orders[i]!.id), `window size ${windowSize}`)
  }
})
