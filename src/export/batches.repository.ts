/**
 * The journal of batches (EXPORT-SEMANTICS.md rules 1, 2, 8): one row per `query` answer, its items (order,
 * fingerprint, the encoded `Документ` fragment as sent), the document's head and tail, and when 1C acknowledged it.
 * Every function takes the transaction of the exchange step that calls it.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import { copyOutBytea, copyRows, type CopyColumn } from '../db/copy-rows.js'
import type { Connections } from '../db/connection.js'
import type { ServiceDatabase } from '../db/database.js'
import { upsertOrderStatesFromBatch } from './order-state.repository.js'

type Trx = Transaction<ServiceDatabase>

export interface BatchSummary {
  id: number
  sessionId: string
  orderCount: number
  acknowledgedAt: Date | null
  watermarkCandidate: Date | null
}

export function toBatchSummary(row: {
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

/** Rule 9: the integration's latest batch, the only one an administrator may acknowledge (while 1C has not). */
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

const BATCH_ITEM_COLUMNS: readonly CopyColumn[] = [
  { name: 'batch_id', type: 'int8' },
  { name: 'order_id', type: 'uuid' },
  { name: 'order_number', type: 'text' },
  { name: 'fingerprint', type: 'text' },
  { name: 'changed_at', type: 'timestamptz' },
  { name: 'position', type: 'int4' },
  { name: 'fragment', type: 'bytea' },
]

/**
 * Writes items with their fragments in one statement: COPY in binary on PostgreSQL (`copy: true`; a fragment goes as
 * its bytes, where a parameter would send it as hex), else one INSERT from arrays (the embedded PGlite).
 */
export async function addBatchItems(trx: Trx, batchId: number, items: readonly BatchItem[], options: { copy: boolean }): Promise<void> {
  if (items.length === 0) return
  if (options.copy) {
    const rows = items.map((o) => [batchId, o.orderId, o.orderNumber, o.fingerprint, o.changedAt, o.position, o.fragment])
    await copyRows(trx, 'commerceml.batch_items', BATCH_ITEM_COLUMNS, rows)
    return
  }
  const column = <T>(pick: (o: BatchItem) => T): T[] => items.map(pick)
  await sql`
    insert into commerceml.batch_items (batch_id, order_id, order_number, fingerprint, changed_at, position, fragment)
    select ${batchId}::bigint, * from unnest(${column((o) => o.orderId)}::uuid[], ${column((o) => o.orderNumber)}::text[],
                                             ${column((o) => o.fingerprint)}::text[], ${column((o) => o.changedAt)}::timestamptz[],
                                             ${column((o) => o.position)}::int[], ${column((o) => o.fragment)}::bytea[])`.execute(trx)
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
    await upsertOrderStatesFromBatch('sent', { integrationId, batchId, now }).execute(trx)
  }
  return batchId
}

/** Items read per round trip while a document is streamed (a few hundred kilobytes to a few megabytes). */
const DOCUMENT_PAGE = 100

/**
 * The bytes of a journaled `query` answer, in order: head, the items' fragments by position, tail; `byte_count` is
 * their total length. Yields nothing when the batch does not exist. `known` spares the reads the caller can answer:
 * the head and tail it has just written, and whether there are items at all.
 *
 * The fragments are read a page at a time, each page whole before its bytes are yielded, so memory does not grow
 * with the document and no connection waits on a slow reader (1C reads the answer at its own pace). On PostgreSQL
 * a page is one COPY, its fragments arriving as their bytes (`copyOutBytea`); on PGlite, one select.
 */
export async function* batchDocumentChunks(
  databases: Pick<Connections<unknown>, 'db' | 'kind'>,
  batchId: number,
  known?: { head: Buffer; tail: Buffer; orderCount: number },
): AsyncGenerator<Buffer> {
  const { db } = databases
  const batch =
    known ??
    (await db
      .selectFrom('batches')
      .select(['document_head as head', 'document_tail as tail', 'order_count as orderCount'])
      .where('id', '=', batchId)
      .executeTakeFirst())
  if (!batch) return
  if (batch.head.length > 0) yield batch.head
  // Batches journaled before migration 0004 have items without fragments (and order_count > 0): nothing to yield.
  if (batch.orderCount > 0) yield* databases.kind === 'postgres' ? copiedFragments(db, batchId) : pagedFragments(db, batchId)
  if (batch.tail.length > 0) yield batch.tail
}

/**
 * The fragments in pages of DOCUMENT_PAGE positions, one COPY each. Positions have gaps where the plan left orders
 * out, so the pages go by position from the first to the last, and a page may hold fewer items.
 */
async function* copiedFragments(db: Kysely<ServiceDatabase>, batchId: number): AsyncGenerator<Buffer> {
  if (!Number.isSafeInteger(batchId)) throw new Error(`not a batch id: ${batchId}`)
  const range = await db
    .selectFrom('batch_items')
    .select((eb) => [eb.fn.min('position').as('first'), eb.fn.max('position').as('last')])
    .where('batch_id', '=', batchId)
    .executeTakeFirst()
  if (range?.first == null || range.last == null) return
  for (let from = range.first; from <= range.last; from += DOCUMENT_PAGE) {
    const page: Buffer[] = []
    const select = `select fragment from commerceml.batch_items
                     where batch_id = ${batchId} and position >= ${from} and position < ${from + DOCUMENT_PAGE}
                     order by position`
    for await (const piece of copyOutBytea(db, select)) page.push(piece)
    yield* page
  }
}

async function* pagedFragments(db: Kysely<ServiceDatabase>, batchId: number): AsyncGenerator<Buffer> {
  let after = -1
  for (;;) {
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
}

// One statement: the batch, its orders' states and the export state (greatest() ignores a null watermark, or a
// null candidate, so the watermark only ever moves forward).
const acknowledgement = compiledOnce(
  (db: Kysely<ServiceDatabase>, integrationId: string, batchId: number, now: Date, watermarkCandidate: Date | null, by: string | null) =>
    sql`
    with acknowledged as (
           update commerceml.batches set acknowledged_at = ${now}, acknowledged_by = ${by} where id = ${batchId} returning id
         ),
         counted as (
           update commerceml.export_state
              set last_success_at = ${now},
                  queries_since_success = 0,
                  watermark = greatest(watermark, ${watermarkCandidate}::timestamptz)
            where integration_id = ${integrationId}
           returning integration_id
         )
    ${upsertOrderStatesFromBatch('acknowledged', { integrationId, batchId, now })}`,
)

/**
 * Rule 2: the acknowledged fingerprint of every order of the batch becomes the one that was sent, unless a later
 * batch was acknowledged for it already (two exchanges of one 1C base may confirm out of order). The watermark moves
 * forward only (rule 4). `acknowledgedBy` is null for 1C's `success`, the administrator's `sub` for rule 9: the same
 * statement either way, so an acknowledgement by hand does exactly what `success` would.
 *
 * An order's state may be gone by now: another exchange that ran between this batch's query and its success found the
 * order out of scope and forgot it (`forgetOrderStates`). 1C holds it all the same, so the state is created again,
 * with no last-sent fingerprint: that makes it unsettled, and the next scan looks at it whatever the watermark says
 * (the change that took it out of scope must reach 1C too).
 */
export async function acknowledgeBatchItems(
  trx: Trx,
  params: { integrationId: string; batch: BatchSummary; now: Date; acknowledgedBy: string | null },
): Promise<void> {
  const { integrationId, batch, now } = params
  await acknowledgement(trx, integrationId, batch.id, now, batch.watermarkCandidate, params.acknowledgedBy)
}

/**
 * Rule 6: batches not yet acknowledged lose their watermark move, so a late success cannot narrow the scan past a
 * re-export requested meanwhile.
 */
export async function dropWatermarkCandidates(trx: Trx, integrationId: string): Promise<void> {
  await trx
    .updateTable('batches')
    .set({ watermark_candidate: null })
    .where('integration_id', '=', integrationId)
    .where('acknowledged_at', 'is', null)
    .execute()
}
