/**
 * A finding of the fault campaign (npm run test:faults, "two exchanges at once"), reproduced on the export service
 * alone: an acknowledgement is dropped when another exchange of the same integration ran between the query and its
 * `success`, and the order stopped qualifying meanwhile (a refund). The other exchange's scan finds the order sent
 * but never acknowledged and out of scope, and deletes its order_state (scanPendingOrders → leftScope →
 * forgetOrderStates). The `success` then marks the batch acknowledged, but acknowledgeBatchItems only UPDATEs
 * order_state rows, and there is none: 1C holds the paid order, the service does not know it is tracked, and the
 * refund never reached 1C. acknowledgeBatchItems now recreates the state, unsettled, so the next scan finds the order.
 */
import t from 'tap'
import { createOrder, createSupplier, setPaymentStatus } from '../helpers/factories.js'
import { createHarness } from '../helpers/export-harness.js'
import { createTestDatabases } from '../helpers/test-database.js'

t.test('a refund of an order acknowledged while another exchange ran still reaches 1C', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const h = await createHarness(databases, supplier, { settings: { paymentrules: [{ status: 'purchased' }] }, safetyLagSeconds: 0 })
  const order = await createOrder(databases.olvery, supplier, { payments: [{ status: 'purchased', gateway: 'CKassa' }] })

  const first = await h.openSession()
  t.same((await h.query(first)).numbers, [order.number], '1C base, exchange 1: the paid order is sent')
  await setPaymentStatus(databases.olvery, order.paymentIds[0]!, 'refunded')
  const second = await h.openSession()
  t.same((await h.query(second)).numbers, [], 'exchange 2 at the same time: the refunded order does not qualify')
  const ack = await h.success(first)
  t.equal(ack.orderCount, 1, 'exchange 1 acknowledges its batch: 1C now holds the paid order')

  t.same(await h.pendingNumbers(), [order.number], 'the order is tracked, so its refund is pending')
  const secondAck = await h.success(second)
  t.equal(secondAck.orderCount, 0, "exchange 2's success moves the watermark past the refund")
  t.same(await h.exchange(), [order.number], 'the next exchange sends the refund all the same')
  t.same(await h.exchange(), [], 'and then nothing: the order is settled again')
  const state = await databases.db
    .selectFrom('order_state')
    .select(['acked_fingerprint', 'last_sent_fingerprint'])
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow()
  t.equal(state.last_sent_fingerprint, state.acked_fingerprint, 'settled: no longer a candidate of every scan')
})
