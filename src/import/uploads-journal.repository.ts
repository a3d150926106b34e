/**
 * What administrators read of 1C's uploads (PROTOCOL.md §8): the uploads of an integration with their outcome and
 * first problems, and 1C's facts about one order. Read-only.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'
import type { ImportCounts } from './import-runs.repository.js'
import type { OrderFacts } from './order-facts.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

type UploadState = 'receiving' | 'stored' | 'importing' | 'imported' | 'failed'

/** A document that matched no order, could not be applied, or was applied with values it could not read or that disagreed. */
interface UploadProblem {
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
  /** When retention deleted the file's bytes (RETENTION_UPLOADS); its outcome and problems stay. Null while kept. */
  filePrunedAt: Date | null
}

/** How many documents with a problem an upload lists; the counts say how many are unmatched or errors in all. */
const PROBLEMS_LISTED = 20

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
      'u.file_pruned_at',
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
        status: row.status,
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
      filePrunedAt: row.file_pruned_at,
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
