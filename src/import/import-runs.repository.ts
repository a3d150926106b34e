/**
 * The imports of uploads (migration 0005): who works on which file (a lease in PostgreSQL, so any replica may get any
 * poll and a crashed one is taken over), the documents read from it, and 1C's facts applied to orders.
 */
import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely'
import type { OrderFactColumns, ServiceDatabase, UploadDocumentStatus, UploadImportsTable } from '../db/database.js'
import type { OrderFacts } from './order-facts.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

export interface ImportCounts {
  documents: number
  matched: number
  unmatched: number
  errors: number
}

export interface ImportProgress {
  bytesRead: number
  byteCount: number
  documents: number
}

export type ClaimResult =
  | { kind: 'unknown' }
  | { kind: 'claimed'; integrationId: string; attempt: number; byteCount: number; /** Documents already staged. */ resumeAfter: number }
  | { kind: 'running'; progress: ImportProgress }
  | { kind: 'done'; counts: ImportCounts }
  | { kind: 'failed'; error: string }

/**
 * Takes the import of a stored upload for `owner`, unless it is finished or another process holds a live lease. One
 * transaction under a lock on the upload row, so two processes polling the same file never both take it.
 */
export async function claimImport(
  db: Kysely<ServiceDatabase>,
  params: { uploadId: string; owner: string; leaseSeconds: number },
): Promise<ClaimResult> {
  const { uploadId, owner, leaseSeconds } = params
  return db.transaction().execute(async (trx): Promise<ClaimResult> => {
    const upload = await trx
      .selectFrom('uploads')
      .select(['integration_id', 'status', 'byte_count'])
      .where('id', '=', uploadId)
      .forUpdate()
      .executeTakeFirst()
    if (!upload || upload.status === 'receiving') return { kind: 'unknown' }
    const current = await trx
      .selectFrom('upload_imports')
      .selectAll()
      .select(sql<boolean>`lease_until > now()`.as('leased'))
      .where('upload_id', '=', uploadId)
      .executeTakeFirst()
    if (current?.status === 'done') return { kind: 'done', counts: countsOf(current) }
    if (current?.status === 'failed') return { kind: 'failed', error: current.error ?? 'not imported' }
    if (current?.leased) {
      return { kind: 'running', progress: { bytesRead: current.bytes_read, byteCount: upload.byte_count, documents: current.documents } }
    }
    const lease = { lease_owner: owner, lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` }
    let attempt = 1
    if (current) {
      const taken = await trx
        .updateTable('upload_imports')
        .set({ ...lease, attempts: sql<number>`attempts + 1`, updated_at: sql<Date>`now()` })
        .where('upload_id', '=', uploadId)
        .returning('attempts')
        .executeTakeFirstOrThrow()
      attempt = taken.attempts
    } else {
      await trx.insertInto('upload_imports').values({ upload_id: uploadId, status: 'running', ...lease }).execute()
    }
    const staged = await trx
      .selectFrom('upload_documents')
      .select(sql<number>`coalesce(max(doc_index), 0)`.as('last'))
      .where('upload_id', '=', uploadId)
      .executeTakeFirstOrThrow()
    return { kind: 'claimed', integrationId: upload.integration_id, attempt, byteCount: upload.byte_count, resumeAfter: staged.last }
  })
}

function countsOf(row: { documents: number; matched: number; unmatched: number; errors: number }): ImportCounts {
  return { documents: row.documents, matched: row.matched, unmatched: row.unmatched, errors: row.errors }
}

/** The `seq`th chunk of an upload (1-based), or null past the last. One chunk at a time: never the whole file. */
export async function readChunk(db: Db, uploadId: string, seq: number): Promise<Buffer | null> {
  const row = await db
    .selectFrom('upload_chunks')
    .select('data')
    .where('upload_id', '=', uploadId)
    .where('seq', '=', seq)
    .executeTakeFirst()
  return row?.data ?? null
}

/**
 * Extends the lease and records progress; false when `owner` no longer holds it (taken over after it expired), so
 * the caller stops.
 */
export async function renewLease(
  db: Db,
  params: { uploadId: string; owner: string; leaseSeconds: number; bytesRead: number; documents: number },
): Promise<boolean> {
  const row = await db
    .updateTable('upload_imports')
    .set({
      lease_until: sql<Date>`now() + make_interval(secs => ${params.leaseSeconds})`,
      bytes_read: params.bytesRead,
      documents: params.documents,
      updated_at: sql<Date>`now()`,
    })
    .where('upload_id', '=', params.uploadId)
    .where('lease_owner', '=', params.owner)
    .where('status', '=', 'running')
    .returning('upload_id')
    .executeTakeFirst()
  return row !== undefined
}

/** Gives the lease up (shutdown, a storage error) so the next poll, here or on another replica, takes over at once. */
export async function releaseLease(db: Db, uploadId: string, owner: string): Promise<void> {
  await db
    .updateTable('upload_imports')
    .set({ lease_until: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('upload_id', '=', uploadId)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .execute()
}

export interface StagedDocument {
  uploadId: string
  integrationId: string
  index: number
  status: UploadDocumentStatus
  orderId: string | null
  matchedBy: 'id' | 'number' | null
  reason: string | null
  facts: OrderFacts
  contentHash: string
}

function factColumns(facts: OrderFacts, contentHash: string): Insertable<OrderFactColumns> {
  return {
    onec_id: facts.onecId,
    onec_number: facts.onecNumber,
    number_1c: facts.number1c,
    date_1c: facts.date1c,
    posted: facts.posted,
    deletion_mark: facts.deletionMark,
    cancelled: facts.cancelled,
    payment_number_1c: facts.paymentNumber1c,
    payment_date_1c: facts.paymentDate1c,
    shipment_number_1c: facts.shipmentNumber1c,
    shipment_date_1c: facts.shipmentDate1c,
    requisites: JSON.stringify(facts.requisites),
    content_hash: contentHash,
  }
}

/** Writes a batch of documents; rows a previous run already wrote are left as they are (the file is the same). */
export async function stageDocuments(db: Db, documents: readonly StagedDocument[]): Promise<void> {
  if (documents.length === 0) return
  await db
    .insertInto('upload_documents')
    .values(
      documents.map((d) => ({
        upload_id: d.uploadId,
        doc_index: d.index,
        integration_id: d.integrationId,
        status: d.status,
        order_id: d.orderId,
        matched_by: d.matchedBy,
        reason: d.reason,
        ...factColumns(d.facts, d.contentHash),
      })),
    )
    .onConflict((oc) => oc.columns(['upload_id', 'doc_index']).doNothing())
    .execute()
}

/** Locks the import row if `owner` still holds it; null when another process took it over. */
async function lockOwnImport(trx: Transaction<ServiceDatabase>, uploadId: string, owner: string) {
  return trx
    .selectFrom('upload_imports')
    .select('upload_id')
    .where('upload_id', '=', uploadId)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .forUpdate()
    .executeTakeFirst()
}

const FACT_NAMES = [
  'onec_id',
  'onec_number',
  'number_1c',
  'date_1c',
  'posted',
  'deletion_mark',
  'cancelled',
  'payment_number_1c',
  'payment_date_1c',
  'shipment_number_1c',
  'shipment_date_1c',
  'requisites',
  'content_hash',
] as const

/** Records how an import ended and gives its lease up. */
async function endImport(
  trx: Transaction<ServiceDatabase>,
  uploadId: string,
  outcome: Pick<Updateable<UploadImportsTable>, 'status' | 'documents' | 'matched' | 'unmatched' | 'errors' | 'error' | 'bytes_read'>,
): Promise<void> {
  await trx
    .updateTable('upload_imports')
    .set({ ...outcome, lease_owner: null, lease_until: null, finished_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('upload_id', '=', uploadId)
    .execute()
}

/**
 * The whole file was read: in one transaction, applies the matched documents as 1C's facts on their orders (the last
 * document of an order in the file wins), and marks the upload imported with its counts. A report is replaced only by
 * different facts from an upload received no earlier, so a repeated or late portion changes nothing. Null when
 * `owner` lost the lease (the other process finishes the import).
 */
export async function finishImport(
  db: Kysely<ServiceDatabase>,
  params: { uploadId: string; owner: string; bytesRead: number },
): Promise<ImportCounts | null> {
  const { uploadId, owner } = params
  return db.transaction().execute(async (trx) => {
    if (!(await lockOwnImport(trx, uploadId, owner))) return null
    const columns = sql.join(FACT_NAMES.map((name) => sql.ref(name)))
    const fromDocument = sql.join(FACT_NAMES.map((name) => sql.ref(`d.${name}`)))
    // PROTOCOL.md §8: absence is never a fact. A fact the new document does not give keeps what 1C said before, and
    // its requisites are added to the earlier ones.
    const updates = sql.join(
      FACT_NAMES.map((name) =>
        name === 'content_hash'
          ? sql`content_hash = excluded.content_hash`
          : name === 'requisites'
            ? sql`requisites = order_reports.requisites || excluded.requisites`
            : sql`${sql.ref(name)} = coalesce(excluded.${sql.ref(name)}, order_reports.${sql.ref(name)})`,
      ),
    )
    await sql`
      insert into commerceml.order_reports (integration_id, order_id, ${columns}, reported_at, upload_id, doc_index, applied_at)
      select distinct on (d.order_id) d.integration_id, d.order_id, ${fromDocument}, u.received_at, d.upload_id, d.doc_index, now()
      from commerceml.upload_documents d
      join commerceml.uploads u on u.id = d.upload_id
      where d.upload_id = ${uploadId} and d.status = 'matched'
      order by d.order_id, d.doc_index desc
      on conflict (integration_id, order_id) do update set
        ${updates}, reported_at = excluded.reported_at, upload_id = excluded.upload_id,
        doc_index = excluded.doc_index, applied_at = excluded.applied_at
      where order_reports.content_hash <> excluded.content_hash
        and order_reports.reported_at <= excluded.reported_at`.execute(trx)
    const counts = await trx
      .selectFrom('upload_documents')
      .select((eb) => [
        eb.fn.countAll<number>().as('documents'),
        sql<number>`count(*) filter (where status = 'matched')`.as('matched'),
        sql<number>`count(*) filter (where status = 'unmatched')`.as('unmatched'),
        sql<number>`count(*) filter (where status = 'error')`.as('errors'),
      ])
      .where('upload_id', '=', uploadId)
      .executeTakeFirstOrThrow()
    const outcome = countsOf({
      documents: Number(counts.documents),
      matched: Number(counts.matched),
      unmatched: Number(counts.unmatched),
      errors: Number(counts.errors),
    })
    await endImport(trx, uploadId, { status: 'done', ...outcome, bytes_read: params.bytesRead })
    await trx
      .updateTable('uploads')
      .set({ status: 'imported', imported_at: sql<Date>`now()`, outcome: JSON.stringify(outcome), updated_at: sql<Date>`now()` })
      .where('id', '=', uploadId)
      .execute()
    return outcome
  })
}

/**
 * The file cannot be imported (not XML, not CommerceML): the documents read before the error are dropped, so no
 * partial facts exist, and the upload is marked failed with the reason. False when `owner` lost the lease.
 */
export async function failImport(
  db: Kysely<ServiceDatabase>,
  params: { uploadId: string; owner: string; error: string; bytesRead: number },
): Promise<boolean> {
  const { uploadId, owner, error } = params
  return db.transaction().execute(async (trx) => {
    if (!(await lockOwnImport(trx, uploadId, owner))) return false
    await trx.deleteFrom('upload_documents').where('upload_id', '=', uploadId).execute()
    await endImport(trx, uploadId, { status: 'failed', error, documents: 0, bytes_read: params.bytesRead })
    await trx
      .updateTable('uploads')
      .set({ status: 'failed', outcome: JSON.stringify({ error }), updated_at: sql<Date>`now()` })
      .where('id', '=', uploadId)
      .execute()
    return true
  })
}
