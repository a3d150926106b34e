/**
 * An administrator excludes an order from an integration, and includes it again (EXPORT-SEMANTICS.md rule 10),
 * through the admin API, with the 1C client exchanging in between: while excluded the order is never sent, whatever
 * changes; included again it is pending exactly when its document differs from the one 1C acknowledged.
 */
import t from 'tap'
import { AdminApi, supplierIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { addPayment, createOrder, createSupplier, setOrderComment, setPaymentStatus } from '../helpers/factories.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
// The same database without a safety lag, so one exchange moves the watermark past every change made before it.
const { app: noLag } = await buildTestApp(t, { env: { ...HS256_ENV, EXPORT_SAFETY_LAG_SECONDS: '0' }, databases })

const EXCLUSION = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion'
const ORDER = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}'
const OPERATOR = 'petrov@example.ru'

type T = CheckingTest

async function setup(t: T, target = app) {
  const api = new AdminApi(target)
  const { supplier, created, client } = await supplierIntegrationViaApi(t, api, databases.olvery, { sub: OPERATOR })
  /** A whole exchange (checkauth → query → success); the numbers 1C received. */
  const exchange = async () => {
    const result = await client.exchange()
    if (result.problems.length) throw new Error(result.problems.join('; '))
    return result.documents.map((d) => d.number)
  }
  const exclude = (orderIdOrNumber: string, reason = 'Тестовый заказ') => api.put(t, EXCLUSION, { params: { id: created.id, orderIdOrNumber }, body: { reason } })
  const include = (orderIdOrNumber: string) => api.delete(t, EXCLUSION, { params: { id: created.id, orderIdOrNumber } })
  const status = async (orderIdOrNumber: string) => (await api.get(t, ORDER, { params: { id: created.id, orderIdOrNumber } })).json
  return { api, supplier, id: created.id, client, exchange, exclude, include, status }
}

t.test('an excluded order is never sent, whatever changes, and its status says who excluded it, when and why', async (t) => {
  const { supplier, exchange, exclude, status } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  const other = await createOrder(databases.olvery, supplier)
  t.same(await exchange(), [order.number, other.number])

  const res = await exclude(order.number, 'Заказ внесён в 1С вручную')
  t.equal(res.statusCode, 200, res.text)
  t.match(res.json, { orderId: order.id, inScope: false, reason: 'excluded', pending: false, excluded: { by: OPERATOR, reason: 'Заказ внесён в 1С вручную' } })
  t.type(res.json.excluded.at, 'string')

  const changes = [
    () => setOrderComment(databases.olvery, order.id, 'Первое изменение'),
    () => setPaymentStatus(databases.olvery, order.paymentIds[0]!, 'refunded'),
    () => addPayment(databases.olvery, order.id, { status: 'purchased', amount: '300.00' }),
  ]
  for (const change of changes) {
    await change()
    await setOrderComment(databases.olvery, other.id, `Изменён ${Date.now()}`)
    t.same(await exchange(), [other.number], 'only the other order goes')
  }
  t.match(await status(order.number), { reason: 'excluded', pending: false, excluded: { by: OPERATOR } })
})

t.test('an excluded order never sent is not sent; included again, it is', async (t) => {
  const { supplier, exchange, exclude, include, status } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  t.equal((await exclude(order.id)).statusCode, 200, 'by id')
  t.same(await exchange(), [])
  const res = await include(order.id)
  t.equal(res.statusCode, 200)
  t.match(res.json, { reason: 'qualifies', inScope: true, pending: true, excluded: null })
  t.same(await exchange(), [order.number])
  t.match(await status(order.number), { pending: false, lastAcknowledged: { fingerprint: res.json.currentFingerprint } })
})

t.test('included again unchanged, an order 1C has is not sent again', async (t) => {
  const { supplier, exchange, exclude, include, status } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  t.same(await exchange(), [order.number])
  await exclude(order.number)
  t.same(await exchange(), [])
  const res = await include(order.number)
  t.match(res.json, { reason: 'qualifies', pending: false, excluded: null })
  t.same(await exchange(), [], 'its document is the one 1C acknowledged')
  t.same(await exchange(), [])
  t.match(await status(order.number), { pending: false })
})

t.test('included again after it changed, it is sent, even when the watermark has passed its change', async (t) => {
  const { supplier, exchange, exclude, include } = await setup(t, noLag)
  const order = await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - 3600_000) })
  t.same(await exchange(), [order.number])
  await exclude(order.number)
  await setOrderComment(databases.olvery, order.id, 'Изменён, пока исключён')
  // A later exchange acknowledges another order and moves the watermark past the change of the excluded one.
  const later = await createOrder(databases.olvery, supplier)
  t.same(await exchange(), [later.number])
  const watermark = await databases.db.selectFrom('export_state as e').innerJoin('integrations as i', 'i.id', 'e.integration_id').select('e.watermark').where('i.company_id', '=', supplier.companyId).executeTakeFirstOrThrow()
  const changedAt = await databases.olvery.selectFrom('orders').select('updated_at').where('id', '=', order.id).executeTakeFirstOrThrow()
  t.ok(watermark.watermark! > changedAt.updated_at, 'the watermark is past the change')

  const res = await include(order.number)
  t.match(res.json, { reason: 'qualifies', pending: true })
  t.same(await exchange(), [order.number], 'the change reaches 1C')
  t.same(await exchange(), [])
})

t.test('an order excluded while in a batch 1C has not acknowledged: left out of the next batch, and acknowledged by that success', async (t) => {
  const { supplier, client, exclude, status } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  const other = await createOrder(databases.olvery, supplier)
  await client.checkauth()
  t.same((await client.query()).documents.map((d) => d.number), [order.number, other.number])
  await exclude(order.number)
  // 1C loaded that batch: its success acknowledges both orders, the excluded one included (1C has it).
  t.ok((await client.success()).ok)
  t.match(await status(order.number), { reason: 'excluded', lastAcknowledged: { fingerprint: (await status(order.number)).currentFingerprint } })

  // Another exchange that 1C never confirms: the excluded order is not in it.
  await setOrderComment(databases.olvery, order.id, 'Изменён')
  await setOrderComment(databases.olvery, other.id, 'Изменён')
  await client.checkauth()
  t.same((await client.query()).documents.map((d) => d.number), [other.number])
  await client.checkauth()
  t.same((await client.query()).documents.map((d) => d.number), [other.number], 'nor in the one after')
})

t.test('an excluded order that 1C failed to load alone is not isolated as poison', async (t) => {
  const { supplier, client, exclude, status } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  for (let i = 0; i < 3; i++) {
    await client.checkauth()
    t.same((await client.query()).documents.map((d) => d.number), [order.number])
  }
  t.match(await status(order.number), { unacknowledgedServes: 3, isolated: false })
  await exclude(order.number, 'Ломает загрузку в 1С')
  await client.checkauth()
  t.same((await client.query()).documents, [])
  t.match(await status(order.number), { isolated: false, unacknowledgedServes: 3 })
})

t.test('excluding again with the same reason changes nothing; another reason replaces the exclusion', async (t) => {
  const { supplier, id, exclude } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  const first = await exclude(order.number, 'Тест')
  const same = await exclude(order.number, '  Тест  ')
  t.same(same.json.excluded, first.json.excluded, 'the reason is trimmed; the same exclusion')
  const other = await exclude(order.number, 'Дубль')
  t.match(other.json.excluded, { by: OPERATOR, reason: 'Дубль' })
  const events = await databases.db.selectFrom('audit_events').select('action').where('integration_id', '=', id).where('action', '=', 'exclude').execute()
  t.equal(events.length, 2)
})

t.test('including an order that is not excluded changes nothing', async (t) => {
  const { supplier, id, exchange, include } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  t.same(await exchange(), [order.number])
  const before = await databases.db.selectFrom('order_state').selectAll().where('integration_id', '=', id).execute()
  const res = await include(order.number)
  t.equal(res.statusCode, 200)
  t.match(res.json, { excluded: null, pending: false })
  t.same(await databases.db.selectFrom('order_state').selectAll().where('integration_id', '=', id).execute(), before)
})

t.test('a reason is required and may not be blank', async (t) => {
  const { api, supplier, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 'ok', extra: 1 }]) {
    const res = await api.put(t, EXCLUSION, { params: { id, orderIdOrNumber: order.number }, body })
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.equal(res.json.error.code, 'BAD_REQUEST')
  }
  t.same(await databases.db.selectFrom('order_state').select('order_id').where('integration_id', '=', id).execute(), [], 'no state written')
})

t.test("an unknown order or another company's answers 404; a shared number answers 409 listing the orders", async (t) => {
  const { supplier, exclude, include } = await setup(t)
  const stranger = await createSupplier(databases.olvery)
  const foreign = await createOrder(databases.olvery, stranger)
  for (const wanted of ['NO-SUCH', foreign.id, foreign.number]) {
    t.equal((await exclude(wanted)).statusCode, 404, `exclude ${wanted}`)
    t.equal((await include(wanted)).statusCode, 404, `include ${wanted}`)
  }
  const otherLocation = await createSupplier(databases.olvery)
  const here = await createOrder(databases.olvery, supplier, { number: 'X-7' })
  const there = await createOrder(databases.olvery, { ...supplier, locationId: otherLocation.locationId }, { number: 'X-7' })
  const res = await exclude('X-7')
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'AMBIGUOUS_ORDER_NUMBER')
  t.same(res.json.error.details.orders.map((o: { orderId: string }) => o.orderId).sort(), [here.id, there.id].sort())
  t.equal((await exclude(there.id)).statusCode, 200, 'by id it is found')
})

t.test('an archived integration cannot exclude or include orders', async (t) => {
  const { api, supplier, id, exclude, include } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  await exclude(order.number)
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id } })
  for (const res of [await exclude(order.number, 'Другая причина'), await include(order.number)]) {
    t.equal(res.statusCode, 409)
    t.equal(res.json.error.code, 'INTEGRATION_ARCHIVED')
  }
  const state = await databases.db.selectFrom('order_state').select(['excluded_reason']).where('integration_id', '=', id).executeTakeFirstOrThrow()
  t.equal(state.excluded_reason, 'Тестовый заказ')
})
