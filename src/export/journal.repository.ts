/**
 * The exchange journal as administrators read it (EXPORT-SEMANTICS.md rule 8): the batches of an integration (one per
 * `query` answer), their orders and fingerprints, and the bytes sent. Read-only: the export module writes it.
 */
import type { Kysely } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase>

export interface JournalBatch {
  id: number
  createdAt: Date
  queryStartedAt: Date
  sessionId: string
  orderCount: number
  byteCount: number
  contentType: string
  acknowledgedAt: Date | null
  /** Once acknowledged: null for 1C's `success`, the administrator's `sub` for an acknowledgement by hand (rule 9). */
  acknowledgedBy: string | null
  /** Not acknowledged, and a later batch of the same integration exists: 1C will never confirm this one. */
  superseded: boolean
  /** When retention cleared its stored document (rule 11); its orders, fingerprints and sizes stay. */
  documentPrunedAt: Date | null
}

export interface JournalBatchOrder {
  orderId: string
  number: string
  fingerprint: string
  changedAt: Date
  /**
   * 1C confirmed loading this order's document exactly as this batch carried it: this batch was acknowledged, or a
   * later acknowledged batch of the integration carried the same order with the same fingerprint (a re-send of an
   * unchanged document). The first such batch is `acknowledgedBatchId`.
   */
  acknowledgedBatchId: number | null
  acknowledgedAt: Date | null
}

function batchQuery(db: Db, integrationId: string) {
  return db
    .selectFrom('batches as b')
    .select([
      'b.id',
      'b.created_at',
      'b.query_started_at',
      'b.session_id',
      'b.order_count',
      'b.byte_count',
      'b.content_type',
      'b.acknowledged_at',
      'b.acknowledged_by',
      'b.document_pruned_at',
    ])
    .select((eb) =>
      eb
        .and([
          eb('b.acknowledged_at', 'is', null),
          eb.exists(
            eb
              .selectFrom('batches as later')
              .select('later.id')
              .whereRef('later.integration_id', '=', 'b.integration_id')
              .whereRef('later.id', '>', 'b.id'),
          ),
        ])
        .as('superseded'),
    )
    .where('b.integration_id', '=', integrationId)
}

type BatchQueryRow = NonNullable<Awaited<ReturnType<ReturnType<typeof batchQuery>['executeTakeFirst']>>>

function toJournalBatch(row: BatchQueryRow): JournalBatch {
  return {
    id: row.id,
    createdAt: row.created_at,
    queryStartedAt: row.query_started_at,
    sessionId: row.session_id,
    orderCount: row.order_count,
    byteCount: row.byte_count,
    contentType: row.content_type,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    superseded: Boolean(row.superseded),
    documentPrunedAt: row.document_pruned_at,
  }
}

/** Newest first; `before` is the id of the last batch of the previous page (keyset pagination). */
export async function listBatches(
  db: Db,
  integrationId: string,
  page: { limit: number; before: number | null },
): Promise<{ batches: JournalBatch[]; more: boolean }> {
  const rows = await batchQuery(db, integrationId)
    .$if(page.before !== null, (qb) => qb.where('b.id', '<', page.before!))
    .orderBy('b.id', 'desc')
    .limit(page.limit + 1)
    .execute()
  return { batches: rows.slice(0, page.limit).map(toJournalBatch), more: rows.length > page.limit }
}

export async function findBatch(db: Db, integrationId: string, batchId: number): Promise<JournalBatch | null> {
  const row = await batchQuery(db, integrationId).where('b.id', '=', batchId).executeTakeFirst()
  return row ? toJournalBatch(row) : null
}

/** The orders of a batch in the order of their changes (the order the document lists them). */
export async function findBatchOrders(db: Db, integrationId: string, batchId: number): Promise<JournalBatchOrder[]> {
  const rows = await db
    .selectFrom('batch_items as bi')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('batch_items as same')
          .innerJoin('batches as ab', 'ab.id', 'same.batch_id')
          .select(['ab.id as ack_batch_id', 'ab.acknowledged_at as ack_at'])
          .whereRef('same.order_id', '=', 'bi.order_id')
          .whereRef('same.fingerprint', '=', 'bi.fingerprint')
          .whereRef('same.batch_id', '>=', 'bi.batch_id')
          .where('ab.integration_id', '=', integrationId)
          .where('ab.acknowledged_at', 'is not', null)
          .orderBy('ab.id')
          .limit(1)
          .as('ack'),
      (join) => join.onTrue(),
    )
    .select(['bi.order_id', 'bi.order_number', 'bi.fingerprint', 'bi.changed_at', 'ack.ack_batch_id', 'ack.ack_at'])
    .where('bi.batch_id', '=', batchId)
    .orderBy('bi.changed_at')
    .orderBy('bi.order_id')
    .execute()
  return rows.map((row) => ({
    orderId: row.order_id,
    number: row.order_number,
    fingerprint: row.fingerprint,
    changedAt: row.changed_at,
    acknowledgedBatchId: row.ack_batch_id ?? null,
    acknowledgedAt: row.ack_at ?? null,
  }))
}

/**
 * The `query` answer exactly as it was sent: its Content-Type and length; the bytes are streamed by
 * `batchDocumentChunks`. Null too once retention has pruned it (rule 11): its bytes are gone.
 */
export async function findBatchDocument(
  db: Db,
  integrationId: string,
  batchId: number,
): Promise<{ byteCount: number; contentType: string } | null> {
  const row = await db
    .selectFrom('batches')
    .select(['byte_count', 'content_type'])
    .where('integration_id', '=', integrationId)
    .where('id', '=', batchId)
    .where('document_pruned_at', 'is', null)
    .executeTakeFirst()
  return row ? { byteCount: row.byte_count, contentType: row.content_type } : null
}
