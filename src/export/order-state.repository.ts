/**
 * What the service knows per (integration, order) in `order_state` (EXPORT-SEMANTICS.md rules 2, 7, 10, 11): the
 * fingerprint 1C acknowledged, the one last sent, serves without success, isolation, the last reason it could not be
 * sent, and an administrator's exclusion. Kept as long as the order exists: forgetting it would re-send or lose it.
 */
import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { OrderStateTable, ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>
type Trx = Transaction<ServiceDatabase>

export interface OrderState {
  orderId: string
  orderNumber: string
  ackedFingerprint: string | null
  ackedBatchId: number | null
  ackedAt: Date | null
  lastSentFingerprint: string | null
  lastSentBatchId: number | null
  lastSentAt: Date | null
  unackedServes: number
  isolatedAt: Date | null
  lastError: string | null
  excludedAt: Date | null
  excludedReason: string | null
  excludedBy: string | null
}

export async function findOrderStates(db: Db, integrationId: string, orderIds: readonly string[]): Promise<Map<string, OrderState>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('order_state')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('order_id', '=', (eb) => eb.fn.any(eb.val([...orderIds])))
    .execute()
  return new Map(
    rows.map((row) => [
      row.order_id,
      {
        orderId: row.order_id,
        orderNumber: row.order_number,
        ackedFingerprint: row.acked_fingerprint,
        ackedBatchId: row.acked_batch_id,
        ackedAt: row.acked_at,
        lastSentFingerprint: row.last_sent_fingerprint,
        lastSentBatchId: row.last_sent_batch_id,
        lastSentAt: row.last_sent_at,
        unackedServes: row.unacked_serves,
        isolatedAt: row.isolated_at,
        lastError: row.last_error,
        excludedAt: row.excluded_at,
        excludedReason: row.excluded_reason,
        excludedBy: row.excluded_by,
      },
    ]),
  )
}

/** A state row for an order nothing has been sent or acknowledged for yet. */
function blankOrderState(integrationId: string, orderId: string, orderNumber: string): Insertable<OrderStateTable> {
  return {
    integration_id: integrationId,
    order_id: orderId,
    order_number: orderNumber,
    acked_fingerprint: null,
    acked_batch_id: null,
    acked_at: null,
    acked_changed_at: null,
    last_sent_fingerprint: null,
    last_sent_batch_id: null,
    last_sent_at: null,
    isolated_at: null,
    last_error: null,
    last_error_at: null,
    excluded_at: null,
    excluded_reason: null,
    excluded_by: null,
  }
}

/**
 * Gives orders that have none a blank state (a re-export of orders never sent): an unsettled state makes them
 * candidates of the next scan whatever the watermark says. Orders with a state keep it.
 */
export async function createBlankOrderStates(
  trx: Trx,
  integrationId: string,
  orders: ReadonlyArray<{ id: string; number: string }>,
): Promise<void> {
  if (orders.length === 0) return
  await trx
    .insertInto('order_state')
    .values(orders.map((o) => blankOrderState(integrationId, o.id, o.number)))
    .onConflict((oc) => oc.columns(['integration_id', 'order_id']).doNothing())
    .execute()
}

/**
 * Rule 6: clears what 1C acknowledged for these orders, or for every order whose acknowledged version changed since
 * `changedSince` (read from the state, which retention never prunes, not from the journal's items, which it does). The history of batches, and the fact that 1C had the order (`acked_at`), stay.
 * Returns how many acknowledgements were cleared.
 */
export async function clearAcknowledgements(
  trx: Trx,
  integrationId: string,
  scope: { orderIds: readonly string[] } | { changedSince: Date },
): Promise<number> {
  const result = await trx
    .updateTable('order_state')
    .set({ acked_fingerprint: null })
    .where('integration_id', '=', integrationId)
    .where('acked_fingerprint', 'is not', null)
    .where((eb) =>
      'orderIds' in scope
        ? eb('order_id', '=', eb.fn.any(eb.val([...scope.orderIds])))
        : eb('acked_changed_at', '>=', scope.changedSince),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Marks orders whose current document is the acknowledged one as settled again (last sent = acknowledged), so they
 * stop being candidates of every scan. They got unsettled by a send that was never acknowledged, or by an
 * acknowledgement that had to recreate their state.
 */
export async function settleOrderStates(trx: Trx, integrationId: string, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return
  await trx
    .updateTable('order_state')
    .set((eb) => ({ last_sent_fingerprint: eb.ref('acked_fingerprint'), unacked_serves: 0 }))
    .where('integration_id', '=', integrationId)
    .where('order_id', '=', (eb) => eb.fn.any(eb.val([...orderIds])))
    .where('acked_fingerprint', 'is not', null)
    .execute()
}

/** Forgets orders that were sent but never acknowledged and have since left the scope (never tracked). */
export async function forgetOrderStates(trx: Trx, integrationId: string, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return
  await trx
    .deleteFrom('order_state')
    .where('integration_id', '=', integrationId)
    .where('order_id', '=', (eb) => eb.fn.any(eb.val([...orderIds])))
    .where('acked_at', 'is', null)
    .execute()
}

export async function recordOrderError(
  trx: Trx,
  params: { integrationId: string; orderId: string; orderNumber: string; error: string; now: Date },
): Promise<void> {
  await trx
    .insertInto('order_state')
    .values({
      ...blankOrderState(params.integrationId, params.orderId, params.orderNumber),
      last_error: params.error,
      last_error_at: params.now,
    })
    .onConflict((oc) =>
      oc.columns(['integration_id', 'order_id']).doUpdateSet({
        order_number: params.orderNumber,
        last_error: params.error,
        last_error_at: params.now,
      }),
    )
    .execute()
}

/**
 * Rule 10: the order is excluded from now on, by `by` for `reason` (a state is created for an order that has none).
 * Nothing else of its state changes: what 1C acknowledged, what was last sent, its serves and isolation stay.
 */
export async function excludeOrderState(
  trx: Trx,
  params: { integrationId: string; orderId: string; orderNumber: string; reason: string; by: string; now: Date },
): Promise<void> {
  const exclusion = { excluded_at: params.now, excluded_reason: params.reason, excluded_by: params.by }
  await trx
    .insertInto('order_state')
    .values({ ...blankOrderState(params.integrationId, params.orderId, params.orderNumber), ...exclusion })
    .onConflict((oc) => oc.columns(['integration_id', 'order_id']).doUpdateSet(exclusion))
    .execute()
}

/**
 * Rule 10: the order is included again. A settled state (its last sent document is the acknowledged one) is made
 * unsettled by forgetting what was last sent, so the next scan looks at the order whatever the watermark says (it may
 * have changed while excluded, with a change time the watermark has passed since): pending if its fingerprint differs
 * from the acknowledged one, settled again if not. A state still unsettled is a candidate already.
 */
export async function includeOrderState(trx: Trx, integrationId: string, orderId: string): Promise<void> {
  await trx
    .updateTable('order_state')
    .set((eb) => ({
      excluded_at: null,
      excluded_reason: null,
      excluded_by: null,
      last_sent_fingerprint: eb
        .case()
        .when('acked_fingerprint', '=', eb.ref('last_sent_fingerprint'))
        .then(null)
        .else(eb.ref('last_sent_fingerprint'))
        .end(),
    }))
    .where('integration_id', '=', integrationId)
    .where('order_id', '=', orderId)
    .execute()
}

export async function markIsolated(trx: Trx, integrationId: string, orderId: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('order_state')
    .set({ isolated_at: now })
    .where('integration_id', '=', integrationId)
    .where('order_id', '=', orderId)
    .where('isolated_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * What a batch's items do to their orders' states, the one upsert of `order_state` from `batch_items`:
 * - `sent` (rule 1, the query that journals the batch): the item's fingerprint is the one last sent, one more serve
 *   without success, and the reason it could not be sent before is gone;
 * - `acknowledged` (rule 2): the item's fingerprint is the one 1C acknowledged, serves and isolation are reset, unless
 *   a later batch was acknowledged for the order already (two exchanges of one 1C base may confirm out of order).
 * A state that does not exist is created (a first send; or an acknowledgement of an order another exchange forgot).
 */
const FROM_BATCH_ITEMS = {
  sent: {
    fingerprint: 'last_sent_fingerprint',
    batch: 'last_sent_batch_id',
    at: 'last_sent_at',
    serves: 1,
    changedAt: sql`null::timestamptz`,
    set: sql`order_number = excluded.order_number,
             unacked_serves = s.unacked_serves + 1,
             last_error = null,
             last_error_at = null`,
    when: sql``,
  },
  acknowledged: {
    fingerprint: 'acked_fingerprint',
    batch: 'acked_batch_id',
    at: 'acked_at',
    serves: 0,
    changedAt: sql`bi.changed_at`,
    set: sql`acked_changed_at = excluded.acked_changed_at,
             unacked_serves = 0,
             isolated_at = null`,
    when: sql`where s.acked_batch_id is null or s.acked_batch_id < excluded.acked_batch_id`,
  },
} as const

export function upsertOrderStatesFromBatch(
  outcome: keyof typeof FROM_BATCH_ITEMS,
  params: { integrationId: string; batchId: number; now: Date },
): RawBuilder<unknown> {
  const c = FROM_BATCH_ITEMS[outcome]
  const [fingerprint, batch, at] = [sql.ref(c.fingerprint), sql.ref(c.batch), sql.ref(c.at)]
  return sql`
    insert into commerceml.order_state as s (integration_id, order_id, order_number, ${fingerprint}, ${batch}, ${at}, unacked_serves, acked_changed_at)
    select ${params.integrationId}, bi.order_id, bi.order_number, bi.fingerprint, bi.batch_id, ${params.now}, ${sql.lit(c.serves)}, ${c.changedAt}
      from commerceml.batch_items bi
     where bi.batch_id = ${params.batchId}
    on conflict (integration_id, order_id) do update
       set ${fingerprint} = excluded.${fingerprint},
           ${batch} = excluded.${batch},
           ${at} = excluded.${at},
           ${c.set}
     ${c.when}`
}
