/**
 * The journal after real exchanges through the 1C client: batches newest first with their acknowledgement and
 * supersession, their orders and fingerprints, and the document exactly as 1C received it.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi, type Checker } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS, setOrderComment } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)

const BATCHES = '/api/v1/integrations/{id}/batches'
const BATCH = '/api/v1/integrations/{id}/batches/{batchId}'
const DOCUMENT = '/api/v1/integrations/{id}/batches/{batchId}/document'

/** A supplier of its own with orders, an integration made through the API, and a 1C client for it. */
async function setup(t: Checker & { equal(...args: [unknown, unknown, string]): unknown }, options: { orders?: number; settings?: object } = {}) {
  const supplier = await createSupplier(databases.olvery)
  api.token = await locationAdminToken(supplier.locationId)
  const orders = []
  for (let i = 0; i < (options.orders ?? 2); i++) orders.push(await createOrder(databases.olvery, supplier))
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, settings: options.settings ?? SEED_SETTINGS })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  return { supplier, orders, id: created.id, client }
}

t.test('an acknowledged exchange is journaled with its session, order count, bytes and acknowledgement', async (t) => {
  const { id, client } = await setup(t)
  const exchange = await client.exchange()
  t.same(exchange.problems, [])
  const received = exchange.steps.find((s) => s.mode === 'query')!.response

  const res = await api.get(t, BATCHES, { params: { id } })
  t.equal(res.statusCode, 200)
  t.equal(res.json.batches.length, 1)
  t.equal(res.json.nextCursor, null)
  const [batch] = res.json.batches
  const session = await databases.db.selectFrom('sessions').select('id').where('integration_id', '=', id).executeTakeFirstOrThrow()
  t.match(batch, {
    sessionId: session.id,
    orderCount: 2,
    byteCount: received.body.length,
    contentType: received.contentType,
    acknowledged: true,
    superseded: false,
  })
  t.type(batch.acknowledgedAt, 'string')
  t.ok(batch.acknowledgedAt >= batch.createdAt)
})

t.test('the document endpoint answers the bytes 1C received, with the same Content-Type', async (t) => {
  const { id, client } = await setup(t, { orders: 3 })
  const exchange = await client.exchange()
  const received = exchange.steps.find((s) => s.mode === 'query')!.response
  const [batch] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  const res = await api.get(t, DOCUMENT, { params: { id, batchId: batch.id } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], received.contentType)
  t.ok(res.rawPayload.equals(received.body), 'byte for byte')
  t.match(res.headers['content-disposition'], `filename="batch-${batch.id}.xml"`)
})

t.test('a windows-1251 document is answered in windows-1251, byte for byte', async (t) => {
  const { id, client } = await setup(t, { settings: { ...SEED_SETTINGS, encoding: 'windows-1251' } })
  const exchange = await client.exchange()
  const received = exchange.steps.find((s) => s.mode === 'query')!.response
  t.equal(received.contentType, 'application/xml; charset=windows-1251')
  const [batch] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  const res = await api.get(t, DOCUMENT, { params: { id, batchId: batch.id } })
  t.equal(res.headers['content-type'], 'application/xml; charset=windows-1251')
  t.ok(res.rawPayload.equals(received.body))
})

t.test('a batch 1C never acknowledged is superseded by the next one', async (t) => {
  const { id, client } = await setup(t)
  t.ok((await client.checkauth()).ok)
  t.ok((await client.query()).ok) // 1C failed to load it: no success
  const second = await client.exchange()
  t.same(second.problems, [])
  const { batches } = (await api.get(t, BATCHES, { params: { id } })).json
  t.equal(batches.length, 2)
  t.match(batches[0], { acknowledged: true, superseded: false }, 'the newest, acknowledged')
  t.match(batches[1], { acknowledged: false, acknowledgedAt: null, superseded: true }, 'the lost one')
})

t.test('the latest batch awaiting its success is neither acknowledged nor superseded', async (t) => {
  const { id, client } = await setup(t)
  t.ok((await client.checkauth()).ok)
  t.ok((await client.query()).ok)
  const [batch] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  t.match(batch, { acknowledged: false, superseded: false })
})

t.test("a batch's orders carry their numbers and the fingerprints sent", async (t) => {
  const { id, client, orders } = await setup(t)
  await client.exchange()
  const [summary] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  const res = await api.get(t, BATCH, { params: { id, batchId: summary.id } })
  t.equal(res.statusCode, 200)
  t.match(res.json, { ...summary, orders: [] })
  t.same(res.json.orders.map((o: { number: string }) => o.number).sort(), orders.map((o) => o.number).sort())
  const states = await databases.db.selectFrom('order_state').select(['order_id', 'acked_fingerprint']).where('integration_id', '=', id).execute()
  for (const order of res.json.orders) {
    t.equal(order.fingerprint, states.find((s) => s.order_id === order.orderId)?.acked_fingerprint, order.number)
    t.match(order, { acknowledged: true, acknowledgedBatchId: summary.id })
  }
})

t.test('an order of a lost batch counts as acknowledged when a later acknowledged batch carried the same document, and not when it changed', async (t) => {
  const { id, client, orders } = await setup(t)
  const [changed, unchanged] = orders
  t.ok((await client.checkauth()).ok)
  t.ok((await client.query()).ok) // lost: no success
  await setOrderComment(databases.olvery, changed!.id, 'Позвонить за час')
  t.same((await client.exchange()).problems, [])

  const [second, first] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  const lost = (await api.get(t, BATCH, { params: { id, batchId: first.id } })).json
  const byNumber = (o: Array<{ number: string; fingerprint: string }>, n: string) => o.find((x) => x.number === n)
  t.match(byNumber(lost.orders, unchanged!.number), { acknowledged: true, acknowledgedBatchId: second.id }, 'same fingerprint acknowledged later')
  t.match(byNumber(lost.orders, changed!.number), { acknowledged: false, acknowledgedBatchId: null, acknowledgedAt: null }, '1C never loaded this version')
  const acked = (await api.get(t, BATCH, { params: { id, batchId: second.id } })).json
  t.ok(acked.orders.every((o: { acknowledged: boolean }) => o.acknowledged))
  t.not(byNumber(acked.orders, changed!.number)!.fingerprint, byNumber(lost.orders, changed!.number)!.fingerprint)
})

t.test('the journal pages newest first with a cursor, without repeating or skipping a batch', async (t) => {
  const { id, client } = await setup(t, { orders: 1 })
  for (let i = 0; i < 5; i++) t.same((await client.exchange()).problems, [])
  const ids = (await databases.db.selectFrom('batches').select('id').where('integration_id', '=', id).orderBy('id', 'desc').execute()).map((b) => b.id)
  t.equal(ids.length, 5)

  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const query: Record<string, string | number> = { limit: 2, ...(cursor ? { cursor } : {}) }
    const res = await api.get(t, BATCHES, { params: { id }, query })
    t.ok(res.json.batches.length <= 2)
    seen.push(...res.json.batches.map((b: { id: number }) => b.id))
    cursor = res.json.nextCursor
    pages++
  } while (cursor !== null && pages < 10)
  t.equal(pages, 3)
  t.same(seen, ids)
})

t.test('a new batch between pages does not shift the next page', async (t) => {
  const { id, client } = await setup(t, { orders: 1 })
  for (let i = 0; i < 3; i++) await client.exchange()
  const first = await api.get(t, BATCHES, { params: { id }, query: { limit: 2 } })
  await client.exchange()
  const next = await api.get(t, BATCHES, { params: { id }, query: { limit: 2, cursor: first.json.nextCursor } })
  t.equal(next.json.batches.length, 1)
  t.ok(next.json.batches[0].id < first.json.batches[1].id)
  t.equal(next.json.nextCursor, null)
})

t.test('a limit beyond 200 and a cursor that is not one are refused with 400', async (t) => {
  const { id } = await setup(t, { orders: 0 })
  const tooMany = await api.get(t, BATCHES, { params: { id }, query: { limit: 500 } })
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json.error.message, /query\.limit/)
  const badCursor = await api.get(t, BATCHES, { params: { id }, query: { cursor: 'abc' } })
  t.equal(badCursor.statusCode, 400)
})

t.test('a batch of another integration, or none, answers 404', async (t) => {
  const one = await setup(t, { orders: 1 })
  await one.client.exchange()
  const [batch] = (await api.get(t, BATCHES, { params: { id: one.id } })).json.batches
  const two = await setup(t, { orders: 0 })
  for (const path of [BATCH, DOCUMENT]) {
    const foreign = await api.get(t, path, { params: { id: two.id, batchId: batch.id } })
    t.equal(foreign.statusCode, 404, path)
    t.match(foreign.json.error.message, /^No batch /)
    t.equal((await api.get(t, path, { params: { id: two.id, batchId: 999999999 } })).statusCode, 404, path)
    t.equal((await api.get(t, path, { params: { id: two.id, batchId: 'x1' } })).statusCode, 400, path)
  }
})

t.test('a new integration has an empty journal', async (t) => {
  const { id } = await setup(t, { orders: 0 })
  const res = await api.get(t, BATCHES, { params: { id } })
  t.same(res.json, { batches: [], nextCursor: null })
})
