/**
 * An administrator acknowledges a batch 1C loaded without saying so (EXPORT-SEMANTICS.md rule 9), through the admin
 * API after real queries of the 1C client: exactly what `success` would do, only for the latest batch while it is
 * unacknowledged, and the batch then names who acknowledged it.
 */
import t from 'tap'
import { AdminApi, supplierIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, setOrderComment } from '../helpers/factories.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)

const ACKNOWLEDGE = '/api/v1/integrations/{id}/batches/{batchId}/acknowledge'
const BATCH = '/api/v1/integrations/{id}/batches/{batchId}'
const ORDER = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}'
const OPERATOR = 'ivanova@example.ru'

type T = CheckingTest

/** A supplier with two paid orders, an integration made through the API, and a 1C that queries and never confirms. */
async function setup(t: T) {
  const { supplier, created, client } = await supplierIntegrationViaApi(t, api, databases.olvery, { sub: OPERATOR })
  const orders = [await createOrder(databases.olvery, supplier), await createOrder(databases.olvery, supplier)]
  /** checkauth and query, no success: what a 1C that loses its `success` does. Returns the batch id and numbers sent. */
  const queryWithoutSuccess = async () => {
    await client.checkauth()
    const query = await client.query()
    const batch = await databases.db.selectFrom('batches').select('id').where('integration_id', '=', created.id).orderBy('id', 'desc').executeTakeFirstOrThrow()
    return { batchId: batch.id, numbers: query.documents.map((d) => d.number) }
  }
  return { supplier, orders, id: created.id, client, queryWithoutSuccess }
}

const batchRow = (batchId: number) =>
  databases.db.selectFrom('batches').select(['acknowledged_at', 'acknowledged_by']).where('id', '=', batchId).executeTakeFirstOrThrow()

t.test('the latest unacknowledged batch is acknowledged by hand: its orders are delivered, the batch names the operator', async (t) => {
  const { id, orders, client, queryWithoutSuccess } = await setup(t)
  const { batchId, numbers } = await queryWithoutSuccess()
  t.same(numbers.sort(), orders.map((o) => o.number).sort())

  const res = await api.post(t, ACKNOWLEDGE, { params: { id, batchId } })
  t.equal(res.statusCode, 200, res.text)
  t.match(res.json, { id: batchId, acknowledged: true, acknowledgedBy: OPERATOR, superseded: false })
  t.type(res.json.acknowledgedAt, 'string')
  const detail = await api.get(t, BATCH, { params: { id, batchId } })
  t.ok(detail.json.orders.every((o: { acknowledged: boolean; acknowledgedBatchId: number }) => o.acknowledged && o.acknowledgedBatchId === batchId), 'every order of the batch acknowledged')
  for (const order of orders) {
    const status = await api.get(t, ORDER, { params: { id, orderIdOrNumber: order.number } })
    t.match(status.json, { pending: false, lastAcknowledged: { batchId } }, order.number)
  }
  const integration = await api.get(t, '/api/v1/integrations/{id}', { params: { id } })
  t.equal(integration.json.lastSuccessAt, res.json.acknowledgedAt, 'lastSuccessAt moves as on success')

  await client.checkauth()
  t.same((await client.query()).documents, [], 'the next query sends none of them again')
})

t.test("1C's success after the acknowledgement by hand changes nothing", async (t) => {
  const { id, client, queryWithoutSuccess } = await setup(t)
  const { batchId } = await queryWithoutSuccess()
  t.equal((await api.post(t, ACKNOWLEDGE, { params: { id, batchId } })).statusCode, 200)
  const before = await batchRow(batchId)
  const states = () => databases.db.selectFrom('order_state').selectAll().where('integration_id', '=', id).orderBy('order_id').execute()
  const statesBefore = await states()

  const success = await client.success()
  t.ok(success.ok, 'the session that queried gets success')
  t.equal(success.response.text, 'success\n')
  t.same(await batchRow(batchId), before, 'still acknowledged by the operator, at the same time')
  t.same(await states(), statesBefore, 'no order state changed')
})

t.test('an order that changed after its batch was sent stays pending after the acknowledgement, as after success', async (t) => {
  const { id, orders, client, queryWithoutSuccess } = await setup(t)
  const { batchId } = await queryWithoutSuccess()
  await setOrderComment(databases.olvery, orders[0]!.id, 'Изменён после отправки')
  t.equal((await api.post(t, ACKNOWLEDGE, { params: { id, batchId } })).statusCode, 200)
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: orders[0]!.number } })).json.pending, true)
  t.equal((await api.get(t, ORDER, { params: { id, orderIdOrNumber: orders[1]!.number } })).json.pending, false)
  await client.checkauth()
  t.same((await client.query()).documents.map((d) => d.number), [orders[0]!.number], 'only the changed order goes again')
})

t.test('an earlier batch is refused with 409 naming the latest batch, and nothing changes', async (t) => {
  const { id, queryWithoutSuccess } = await setup(t)
  const first = await queryWithoutSuccess()
  const latest = await queryWithoutSuccess()
  const res = await api.post(t, ACKNOWLEDGE, { params: { id, batchId: first.batchId } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'BATCH_NOT_ACKNOWLEDGEABLE')
  t.same(res.json.error.details, { latestBatchId: latest.batchId, latestAcknowledged: false })
  t.match(res.json.error.message, new RegExp(`^Batch ${first.batchId} is not the latest batch of the integration: only the latest, ${latest.batchId}, `))
  t.same(await batchRow(first.batchId), { acknowledged_at: null, acknowledged_by: null })
  t.same(await batchRow(latest.batchId), { acknowledged_at: null, acknowledged_by: null })
})

t.test('the latest batch once 1C acknowledged it is refused with 409, and shows 1C as who acknowledged it', async (t) => {
  const { id, client } = await setup(t)
  t.same((await client.exchange()).problems, [])
  const [batch] = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches
  t.match(batch, { acknowledged: true, acknowledgedBy: '1C' })
  const res = await api.post(t, ACKNOWLEDGE, { params: { id, batchId: batch.id } })
  t.equal(res.statusCode, 409)
  t.same(res.json.error.details, { latestBatchId: batch.id, latestAcknowledged: true })
  t.same(await batchRow(batch.id), { acknowledged_at: new Date(batch.acknowledgedAt), acknowledged_by: null })
})

t.test('an unacknowledged batch shows nobody as who acknowledged it', async (t) => {
  const { id, queryWithoutSuccess } = await setup(t)
  const { batchId } = await queryWithoutSuccess()
  t.match((await api.get(t, BATCH, { params: { id, batchId } })).json, { acknowledged: false, acknowledgedAt: null, acknowledgedBy: null })
})

t.test('a batch of another integration, or none, answers 404', async (t) => {
  const mine = await setup(t)
  const theirs = await setup(t)
  const { batchId } = await theirs.queryWithoutSuccess()
  api.token = await locationAdminToken(mine.supplier.locationId, { sub: OPERATOR })
  for (const wanted of [batchId, 999_999_999]) {
    const res = await api.post(t, ACKNOWLEDGE, { params: { id: mine.id, batchId: wanted } })
    t.equal(res.statusCode, 404, String(wanted))
    t.equal(res.json.error.code, 'NOT_FOUND')
  }
  t.same(await batchRow(batchId), { acknowledged_at: null, acknowledged_by: null })
})

t.test('an archived integration cannot have a batch acknowledged', async (t) => {
  const { id, queryWithoutSuccess } = await setup(t)
  const { batchId } = await queryWithoutSuccess()
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id } })
  const res = await api.post(t, ACKNOWLEDGE, { params: { id, batchId } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'INTEGRATION_ARCHIVED')
  t.same(await batchRow(batchId), { acknowledged_at: null, acknowledged_by: null })
})

t.test('a body with fields is refused: the acknowledgement takes none', async (t) => {
  const { id, queryWithoutSuccess } = await setup(t)
  const { batchId } = await queryWithoutSuccess()
  const res = await api.post(t, ACKNOWLEDGE, { params: { id, batchId }, body: { force: true } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.details.problems, [{ path: 'body.force', message: 'is not a known field' }])
  t.same(await batchRow(batchId), { acknowledged_at: null, acknowledged_by: null })
})
