/**
 * The imports of uploads (migration 0005): who works on which file (a lease in PostgreSQL, so any replica may get any
 * poll and a crashed one is taken over), the documents read from it, and 1C's facts applied to orders.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely'
import type { OrderFactColumns, ServiceDatabase, UploadDocumentStatus } from '../db/database.js'
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
    await trx
      .updateTable('upload_imports')
      .set({
        status: 'done',
        ...outcome,
        bytes_read: params.bytesRead,
        lease_owner: null,
        lease_until: null,
        finished_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('upload_id', '=', uploadId)
      .execute()
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
    await trx
      .updateTable('upload_imports')
      .set({
        status: 'failed',
        error,
        documents: 0,
        bytes_read: params.bytesRead,
        lease_owner: null,
        lease_until: null,
        finished_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('upload_id', '=', uploadId)
      .execute()
    await trx
      .updateTable('uploads')
      .set({ status: 'failed', outcome: JSON.stringify({ error }), updated_at: sql<Date>`now()` })
      .where('id', '=', uploadId)
      .execute()
    return true
  })
}

// ---------------------------------------------------------------------------------------------------------------
// What administrators read: the uploads of an integration with their outcome, and 1C's facts about one order.

export type UploadState = 'receiving' | 'stored' | 'importing' | 'imported' | 'failed'

/** A document that matched no order, could not be applied, or was applied with values it could not read or that disagreed. */
export interface UploadProblem {
  documentIndex: number
  status: 'matched' | 'unmatched' | 'error'
  onecId: string | null
  onecNumber: string | null
  reason: string | null
}

export interface UploadSummary {
  id: string
  sessionId: string
  filename: string
  receivedAt: Date
  byteCount: number
  chunkCount: number
  sha256: string | null
  state: UploadState
  importStartedAt: Date | null
  importFinishedAt: Date | null
  attempts: number
  counts: ImportCounts | null
  error: string | null
  /** The first documents with a problem (unmatched, error, or matched with a reason), in file order. */
  problems: UploadProblem[]
}

/** How many documents with a problem an upload lists; the counts say how many are unmatched or errors in all. */
export const PROBLEMS_LISTED = 20

/** Newest first; `after` is the id of the last upload of the previous page (keyset pagination on (received_at, id)). */
export async function listUploads(
  db: Db,
  integrationId: string,
  page: { limit: number; after: string | null },
): Promise<{ uploads: UploadSummary[]; more: boolean }> {
  const rows = await db
    .selectFrom('uploads as u')
    .leftJoin('upload_imports as i', 'i.upload_id', 'u.id')
    .select([
      'u.id',
      'u.session_id',
      'u.filename',
      'u.received_at',
      'u.byte_count',
      'u.chunk_count',
      'u.sha256',
      'u.status',
      'i.status as import_status',
      'i.started_at',
      'i.finished_at',
      'i.attempts',
      'i.documents',
      'i.matched',
      'i.unmatched',
      'i.errors',
      'i.error',
    ])
    .where('u.integration_id', '=', integrationId)
    .$if(page.after !== null, (qb) =>
      // Row comparison in SQL: received_at keeps microseconds a JavaScript Date would lose.
      qb.where(
        sql<boolean>`(u.received_at, u.id) < (select c.received_at, c.id from commerceml.uploads c where c.id = ${page.after} and c.integration_id = ${integrationId})`,
      ),
    )
    .orderBy('u.received_at', 'desc')
    .orderBy('u.id', 'desc')
    .limit(page.limit + 1)
    .execute()
  const pageRows = rows.slice(0, page.limit)
  const problems = new Map<string, UploadProblem[]>()
  if (pageRows.length > 0) {
    const listed = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('upload_documents')
          .select(['upload_id', 'doc_index', 'status', 'onec_id', 'onec_number', 'reason'])
          .select(sql<number>`row_number() over (partition by upload_id order by doc_index)`.as('n'))
          .where('upload_id', '=', (e) => e.fn.any(e.val(pageRows.map((r) => r.id))))
          .where((eb) => eb.or([eb('status', '<>', 'matched'), eb('reason', 'is not', null)]))
          .as('d'),
      )
      .selectAll()
      .where('n', '<=', PROBLEMS_LISTED)
      .orderBy('upload_id')
      .orderBy('doc_index')
      .execute()
    for (const row of listed) {
      const list = problems.get(row.upload_id) ?? []
      list.push({
        documentIndex: row.doc_index,
        status: row.status as UploadProblem['status'],
        onecId: row.onec_id,
        onecNumber: row.onec_number,
        reason: row.reason,
      })
      problems.set(row.upload_id, list)
    }
  }
  const uploads = pageRows.map((row): UploadSummary => {
    const state: UploadState = row.status === 'stored' && row.import_status === 'running' ? 'importing' : row.status
    return {
      id: row.id,
      sessionId: row.session_id,
      filename: row.filename,
      receivedAt: row.received_at,
      byteCount: row.byte_count,
      chunkCount: row.chunk_count,
      sha256: row.sha256,
      state,
      importStartedAt: row.started_at ?? null,
      importFinishedAt: row.finished_at ?? null,
      attempts: row.attempts ?? 0,
      counts:
        row.import_status === 'done'
          ? { documents: row.documents ?? 0, matched: row.matched ?? 0, unmatched: row.unmatched ?? 0, errors: row.errors ?? 0 }
          : null,
      error: row.error ?? null,
      problems: problems.get(row.id) ?? [],
    }
  })
  return { uploads, more: rows.length > page.limit }
}

export interface OrderReport extends Omit<OrderFacts, 'requisites'> {
  requisites: Record<string, string>
  reportedAt: Date
  uploadId: string | null
  filename: string | null
  documentIndex: number
}

/** What 1C last reported about an order of the integration, or null when it reported nothing. */
export async function findOrderReport(db: Db, integrationId: string, orderId: string): Promise<OrderReport | null> {
  const row = await db
    .selectFrom('order_reports as r')
    .leftJoin('uploads as u', 'u.id', 'r.upload_id')
    .selectAll('r')
    .select('u.filename')
    .where('r.integration_id', '=', integrationId)
    .where('r.order_id', '=', orderId)
    .executeTakeFirst()
  if (!row) return null
  return {
    onecId: row.onec_id,
    onecNumber: row.onec_number,
    number1c: row.number_1c,
    date1c: row.date_1c,
    posted: row.posted,
    deletionMark: row.deletion_mark,
    cancelled: row.cancelled,
    paymentNumber1c: row.payment_number_1c,
    paymentDate1c: row.payment_date_1c,
    shipmentNumber1c: row.shipment_number_1c,
    shipmentDate1c: row.shipment_date_1c,
    requisites: row.requisites as Record<string, string>,
    reportedAt: row.reported_at,
    uploadId: row.upload_id,
    filename: row.filename ?? null,
    documentIndex: row.doc_index,
  }
}
