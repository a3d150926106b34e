/**
 * The upload area of an exchange session (PROTOCOL.md §8; tables `uploads`, `upload_chunks`): files 1C posts with
 * mode=file, stored raw chunk by chunk before anything parses them, and completed by mode=import. src/import/ reads
 * them from there.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

/** PROTOCOL.md §3.2: init resets the upload area: files still being received in this session are dropped. */
export async function resetUploadArea(db: Db, sessionId: string): Promise<number> {
  const result = await db
    .deleteFrom('uploads')
    .where('session_id', '=', sessionId)
    .where('status', '=', 'receiving')
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export type AppendResult =
  | { kind: 'appended'; uploadId: string; seq: number; byteCount: number }
  | { kind: 'session-limit'; sessionBytes: number }
  | { kind: 'already-stored' }

/**
 * Appends one chunk, raw, as the next `seq` of the upload (session, filename), creating the upload on its first chunk.
 * One transaction under a lock on the session row, so chunks of one session are numbered and counted against the
 * session limit one at a time. The chunk is durable when this resolves (PROTOCOL.md §3.5: answer success only then).
 */
export async function appendUploadChunk(
  db: Kysely<ServiceDatabase>,
  params: { integrationId: string; sessionId: string; filename: string; data: Buffer; sessionLimitBytes: number },
): Promise<AppendResult> {
  const { integrationId, sessionId, filename, data } = params
  return db.transaction().execute(async (trx): Promise<AppendResult> => {
    await trx.selectFrom('sessions').select('id').where('id', '=', sessionId).forUpdate().executeTakeFirstOrThrow()
    const existing = await trx
      .selectFrom('uploads')
      .select(['id', 'status', 'chunk_count', 'byte_count'])
      .where('session_id', '=', sessionId)
      .where('filename', '=', filename)
      .forUpdate()
      .executeTakeFirst()
    if (existing && existing.status !== 'receiving') return { kind: 'already-stored' }

    const { total } = await trx
      .selectFrom('uploads')
      .select(sql<number>`coalesce(sum(byte_count), 0)::int8`.as('total'))
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow()
    if (total + data.length > params.sessionLimitBytes) return { kind: 'session-limit', sessionBytes: total }

    const upload =
      existing ??
      (await trx
        .insertInto('uploads')
        .values({ integration_id: integrationId, session_id: sessionId, filename })
        .returning(['id', 'status', 'chunk_count', 'byte_count'])
        .executeTakeFirstOrThrow())
    const seq = upload.chunk_count + 1
    await trx.insertInto('upload_chunks').values({ upload_id: upload.id, seq, data }).execute()
    const updated = await trx
      .updateTable('uploads')
      .set({
        chunk_count: seq,
        byte_count: sql<number>`byte_count + ${data.length}`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', upload.id)
      .returning('byte_count')
      .executeTakeFirstOrThrow()
    return { kind: 'appended', uploadId: upload.id, seq, byteCount: updated.byte_count }
  })
}

export type StoreResult =
  | { kind: 'unknown' }
  | { kind: 'failed'; uploadId: string }
  | { kind: 'stored'; uploadId: string; byteCount: number; chunkCount: number; sha256: string; already: boolean }

/** Chunks read per round trip while hashing, so a large file is never held in memory at once. */
const HASH_PAGE = 8

/**
 * Completes an upload at `import`: hashes its chunks in order, records the size and sha256, and marks it 'stored'
 * (src/import/ then parses it and marks it 'imported' or 'failed'). A file already stored, imported or failed is
 * reported as such and left alone.
 */
export async function storeUpload(
  db: Kysely<ServiceDatabase>,
  params: { sessionId: string; filename: string },
): Promise<StoreResult> {
  return db.transaction().execute(async (trx): Promise<StoreResult> => {
    const upload = await trx
      .selectFrom('uploads')
      .select(['id', 'status', 'byte_count', 'chunk_count', 'sha256'])
      .where('session_id', '=', params.sessionId)
      .where('filename', '=', params.filename)
      .forUpdate()
      .executeTakeFirst()
    if (!upload) return { kind: 'unknown' }
    if (upload.status === 'failed') return { kind: 'failed', uploadId: upload.id }
    if (upload.status !== 'receiving') {
      return {
        kind: 'stored',
        uploadId: upload.id,
        byteCount: upload.byte_count,
        chunkCount: upload.chunk_count,
        sha256: upload.sha256 ?? '',
        already: true,
      }
    }
    const hash = createHash('sha256')
    let byteCount = 0
    let chunkCount = 0
    let lastSeq = 0
    for (;;) {
      const rows = await trx
        .selectFrom('upload_chunks')
        .select(['seq', 'data'])
        .where('upload_id', '=', upload.id)
        .where('seq', '>', lastSeq)
        .orderBy('seq')
        .limit(HASH_PAGE)
        .execute()
      for (const row of rows) {
        hash.update(row.data)
        byteCount += row.data.length
        chunkCount += 1
        lastSeq = row.seq
      }
      if (rows.length < HASH_PAGE) break
    }
    const sha256 = hash.digest('hex')
    await trx
      .updateTable('uploads')
      .set({ status: 'stored', sha256, byte_count: byteCount, chunk_count: chunkCount, updated_at: sql<Date>`now()` })
      .where('id', '=', upload.id)
      .execute()
    return { kind: 'stored', uploadId: upload.id, byteCount, chunkCount, sha256, already: false }
  })
}
