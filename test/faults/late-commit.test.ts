/**
 * A finding of the fault campaign (npm run test:faults), reproduced on the export service alone: an order written by a
 * platform transaction that stays open longer than EXPORT_SAFETY_LAG_SECONDS is never sent to 1C. Its rows carry
 * `updated_at` = the transaction's start; an exchange that ran while it was open moved the watermark to
 * (query start − lag), past that `updated_at`, and the candidate scan (`changed_at >= watermark`) never sees the order
 * again unless it changes once more. Its last assertion is marked `todo` until src/export holds the watermark behind transactions still
 * open on the platform (or rescans); then this test passes and the todo goes.
 */
import t from 'tap'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { createHarness } from '../helpers/export-harness.js'
import { createTestDatabases } from '../helpers/test-database.js'

t.test('an order committed by a platform transaction open longer than the safety lag still reaches 1C', async (t) => {
  const databases = await createTestDatabases(t)
  const supplier = await createSupplier(databases.olvery)
  const h = await createHarness(databases, supplier, { safetyLagSeconds: 600 })
  const queryTime = new Date()
  t.same(await h.exchange(queryTime), [], 'nothing pending; the watermark moves to the query start less 10 minutes')
  // Committed after that exchange, stamped 11 minutes before it: a platform transaction open for longer than the lag.
  const late = await createOrder(databases.olvery, supplier, { updatedAt: new Date(queryTime.getTime() - 11 * 60_000) })
  t.same(await h.exchange(), [late.number], 'the next exchange sends it', {
    todo: 'known loss found by the fault campaign: the watermark passes transactions open longer than the safety lag',
  })
})
