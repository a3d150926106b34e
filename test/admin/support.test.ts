/**
 * What support asks: one order's delivery status ("did 1C get order A-123?"), the preview of the next `query`
 * (which changes nothing), and re-export (the orders become pending and the next `query` sends them).
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { AdminApi, supplierIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { addPayment, createOrder, createSupplier, SEED_SETTINGS, setOrderComment, setPaymentStatus } from '../helpers/factories.js'
import { validateCommerceML } from '../helpers/xml-validate.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)

const ORDER = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}'
const PREVIEW = '/api/v1/integrations/{id}/preview'
const REEXPORT = '/api/v1/integrations/{id}/reexport'

type T = CheckingTest

const setup = (t: T, options: { settings?: object } = {}) => supplierIntegrationViaApi(t, api, databases.olvery, options)

/** Everything the export keeps for an integration: a preview must leave all of it as it was. */
async function exportState(integrationId: string) {
  const db = databases.db
  const batches = await db.selectFrom('batches').select(['id', 'acknowledged_at']).where('integration_id', '=', integrationId).orderBy('id').execute()
  const items = await db
    .selectFrom('batch_items')
    .selectAll()
    .where('batch_id', 'in', db.selectFrom('batches').select('id').where('integration_id', '=', integrationId))
    .orderBy('batch_id')
    .orderBy('order_id')
    .execute()
  const orders = await db.selectFrom('order_state').selectAll().where('integration_id', '=', integrationId).orderBy('order_id').execute()
  const state = await db.selectFrom('export_state').selectAll().where('integration_id', '=', integrationId).execute()
  return { batches, items, orders, state }
}

// --- one order -----------------------------------------------------------------------------------------------------

t.test('an order 1C acknowledged: in scope by the matching rule, sent and acknowledged in the same batch, not pending', async (t) => {
  const { supplier, id, client } = await setup(t)
  const order = await createOrder(databases.olvery, supplier, { number: 'A-123' })
  await client.exchange()
  const batch = await databases.db.selectFrom('batches').select('id').where('integration_id', '=', id).executeTakeFirstOrThrow()
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: 'A-123' } })
  t.equal(res.statusCode, 200)
  t.match(res.json, {
    orderId: order.id,
    number: 'A-123',
    inScope: true,
    reason: 'qualifies',
    matchedRule: { status: 'purchased', gateway: 'CKassa' },
    payments: [{ gateway: 'CKassa', status: 'purchased', amount: '1200.00', matchesRules: true }],
    lastSent: { batchId: batch.id },
    lastAcknowledged: { batchId: batch.id },
    pending: false,
    unacknowledgedServes: 0,
    isolated: false,
    excluded: null,
  })
  t.equal(res.json.lastAcknowledged.fingerprint, res.json.currentFingerprint)
})

t.test('an order is found by its id as well as by its number', async (t) => {
  const { supplier, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  const byId = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.id } })
  const byNumber = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.equal(byId.statusCode, 200)
  t.same(byId.json, byNumber.json)
})

t.test('an order never sent is pending, with nothing sent or acknowledged', async (t) => {
  const { supplier, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.match(res.json, { inScope: true, pending: true, lastSent: null, lastAcknowledged: null })
})

t.test('an order that changed after 1C acknowledged it is pending again', async (t) => {
  const { supplier, id, client } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  await client.exchange()
  await setOrderComment(databases.olvery, order.id, 'Изменён после выгрузки')
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.equal(res.json.pending, true)
  t.not(res.json.currentFingerprint, res.json.lastAcknowledged.fingerprint)
})

t.test('an order without a matching payment is out of scope, and says so', async (t) => {
  const { supplier, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier, { payments: [{ status: 'pending' }] })
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.match(res.json, { inScope: false, reason: 'no matching payment', matchedRule: null, pending: false })
})

t.test('a refunded order 1C had is still in scope as tracked, and pending', async (t) => {
  const { supplier, id, client } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  await client.exchange()
  await setPaymentStatus(databases.olvery, order.paymentIds[0]!, 'refunded')
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.match(res.json, { inScope: true, reason: 'tracked', pending: true })
})

t.test("an unknown order, or another company's, answers 404", async (t) => {
  const { id } = await setup(t)
  const stranger = await createSupplier(databases.olvery)
  const foreign = await createOrder(databases.olvery, stranger)
  for (const orderIdOrNumber of ['NO-SUCH', foreign.id, foreign.number]) {
    const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber } })
    t.equal(res.statusCode, 404, orderIdOrNumber)
    t.match(res.json.error.message, /of the integration's company/)
  }
})

t.test('a number shared by orders of two locations answers 409 listing both', async (t) => {
  const { supplier, id } = await setup(t)
  const otherLocation = await createSupplier(databases.olvery)
  const here = await createOrder(databases.olvery, supplier, { number: 'B-7' })
  const there = await createOrder(databases.olvery, { ...supplier, locationId: otherLocation.locationId }, { number: 'B-7' })
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: 'B-7' } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'AMBIGUOUS_ORDER_NUMBER')
  t.same(res.json.error.details.orders.map((o: { orderId: string }) => o.orderId).sort(), [here.id, there.id].sort())
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: there.id } })).statusCode, 200, 'asking by id resolves it')
})

// --- preview -------------------------------------------------------------------------------------------------------

t.test('the preview lists the pending orders and the document the next query would send', async (t) => {
  const { supplier, id } = await setup(t)
  const a = await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - 60_000) })
  const b = await createOrder(databases.olvery, supplier)
  await createOrder(databases.olvery, supplier, { payments: [{ status: 'failed' }] })
  const res = await api.get(t, PREVIEW, { params: { id } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.same(res.json.orders.map((o: { orderId: string }) => o.orderId), [a.id, b.id], 'oldest change first, qualifying only')
  t.match(res.json, { orderCount: 2, leftOut: 0, notExportable: [], contentType: 'application/xml; charset=UTF-8' })
  t.match(res.json.document, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<КоммерческаяИнформация/)
  t.match(res.json.document, `<Номер>${a.number}</Номер>`)
  t.equal(res.json.byteCount, Buffer.byteLength(res.json.document, 'utf8'))
})

t.test('the preview lists every order of the batch, and its document holds the first documentOrders of them', async (t) => {
  const { supplier, id, client } = await setup(t)
  const orders = []
  for (let i = 0; i < 3; i++) orders.push(await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - (10 - i) * 60_000) }))
  const whole = (await api.get(t, PREVIEW, { params: { id } })).json
  t.equal(whole.documentOrderCount, 3, 'the default holds a small batch whole')
  const res = await api.get(t, PREVIEW, { params: { id }, query: { documentOrders: '2' } })
  t.equal(res.statusCode, 200)
  t.same(res.json.orders.map((o: { orderId: string }) => o.orderId), orders.map((o) => o.id), 'every order of the batch is listed')
  t.match(res.json, { orderCount: 3, documentOrderCount: 2 })
  t.match(res.json.document, `<Номер>${orders[1]!.number}</Номер>`)
  t.notMatch(res.json.document, `<Номер>${orders[2]!.number}</Номер>`, 'the third order is left out of the document')
  t.same(await validateCommerceML(res.json.document), { valid: true, errors: [] }, 'a valid document all the same')
  t.equal(res.json.byteCount, whole.byteCount, 'byteCount is the whole document, however much of it is shown')

  const xml = await api.get(t, PREVIEW, { params: { id }, query: { format: 'xml', documentOrders: '1' } })
  t.equal(xml.headers['x-document-orders'], '1')
  t.equal(xml.headers['x-batch-orders'], '3')
  t.equal((xml.rawPayload.toString('utf8').match(/<Документ>/g) ?? []).length, 1)

  const none = (await api.get(t, PREVIEW, { params: { id }, query: { documentOrders: '0' } })).json
  t.match(none, { orderCount: 3, documentOrderCount: 0 })
  t.notMatch(none.document, '<Документ>')

  const query = (await client.exchange()).steps.find((step) => step.mode === 'query')!
  t.equal(query.response.body.length, whole.byteCount, 'the next query sends as many bytes as the preview said')
})

t.test('the preview shows an isolated order, which is a batch alone, however far down the scan it is', async (t) => {
  const { supplier, id, client } = await setup(t)
  const orders = []
  for (let i = 0; i < 3; i++) orders.push(await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - (10 - i) * 60_000) }))
  await client.checkauth()
  t.equal((await client.query()).documents.length, 3, 'sent, never acknowledged: each order has a state')
  const isolated = await databases.db.updateTable('order_state').set({ isolated_at: new Date() }).where('order_id', '=', orders[2]!.id).executeTakeFirst()
  t.equal(isolated.numUpdatedRows, 1n)
  const res = await api.get(t, PREVIEW, { params: { id }, query: { documentOrders: '1' } })
  t.equal(res.statusCode, 200)
  t.match(res.json, { orderCount: 1, documentOrderCount: 1, leftOut: 2 })
  t.match(res.json.document, `<Номер>${orders[2]!.number}</Номер>`)
})

t.test('documentOrders is bounded', async (t) => {
  const { id } = await setup(t)
  const res = await api.get(t, PREVIEW, { params: { id }, query: { documentOrders: '1001' } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /documentOrders/)
})

t.test('the preview changes nothing: no batch, the same order and export state', async (t) => {
  const { supplier, id, client } = await setup(t)
  await createOrder(databases.olvery, supplier)
  await client.exchange()
  await createOrder(databases.olvery, supplier)
  const before = await exportState(id)
  await api.get(t, PREVIEW, { params: { id } })
  await api.get(t, PREVIEW, { params: { id }, query: { format: 'xml' } })
  t.same(await exportState(id), before)
})

t.test('after a preview the next real query sends the same orders with the same fingerprints', async (t) => {
  const { supplier, id, client } = await setup(t, { settings: { ...SEED_SETTINGS, batch_size: 2 } })
  for (let i = 0; i < 3; i++) await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - (10 - i) * 60_000) })
  const preview = (await api.get(t, PREVIEW, { params: { id } })).json
  t.equal(preview.orderCount, 2)
  t.equal(preview.leftOut, 1)
  const exchange = await client.exchange()
  t.same(exchange.documents.map((d) => d.id), preview.orders.map((o: { orderId: string }) => o.orderId))
  const items = await databases.db
    .selectFrom('batch_items')
    .innerJoin('batches', 'batches.id', 'batch_items.batch_id')
    .select(['batch_items.order_id', 'batch_items.fingerprint'])
    .where('batches.integration_id', '=', id)
    .execute()
  for (const o of preview.orders) t.equal(items.find((i) => i.order_id === o.orderId)?.fingerprint, o.fingerprint, o.number)
})

t.test('the preview is empty once 1C has everything', async (t) => {
  const { supplier, id, client } = await setup(t)
  await createOrder(databases.olvery, supplier)
  await client.exchange()
  const res = await api.get(t, PREVIEW, { params: { id } })
  t.match(res.json, { orders: [], orderCount: 0 })
})

t.test('format=xml answers the raw document with its Content-Type', async (t) => {
  const { supplier, id } = await setup(t, { settings: { ...SEED_SETTINGS, encoding: 'windows-1251' } })
  await createOrder(databases.olvery, supplier)
  const res = await api.get(t, PREVIEW, { params: { id }, query: { format: 'xml' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/xml; charset=windows-1251')
  t.equal(res.rawPayload.subarray(0, 5).toString('latin1'), '<?xml')
  t.ok(res.rawPayload.includes(Buffer.from([0xc4, 0xee, 0xea, 0xf3, 0xec, 0xe5, 0xed, 0xf2])), '«Документ» in windows-1251 bytes')
})

t.test('the JSON preview of a windows-1251 integration holds the document decoded to text', async (t) => {
  const { supplier, id } = await setup(t, { settings: { ...SEED_SETTINGS, encoding: 'windows-1251' } })
  await createOrder(databases.olvery, supplier)
  const res = await api.get(t, PREVIEW, { params: { id } })
  t.match(res.json.document, /encoding="windows-1251"/)
  t.match(res.json.document, /<Документ>/)
})

// --- re-export -----------------------------------------------------------------------------------------------------

t.test('re-export by ids makes those orders pending, and the next query sends them', async (t) => {
  const { supplier, id, client } = await setup(t)
  const a = await createOrder(databases.olvery, supplier)
  const b = await createOrder(databases.olvery, supplier)
  await client.exchange()
  t.equal((await client.exchange()).documentCount, 0, '1C has everything')

  const res = await api.post(t, REEXPORT, { params: { id }, body: { orderIds: [a.id] } })
  t.equal(res.statusCode, 200)
  t.match(res.json, { cleared: 1, from: null, unknownOrderIds: [] })
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: a.number } })).json.pending, true)
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: b.number } })).json.pending, false)
  const next = await client.exchange()
  t.same(next.documents.map((d) => d.id), [a.id])
})

t.test('re-export keeps the journal: every earlier batch stays, acknowledged as it was', async (t) => {
  const { supplier, id, client } = await setup(t)
  const a = await createOrder(databases.olvery, supplier)
  await client.exchange()
  const before = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches
  await api.post(t, REEXPORT, { params: { id }, body: { orderIds: [a.id] } })
  const after = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches
  t.same(after, before)
})

t.test('re-export from a date sends again the orders changed since its midnight in the location time zone', async (t) => {
  const { supplier, id, client } = await setup(t)
  const old = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-01-10T09:00:00Z') })
  const recent = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-03-05T09:00:00Z') })
  t.equal((await client.exchange()).documentCount, 2)

  const res = await api.post(t, REEXPORT, { params: { id }, body: { from: '2026-03-01' } })
  t.equal(res.statusCode, 200)
  t.match(res.json, { cleared: 1, from: '2026-02-28T21:00:00.000Z', watermark: '2026-02-28T21:00:00.000Z', unknownOrderIds: [] })
  const next = await client.exchange()
  t.same(next.documents.map((d) => d.id), [recent.id])
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: old.number } })).json.pending, false)
})

t.test('re-export from a date also reaches qualifying orders never sent since then', async (t) => {
  const { supplier, id, client } = await setup(t, { settings: { ...SEED_SETTINGS, export_from: '2026-06-01' } })
  const before = await createOrder(databases.olvery, supplier, { updatedAt: new Date('2026-04-10T09:00:00Z') })
  t.equal((await client.exchange()).documentCount, 0, 'export_from leaves it out')
  await api.post(t, REEXPORT, { params: { id }, body: { from: '2026-04-01' } })
  t.same((await client.exchange()).documents.map((d) => d.id), [before.id])
})

t.test('re-export needs exactly one of from and orderIds', async (t) => {
  const { supplier, id } = await setup(t)
  const a = await createOrder(databases.olvery, supplier)
  for (const body of [{}, { from: '2026-03-01', orderIds: [a.id] }]) {
    const res = await api.post(t, REEXPORT, { params: { id }, body })
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.match(res.json.error.message, /exactly one of "from" .* and "orderIds"/)
  }
})

t.test('re-export from something that is not a date is refused', async (t) => {
  const { id } = await setup(t)
  for (const from of ['01.03.2026', '2026-02-30']) {
    const res = await api.post(t, REEXPORT, { params: { id }, body: { from } })
    t.equal(res.statusCode, 400, from)
    t.match(res.json.error.message, /body\.from must be a date written YYYY-MM-DD/, from)
  }
})

t.test('re-export lists the ids that are not orders of the company, and refuses when none is', async (t) => {
  const { supplier, id } = await setup(t)
  const a = await createOrder(databases.olvery, supplier)
  const stranger = randomUUID()
  const some = await api.post(t, REEXPORT, { params: { id }, body: { orderIds: [a.id, stranger] } })
  t.equal(some.statusCode, 200)
  t.same(some.json.unknownOrderIds, [stranger])
  const none = await api.post(t, REEXPORT, { params: { id }, body: { orderIds: [stranger] } })
  t.equal(none.statusCode, 400)
  t.match(none.json.error.message, /None of orderIds/)
})

t.test('re-export of an archived integration is refused', async (t) => {
  const { supplier, id } = await setup(t)
  await createOrder(databases.olvery, supplier)
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id } })
  const res = await api.post(t, REEXPORT, { params: { id }, body: { from: '2026-01-01' } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'INTEGRATION_ARCHIVED')
})

t.test('an order with a second payment added later is still found once', async (t) => {
  const { supplier, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  await addPayment(databases.olvery, order.id, { status: 'purchased', gateway: 'CKassa', amount: '100.00' })
  const res = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
  t.equal(res.json.payments.length, 2)
})
