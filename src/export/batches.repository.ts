/**
 * Export state in the service's own tables: the per-integration lock row, batches and their items, and what 1C has
 * acknowledged per order. Every function takes the transaction of the exchange step that calls it.
 */
import { sql, type Insertable, type Transaction } from 'kysely'
import type { OrderStateTable, ServiceDatabase } from '../db/database.js'

type Trx = Transaction<ServiceDatabase>

export interface ExportState {
  integrationId: string
  watermark: Date | null
  lastQueryAt: Date | null
  lastSuccessAt: Date | null
  queriesSinceSuccess: number
}

/**
 * Rule 5: takes the integration's row lock for the rest of the transaction, so query and success of one integration
 * never interleave, whichever replica serves them.
 */
export async function lockExportState(trx: Trx, integrationId: string): Promise<ExportState> {
  await trx
    .insertInto('export_state')
    .values({ integration_id: integrationId, watermark: null, last_query_at: null, last_success_at: null })
    .onConflict((oc) => oc.column('integration_id').doNothing())
    .execute()
  const row = await trx
    .selectFrom('export_state')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .forUpdate()
    .executeTakeFirstOrThrow()
  return {
    integrationId: row.integration_id,
    watermark: row.watermark,
    lastQueryAt: row.last_query_at,
    lastSuccessAt: row.last_success_at,
    queriesSinceSuccess: row.queries_since_success,
  }
}

export interface OrderState {
  orderId: string
  orderNumber: string
  ackedFingerprint: string | null
  ackedAt: Date | null
  lastSentFingerprint: string | null
  unackedServes: number
  isolatedAt: Date | null
  lastError: string | null
  excludedAt: Date | null
}

/** Orders whose state is not settled: sent but not acknowledged at the sent fingerprint, or cleared by a re-export. */
export async function findUnsettledOrderIds(trx: Trx, integrationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('order_state')
    .select('order_id')
    .where('integration_id', '=', integrationId)
    .where((eb) =>
      eb.or([
        eb('acked_fingerprint', 'is', null),
        eb('acked_fingerprint', 'is distinct from', eb.ref('last_sent_fingerprint')),
      ]),
    )
    .execute()
  return rows.map((r) => r.order_id)
}

export async function findOrderStates(trx: Trx, integrationId: string, orderIds: readonly string[]): Promise<Map<string, OrderState>> {
  if (orderIds.length === 0) return new Map()
  const rows = await trx
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
        ackedAt: row.acked_at,
        lastSentFingerprint: row.last_sent_fingerprint,
        unackedServes: row.unacked_serves,
        isolatedAt: row.isolated_at,
        lastError: row.last_error,
        excludedAt: row.excluded_at,
      },
    ]),
  )
}

/** A state row for an order nothing has been sent or acknowledged for yet. */
export function blankOrderState(integrationId: string, orderId: string, orderNumber: string): Insertable<OrderStateTable> {
  return {
    integration_id: integrationId,
    order_id: orderId,
    order_number: orderNumber,
    acked_fingerprint: null,
    acked_batch_id: null,
    acked_at: null,
    last_sent_fingerprint: null,
    last_sent_batch_id: null,
    last_sent_at: null,
    isolated_at: null,
    last_error: null,
    last_error_at: null,
    excluded_at: null,
    excluded_reason: null,
  }
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

export interface BatchSummary {
  id: number
  sessionId: string
  orderCount: number
  acknowledgedAt: Date | null
  watermarkCandidate: Date | null
}

function toBatchSummary(row: {
  id: number
  session_id: string
  order_count: number
  acknowledged_at: Date | null
  watermark_candidate: Date | null
}): BatchSummary {
  return {
    id: row.id,
    sessionId: row.session_id,
    orderCount: row.order_count,
    acknowledgedAt: row.acknowledged_at,
    watermarkCandidate: row.watermark_candidate,
  }
}

const batchSummaryColumns = ['id', 'session_id', 'order_count', 'acknowledged_at', 'watermark_candidate'] as const

export async function findLatestBatch(trx: Trx, integrationId: string): Promise<BatchSummary | null> {
  const row = await trx
    .selectFrom('batches')
    .select(batchSummaryColumns)
    .where('integration_id', '=', integrationId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? toBatchSummary(row) : null
}

/** Rule 2: the batch of the session's latest query (a later query in the same session supersedes an earlier one). */
export async function findLatestSessionBatch(trx: Trx, sessionId: string): Promise<BatchSummary | null> {
  const row = await trx
    .selectFrom('batches')
    .select(batchSummaryColumns)
    .where('session_id', '=', sessionId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? toBatchSummary(row) : null
}

export async function findBatchOrderIds(trx: Trx, batchId: number): Promise<string[]> {
  const rows = await trx.selectFrom('batch_items').select('order_id').where('batch_id', '=', batchId).execute()
  return rows.map((r) => r.order_id)
}

export interface SentOrder {
  orderId: string
  orderNumber: string
  fingerprint: string
  changedAt: Date
}

/** Rule 1 and 8: the exact list of (order, fingerprint) pairs of one query answer, with the bytes sent. */
export async function recordBatch(
  trx: Trx,
  params: {
    integrationId: string
    sessionId: string
    queryStartedAt: Date
    watermarkCandidate: Date | null
    document: Buffer
    contentType: string
    orders: readonly SentOrder[]
  },
): Promise<number> {
  const { integrationId, orders, queryStartedAt: now } = params
  const { id } = await trx
    .insertInto('batches')
    .values({
      integration_id: integrationId,
      session_id: params.sessionId,
      query_started_at: now,
      watermark_candidate: params.watermarkCandidate,
      order_count: orders.length,
      byte_count: params.document.length,
      content_type: params.contentType,
      document: params.document,
      acknowledged_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()

  for (let start = 0; start < orders.length; start += 500) {
    const chunk = orders.slice(start, start + 500)
    await trx
      .insertInto('batch_items')
      .values(
        chunk.map((o) => ({
          batch_id: id,
          order_id: o.orderId,
          order_number: o.orderNumber,
          fingerprint: o.fingerprint,
          changed_at: o.changedAt,
        })),
      )
      .execute()
    await trx
      .insertInto('order_state')
      .values(
        chunk.map((o) => ({
          ...blankOrderState(integrationId, o.orderId, o.orderNumber),
          last_sent_fingerprint: o.fingerprint,
          last_sent_batch_id: id,
          last_sent_at: now,
          unacked_serves: 1,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['integration_id', 'order_id']).doUpdateSet((eb) => ({
          order_number: eb.ref('excluded.order_number'),
          last_sent_fingerprint: eb.ref('excluded.last_sent_fingerprint'),
          last_sent_batch_id: eb.ref('excluded.last_sent_batch_id'),
          last_sent_at: eb.ref('excluded.last_sent_at'),
          unacked_serves: sql<number>`order_state.unacked_serves + 1`,
          last_error: null,
          last_error_at: null,
        })),
      )
      .execute()
  }

  await trx
    .updateTable('export_state')
    .set((eb) => ({ last_query_at: now, queries_since_success: eb('queries_since_success', '+', 1) }))
    .where('integration_id', '=', integrationId)
    .execute()
  return id
}

/**
 * Rule 2: the acknowledged fingerprint of every order of the batch becomes the one that was sent, unless a later
 * batch was acknowledged for it already (two exchanges of one 1C base may confirm out of order). The watermark moves
 * forward only (rule 4).
 */
export async function acknowledgeBatchItems(
  trx: Trx,
  params: { integrationId: string; batch: BatchSummary; now: Date },
): Promise<void> {
  const { integrationId, batch, now } = params
  await trx.updateTable('batches').set({ acknowledged_at: now }).where('id', '=', batch.id).execute()
  await sql`
    update commerceml.order_state s
       set acked_fingerprint = bi.fingerprint,
           acked_batch_id = bi.batch_id,
           acked_at = ${now},
           unacked_serves = 0,
           isolated_at = null
      from commerceml.batch_items bi
     where bi.batch_id = ${batch.id}
       and s.integration_id = ${integrationId}
       and s.order_id = bi.order_id
       and (s.acked_batch_id is null or s.acked_batch_id < bi.batch_id)`.execute(trx)
  await trx
    .updateTable('export_state')
    .set((eb) => ({
      last_success_at: now,
      queries_since_success: 0,
      ...(batch.watermarkCandidate
        ? {
            watermark: sql<Date>`greatest(coalesce(${eb.ref('watermark')}, ${batch.watermarkCandidate}), ${batch.watermarkCandidate})`,
          }
        : {}),
    }))
    .where('integration_id', '=', integrationId)
    .execute()
}
