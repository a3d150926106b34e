/**
 * The properties of ../shared/design/EXPORT-SEMANTICS.md, one test each, on the export service itself, for an
 * integration of a given schema version: export-semantics.test.ts runs them for 2.08, export-semantics-cml31.test.ts
 * for 3.1 (one file each, so that the two run side by side). The harness reads every answer in the layout of the
 * version, strictly. (The same cycles through HTTP and the 1C client are in test/exchange/.)
 */
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { POISON_THRESHOLD } from '../../src/export/pending-orders.js'
import type { SchemaVersion } from '../../src/integration/settings.schema.js'
import { checkAnswer } from '../helpers/answer-check.js'
import { addPayment, createOrder, createSupplier, setOrderComment, setPaymentStatus } from '../helpers/factories.js'
import { createHarness } from '../helpers/export-harness.js'
import { createTestDatabases } from '../helpers/test-database.js'

type Property = (t: Test, schemaVersion: SchemaVersion) => Promise<void>

const properties: Array<{ name: string; body: Property }> = []

function property(name: string, body: Property): void {
  properties.push({ name, body })
}

/** A fresh database with a supplier, and harnesses of integrations of that supplier in `schemaVersion`. */
async function platform(t: Test, schemaVersion: SchemaVersion) {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const harness = (options: Omit<Parameters<typeof createHarness>[2], 'schemaVersion'> = {}) =>
    createHarness(databases, supplier, { ...options, schemaVersion })
  return { databases, supplier, harness }
}

/** One test per property for an integration of `schemaVersion`, named after both. */
export function testExportSemantics(schemaVersion: SchemaVersion): void {
  for (const { name, body } of properties) t.test(`${name} [CommerceML ${schemaVersion}]`, (t) => body(t, schemaVersion))
}

property('query sends only orders with a payment matching the rules, of the integration company only', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const other = await createSupplier(databases.olvery, { locationId: supplier.locationId, name: 'ООО «Другой»' })
  const paid = await createOrder(databases.olvery, supplier, { payments: [{ status: 'purchased', gateway: 'ckassa' }] })
  await createOrder(databases.olvery, supplier, { payments: [{ status: 'pending' }] })
  await createOrder(databases.olvery, supplier, { payments: [{ status: 'failed' }] })
  await createOrder(databases.olvery, supplier, { payments: [{ status: 'purchased', gateway: 'YooKassa' }] })
  await createOrder(databases.olvery, supplier, { payments: [] })
  const retried = await createOrder(databases.olvery, supplier, {
    payments: [{ status: 'failed' }, { status: 'purchased', gateway: 'CKASSA' }],
  })
  await createOrder(databases.olvery, other, { payments: [{ status: 'purchased' }] })
  const h = await harness()
  const session = await h.openSession()
  const { numbers } = await h.query(session)
  t.same(numbers.sort(), [paid.number, retried.number].sort())
})

property('no duplicates: after success, an unchanged order is not sent again', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  t.same(await h.exchange(), [a.number])
  t.same(await h.exchange(), [])
  t.same(await h.exchange(), [])
  t.same(await h.pendingNumbers(), [])
})

property('unacknowledged is re-sent: a query without success is followed by one with every order of the lost batch', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const b = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const lost = await h.query(await h.openSession())
  t.same(lost.numbers.sort(), [a.number, b.number].sort())
  const c = await createOrder(databases.olvery, supplier)
  const session = await h.openSession()
  const again = await h.query(session)
  t.same(again.numbers.sort(), [a.number, b.number, c.number].sort())
  await h.success(session)
  t.same(await h.exchange(), [])
})

property('an order changed between query and success stays pending and is sent again', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const session = await h.openSession()
  const first = await h.query(session)
  t.same(first.numbers, [a.number])
  await setOrderComment(databases.olvery, a.id, 'Перезвонить после 18:00')
  await h.success(session)
  t.same(await h.pendingNumbers(), [a.number])
  const session2 = await h.openSession()
  const second = await h.query(session2)
  t.same(second.numbers, [a.number])
  t.match(second.body.toString('utf8'), /Перезвонить после 18:00/)
  await h.success(session2)
  t.same(await h.pendingNumbers(), [])
})

property('no loss: orders that arrive between query and success are sent by the next exchange', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  await createOrder(databases.olvery, supplier)
  const h = await harness({ safetyLagSeconds: 0 })
  const session = await h.openSession()
  await h.query(session)
  const late = await createOrder(databases.olvery, supplier)
  await h.success(session)
  t.same(await h.exchange(), [late.number])
})

property('a platform transaction that commits late with an earlier updated_at is still found (safety lag)', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const h = await harness({ safetyLagSeconds: 600 })
  const queryTime = new Date()
  t.same(await h.exchange(queryTime), [])
  // Committed after that exchange, but stamped 5 minutes before it (a long platform transaction).
  const late = await createOrder(databases.olvery, supplier, { updatedAt: new Date(queryTime.getTime() - 5 * 60_000) })
  t.same(await h.exchange(), [late.number])
})

property('the watermark moves only on success, and never past the query start less the safety lag', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  await createOrder(databases.olvery, supplier)
  const h = await harness({ safetyLagSeconds: 600 })
  const watermark = async () =>
    (
      await databases.db
        .selectFrom('export_state')
        .select('watermark')
        .where('integration_id', '=', h.integration.id)
        .executeTakeFirstOrThrow()
    ).watermark
  const now = new Date('2030-01-01T12:00:00Z')
  const session = await h.openSession()
  await h.query(session, now)
  t.equal(await watermark(), null, 'a query alone does not move it')
  await h.success(session, now)
  t.equal((await watermark())?.toISOString(), '2030-01-01T11:50:00.000Z')
})

property('repeated success answers and changes nothing; success without a query changes nothing', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const idle = await h.openSession()
  const none = await h.success(idle)
  t.same(none, { batchId: null, orderCount: 0, alreadyAcknowledged: false })
  t.same(await h.pendingNumbers(), [a.number], 'success without a batch acknowledged nothing')

  const session = await h.openSession()
  const { batchId } = await h.query(session)
  const first = await h.success(session)
  t.same(first, { batchId, orderCount: 1, alreadyAcknowledged: false })
  await setOrderComment(databases.olvery, a.id, 'изменён')
  const repeat = await h.success(session)
  t.same(repeat, { batchId, orderCount: 1, alreadyAcknowledged: true })
  t.same(await h.pendingNumbers(), [a.number], 'the repeat did not acknowledge the newer change')
})

property('success acknowledges only the batch of its own session', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const s1 = await h.openSession()
  await h.query(s1)
  const s2 = await h.openSession()
  const result = await h.success(s2)
  t.equal(result.batchId, null)
  t.same(await h.pendingNumbers(), [a.number])
})

property('a later query in the same session supersedes the earlier batch', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const session = await h.openSession()
  const first = await h.query(session)
  const b = await createOrder(databases.olvery, supplier)
  const second = await h.query(session)
  t.same(second.numbers.sort(), [a.number, b.number].sort())
  const ack = await h.success(session)
  t.equal(ack.batchId, second.batchId)
  t.not(ack.batchId, first.batchId)
  t.same(await h.pendingNumbers(), [])
})

property('isolation: two integrations of the same company keep independent state', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h1 = await harness({ name: 'База бухгалтерии' })
  const h2 = await harness({ name: 'База склада' })
  t.same(await h1.exchange(), [a.number])
  t.same(await h2.pendingNumbers(), [a.number], 'the first base acknowledging does not deliver to the second')
  t.same(await h2.exchange(), [a.number])
  t.same(await h1.exchange(), [])
})

property('a tracked order that stops qualifying (refund) is sent again; an untracked one leaves the scope', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const delivered = await createOrder(databases.olvery, supplier)
  const h = await harness()
  t.same(await h.exchange(), [delivered.number])
  await setPaymentStatus(databases.olvery, delivered.paymentIds[0]!, 'refunded')
  const session = await h.openSession()
  const { numbers, body } = await h.query(session)
  t.same(numbers, [delivered.number])
  t.match(body.toString('utf8'), /Возврат оплаты<\/Наименование>\s*<Значение>true/)
  await h.success(session)

  const neverDelivered = await createOrder(databases.olvery, supplier)
  t.same(await h.query(await h.openSession()).then((r) => r.numbers), [neverDelivered.number])
  await setPaymentStatus(databases.olvery, neverDelivered.paymentIds[0]!, 'failed')
  t.same(await h.exchange(), [], 'sent once but never acknowledged, and no longer paid: not sent')
})

property('the batch cap sends the oldest pending orders first and loses none', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const base = Date.now() - 3600_000
  const orders = []
  for (let i = 0; i < 5; i++) {
    orders.push(await createOrder(databases.olvery, supplier, { updatedAt: new Date(base + i * 60_000) }))
  }
  const h = await harness({ settings: { batch_size: 2 }, safetyLagSeconds: 0 })
  t.same(await h.exchange(), [orders[0]!.number, orders[1]!.number])
  t.same(await h.exchange(), [orders[2]!.number, orders[3]!.number])
  t.same(await h.exchange(), [orders[4]!.number])
  t.same(await h.exchange(), [])
})

property('poison batch: after repeated failures the batch halves, the good orders get through, the bad one is isolated', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const base = Date.now() - 3600_000
  const orders = []
  for (let i = 0; i < 4; i++) {
    orders.push(await createOrder(databases.olvery, supplier, { updatedAt: new Date(base + i * 60_000) }))
  }
  const poison = orders[0]!.number // 1C fails the whole batch whenever it contains this order
  const h = await harness({ settings: { batch_size: 4 } })
  const sizes: number[] = []
  const delivered = new Set<string>()
  for (let round = 0; round < 12 && delivered.size < 3; round++) {
    const session = await h.openSession()
    const { numbers } = await h.query(session)
    sizes.push(numbers.length)
    if (!numbers.includes(poison)) {
      await h.success(session)
      numbers.forEach((n) => delivered.add(n))
    }
  }
  t.same([...delivered].sort(), orders.slice(1).map((o) => o.number).sort(), 'every good order was delivered')
  t.same(sizes.slice(0, POISON_THRESHOLD), [4, 4, 4], 'full batches until the threshold')
  t.equal(sizes[POISON_THRESHOLD], 2, 'then halved')
  const state = await databases.db
    .selectFrom('order_state')
    .select(['isolated_at', 'unacked_serves'])
    .where('integration_id', '=', h.integration.id)
    .where('order_number', '=', poison)
    .executeTakeFirstOrThrow()
  t.ok(state.isolated_at, 'the poison order is isolated')
  t.same(await h.pendingNumbers(), [poison], 'and still pending: never dropped silently')
  const next = await h.query(await h.openSession())
  t.same(next.numbers, [poison], 'it is still served (alone)')
})

property('an order number longer than 11 characters is not sent, and the reason is journaled', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const long = await createOrder(databases.olvery, supplier, { number: 'LONG-0000000001' })
  const ok = await createOrder(databases.olvery, supplier)
  const h = await harness()
  t.same(await h.exchange(), [ok.number])
  const state = await databases.db
    .selectFrom('order_state')
    .select(['last_error', 'last_sent_fingerprint'])
    .where('order_id', '=', long.id)
    .executeTakeFirstOrThrow()
  t.match(state.last_error, /11/)
  t.equal(state.last_sent_fingerprint, null)
})

property('two concurrent queries of one integration are serialised and both recorded', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const [s1, s2] = [await h.openSession(), await h.openSession()]
  const [r1, r2] = await Promise.all([h.query(s1), h.query(s2)])
  t.same(r1.numbers, [a.number])
  t.same(r2.numbers, [a.number])
  t.not(r1.batchId, r2.batchId)
  await Promise.all([h.success(s1), h.success(s2)])
  t.same(await h.pendingNumbers(), [])
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from commerceml.batches where integration_id = ${h.integration.id} and acknowledged_at is not null`.execute(
    databases.db,
  )
  t.equal(rows[0]!.n, 2)
})

property('no loss with platform writers running during exchanges', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  // The writers stamp payments with a time taken before their insert, like a platform transaction that commits
  // late; the default safety lag is what covers them.
  const h = await harness({ settings: { batch_size: 7 } })
  const created: Array<{ id: string; paymentIds: string[] }> = []
  let writing = true
  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const writer = (async () => {
    for (let i = 0; i < 60; i++) {
      const r = random()
      if (r < 0.5 || created.length === 0) created.push(await createOrder(databases.olvery, supplier))
      else {
        const target = created[Math.floor(random() * created.length)]!
        if (r < 0.7) await setOrderComment(databases.olvery, target.id, `правка ${i}`)
        else if (r < 0.85) await setPaymentStatus(databases.olvery, target.paymentIds[0]!, 'refunded')
        else target.paymentIds.push(await addPayment(databases.olvery, target.id, { status: 'purchased' }))
      }
    }
    writing = false
  })()
  let exchanges = 0
  while (writing) {
    const session = await h.openSession()
    await h.query(session)
    if (random() < 0.7) await h.success(session) // 1C sometimes fails to load and sends no success
    exchanges++
  }
  await writer
  for (let i = 0; i < 20 && (await h.pendingNumbers()).length > 0; i++) await h.exchange()
  t.ok(exchanges > 0)
  t.same(await h.pendingNumbers(), [], 'once writes stop, every in-scope order is acknowledged at its current fingerprint')
})

property('a query answer, empty or not, is one document in the layout of its version, its Документs valid against the XSD', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const h = await harness()
  const empty = await h.query(await h.openSession())
  t.equal(empty.body.subarray(0, 5).toString('latin1'), '<?xml')
  t.same(await checkAnswer(empty.body, schemaVersion), { valid: true, errors: [] })
  await createOrder(databases.olvery, supplier)
  await createOrder(databases.olvery, supplier)
  const full = await h.query(await h.openSession())
  t.equal(full.numbers.length, 2)
  t.equal(full.contentType, 'application/xml; charset=UTF-8')
  t.same(await checkAnswer(full.body, schemaVersion), { valid: true, errors: [] })
})

property('a late success of an older batch does not undo a newer acknowledgement', async (t, schemaVersion) => {
  const { databases, supplier, harness } = await platform(t, schemaVersion)
  const a = await createOrder(databases.olvery, supplier)
  const h = await harness()
  const older = await h.openSession()
  await h.query(older)
  await setOrderComment(databases.olvery, a.id, 'новая версия')
  const newer = await h.openSession()
  t.same((await h.query(newer)).numbers, [a.number])
  await h.success(newer)
  await h.success(older) // the first exchange's 1C confirms last
  t.same(await h.pendingNumbers(), [], 'the order stays acknowledged at its newest document')
})
