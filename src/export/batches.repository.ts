/**
 * Export state in the service's own tables: the per-integration lock row, batches and their items, and what 1C has
 * acknowledged per order. Every function takes the transaction of the exchange step that calls it.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { OrderStateTable, ServiceDatabase } from '../db/database.js'

type Trx = Transaction<ServiceDatabase>

export interface ExportState {
  integrationId: string
  watermark: Date | null
  lastQueryAt: Date | null
  lastSuccessAt: Date | null
  queriesSinceSuccess: number
}

const lockedExportState = compiledOnce((db: Kysely<ServiceDatabase>, integrationId: string) =>
  db.selectFrom('export_state').selectAll().where('integration_id', '=', integrationId).forUpdate(),
)

/**
 * Rule 5: takes the integration's row lock for the rest of the transaction, so query and success of one integration
 * never interleave, whichever replica serves them.
 */
export async function lockExportState(trx: Trx, integrationId: string): Promise<ExportState> {
  const lockRow = async () => (await lockedExportState(trx, integrationId)).rows[0]
  // One statement on every exchange but an integration's first; two replicas creating the row at once both end here.
  let row = await lockRow()
  if (!row) {
    await trx
      .insertInto('export_state')
      .values({ integration_id: integrationId, watermark: null, last_query_at: null, last_success_at: null })
      .onConflict((oc) => oc.column('integration_id').doNothing())
      .execute()
    row = await lockRow()
    if (!row) throw new Error(`export state of integration ${integrationId} could not be created`)
  }
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
  return (await findQueryBacklog(trx, integrationId)).unsettled
}

const queryBacklog = compiledOnce((db: Kysely<ServiceDatabase>, integrationId: string) =>
  sql<{
    id: number | null
    session_id: string | null
    order_count: number | null
    acknowledged_at: Date | null
    watermark_candidate: Date | null
    unsettled: string[]
  }>`
    select b.id, b.session_id, b.order_count, b.acknowledged_at, b.watermark_candidate,
           array(select s.order_id::text
                   from commerceml.order_state s
                  where s.integration_id = ${integrationId}
                    and (s.acked_fingerprint is null or s.acked_fingerprint is distinct from s.last_sent_fingerprint)
           ) as unsettled
      from (select 1) as one
      left join lateral (
             select id, session_id, order_count, acknowledged_at, watermark_candidate
               from commerceml.batches
              where integration_id = ${integrationId}
              order by id desc
              limit 1
           ) as b on true`,
)

/**
 * What a `query` reads of its integration once it holds the lock, in one round trip: the latest batch (rule 7 looks
 * for a poison served alone) and the unsettled orders (candidates whatever the watermark says).
 *
 * Not part of the locking statement: a statement that waits for the lock keeps the snapshot it started with, so
 * whatever it reads besides the locked row would predate the transaction it waited for.
 */
export async function findQueryBacklog(
  trx: Trx,
  integrationId: string,
): Promise<{ latestBatch: BatchSummary | null; unsettled: string[] }> {
  const { rows } = await queryBacklog(trx, integrationId)
  const row = rows[0]!
  return {
    latestBatch: row.id === null ? null : toBatchSummary({ ...row, id: row.id, session_id: row.session_id!, order_count: row.order_count! }),
    unsettled: row.unsettled,
  }
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

const latestSessionBatch = compiledOnce((db: Kysely<ServiceDatabase>, sessionId: string) =>
  db.selectFrom('batches').select(batchSummaryColumns).where('session_id', '=', sessionId).orderBy('id', 'desc').limit(1),
)

/** Rule 2: the batch of the session's latest query (a later query in the same session supersedes an earlier one). */
export async function findLatestSessionBatch(trx: Trx, sessionId: string): Promise<BatchSummary | null> {
  const row = (await latestSessionBatch(trx, sessionId)).rows[0]
  return row ? toBatchSummary(row) : null
}

export async function findBatchOrderIds(trx: Trx, batchId: number): Promise<string[]> {
  const rows = await trx.selectFrom('batch_items').select('order_id').where('batch_id', '=', batchId).execute()
  return rows.map((r) => r.order_id)
}

/** Who a batch is for; known when the query starts. */
export interface BatchOpening {
  integrationId: string
  sessionId: string
  queryStartedAt: Date
  contentType: string
}

/** What is known of a batch once its plan is made. */
export interface BatchClosing {
  watermarkCandidate: Date | null
  orderCount: number
  byteCount: number
  /** The bytes before the orders' fragments (BOM, declaration, root start tag) and after them. */
  head: Buffer
  tail: Buffer
}

function batchRow(opening: BatchOpening, closing: BatchClosing) {
  return {
    integration_id: opening.integrationId,
    session_id: opening.sessionId,
    query_started_at: opening.queryStartedAt,
    content_type: opening.contentType,
    watermark_candidate: closing.watermarkCandidate,
    order_count: closing.orderCount,
    byte_count: closing.byteCount,
    document_head: closing.head,
    document_tail: closing.tail,
    acknowledged_at: null,
  }
}

const NOT_CLOSED: BatchClosing = { watermarkCandidate: null, orderCount: 0, byteCount: 0, head: Buffer.alloc(0), tail: Buffer.alloc(0) }

/**
 * Rule 1 and 8: a batch is journaled in steps of the `query` transaction. `openBatch` records it as soon as the scan
 * finds a pending order, `addBatchItems` writes each pending order with its encoded fragment while the scan runs (so
 * no document is ever held in memory), and `closeBatch` drops what the plan left out, stores the head and tail of the
 * document and marks the items as sent. A query that finds nothing is recorded by `closeBatch` alone. What 1C then
 * receives is exactly what `batchDocumentChunks` reads back.
 */
export async function openBatch(trx: Trx, opening: BatchOpening): Promise<number> {
  const { id } = await trx.insertInto('batches').values(batchRow(opening, NOT_CLOSED)).returning('id').executeTakeFirstOrThrow()
  return id
}

export interface BatchItem {
  orderId: string
  orderNumber: string
  fingerprint: string
  changedAt: Date
  /** The place in the document; increasing in the order the items are written. */
  position: number
  /** The order's `Документ` element, encoded as it is sent. */
  fragment: Buffer
}

export async function addBatchItems(trx: Trx, batchId: number, items: readonly BatchItem[]): Promise<void> {
  if (items.length === 0) return
  await trx
    .insertInto('batch_items')
    .values(
      items.map((o) => ({
        batch_id: batchId,
        order_id: o.orderId,
        order_number: o.orderNumber,
        fingerprint: o.fingerprint,
        changed_at: o.changedAt,
        position: o.position,
        fragment: o.fragment,
      })),
    )
    .execute()
}

/**
 * Finishes the batch: removes the items the plan left for later, stores the document's head and tail and its size,
 * marks every remaining item as sent in `order_state`, and counts the query in the export state. The batch row and
 * the count are one statement; an empty answer (the common poll) makes no other.
 */
export async function closeBatch(
  trx: Trx,
  params: { batchId: number | null; opening: BatchOpening; closing: BatchClosing; leftOut: readonly string[] },
): Promise<number> {
  const { opening, closing } = params
  const { integrationId, queryStartedAt: now } = opening
  if (params.batchId !== null && params.leftOut.length > 0) {
    await trx
      .deleteFrom('batch_items')
      .where('batch_id', '=', params.batchId)
      .where('order_id', '=', (eb) => eb.fn.any(eb.val([...params.leftOut])))
      .execute()
  }
  const withCount = trx.with('counted', (db) =>
    db
      .updateTable('export_state')
      .set((eb) => ({ last_query_at: now, queries_since_success: eb('queries_since_success', '+', 1) }))
      .where('integration_id', '=', integrationId)
      .returning('integration_id'),
  )
  const row = batchRow(opening, closing)
  const { integration_id, session_id, ...closed } = row
  const { id: batchId } =
    params.batchId === null
      ? await withCount.insertInto('batches').values(row).returning('id').executeTakeFirstOrThrow()
      : await withCount.updateTable('batches').set(closed).where('id', '=', params.batchId).returning('id').executeTakeFirstOrThrow()
  if (closing.orderCount > 0) {
    await sql`
      insert into commerceml.order_state as s
             (integration_id, order_id, order_number, last_sent_fingerprint, last_sent_batch_id, last_sent_at, unacked_serves)
      select ${integrationId}, bi.order_id, bi.order_number, bi.fingerprint, bi.batch_id, ${now}, 1
        from commerceml.batch_items bi
       where bi.batch_id = ${batchId}
      on conflict (integration_id, order_id) do update
         set order_number = excluded.order_number,
             last_sent_fingerprint = excluded.last_sent_fingerprint,
             last_sent_batch_id = excluded.last_sent_batch_id,
             last_sent_at = excluded.last_sent_at,
             unacked_serves = s.unacked_serves + 1,
             last_error = null,
             last_error_at = null`.execute(trx)
  }
  return batchId
}

/** Items read per round trip while a document is streamed (a few hundred kilobytes to a few megabytes). */
const DOCUMENT_PAGE = 100

/**
 * The bytes of a journaled `query` answer, in order: head, the items' fragments by position, tail. Reads a page of
 * fragments at a time, so memory does not grow with the document; `byte_count` is their total length. Yields
 * nothing when the batch does not exist. `known` spares the reads the caller can answer: the head and tail it has
 * just written, and whether there are items at all.
 */
export async function* batchDocumentChunks(
  db: Kysely<ServiceDatabase>,
  batchId: number,
  known?: { head: Buffer; tail: Buffer; orderCount: number },
): AsyncGenerator<Buffer> {
  const batch =
    known ??
    (await db
      .selectFrom('batches')
      .select(['document_head as head', 'document_tail as tail', 'order_count as orderCount'])
      .where('id', '=', batchId)
      .executeTakeFirst())
  if (!batch) return
  if (batch.head.length > 0) yield batch.head
  let after = -1
  // Batches journaled before migration 0004 have items without fragments (and order_count > 0): nothing to yield.
  while (batch.orderCount > 0) {
    const page = await db
      .selectFrom('batch_items')
      .select(['position', 'fragment'])
      .where('batch_id', '=', batchId)
      .where('position', '>', after)
      .orderBy('position')
      .limit(DOCUMENT_PAGE)
      .execute()
    const fragments = page.flatMap((row) => (row.fragment ? [row.fragment] : []))
    if (fragments.length > 0) yield Buffer.concat(fragments)
    if (page.length < DOCUMENT_PAGE) break
    after = page[page.length - 1]!.position
  }
  if (batch.tail.length > 0) yield batch.tail
}

/** The whole document in memory: for tests and small documents only. */
export async function readBatchDocument(db: Kysely<ServiceDatabase>, batchId: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of batchDocumentChunks(db, batchId)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

// One statement: the batch, its orders' states and the export state (greatest() ignores a null watermark, or a
// null candidate, so the watermark only ever moves forward).
const acknowledgement = compiledOnce(
  (db: Kysely<ServiceDatabase>, integrationId: string, batchId: number, now: Date, watermarkCandidate: Date | null) =>
    sql`
    with acknowledged as (
           update commerceml.batches set acknowledged_at = ${now} where id = ${batchId} returning id
         ),
         counted as (
           update commerceml.export_state
              set last_success_at = ${now},
                  queries_since_success = 0,
                  watermark = greatest(watermark, ${watermarkCandidate}::timestamptz)
            where integration_id = ${integrationId}
           returning integration_id
         )
    insert into commerceml.order_state as s
           (integration_id, order_id, order_number, acked_fingerprint, acked_batch_id, acked_at, unacked_serves)
    select ${integrationId}, bi.order_id, bi.order_number, bi.fingerprint, bi.batch_id, ${now}, 0
      from commerceml.batch_items bi
     where bi.batch_id = ${batchId}
    on conflict (integration_id, order_id) do update
       set acked_fingerprint = excluded.acked_fingerprint,
           acked_batch_id = excluded.acked_batch_id,
           acked_at = excluded.acked_at,
           unacked_serves = 0,
           isolated_at = null
     where s.acked_batch_id is null or s.acked_batch_id < excluded.acked_batch_id`,
)

/**
 * Rule 2: the acknowledged fingerprint of every order of the batch becomes the one that was sent, unless a later
 * batch was acknowledged for it already (two exchanges of one 1C base may confirm out of order). The watermark moves
 * forward only (rule 4).
 *
 * An order's state may be gone by now: another exchange that ran between this batch's query and its success found the
 * order out of scope and forgot it (`forgetOrderStates`). 1C holds it all the same, so the state is created again,
 * with no last-sent fingerprint: that makes it unsettled, and the next scan looks at it whatever the watermark says
 * (the change that took it out of scope must reach 1C too).
 */
export async function acknowledgeBatchItems(
  trx: Trx,
  params: { integrationId: string; batch: BatchSummary; now: Date },
): Promise<void> {
  const { integrationId, batch, now } = params
  await acknowledgement(trx, integrationId, batch.id, now, batch.watermarkCandidate)
}
