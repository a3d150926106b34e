/**
 * The statements of retention (EXPORT-SEMANTICS.md rule 11). Each function is one small transaction: it takes the
 * pruning lock (`pg_try_advisory_xact_lock`, released at commit, so it holds behind PgBouncer's transaction pooling
 * too) and touches at most `limit` rows of each table it writes. It answers null when another replica holds the lock.
 *
 * What is never touched: `order_state` and `order_reports` (the state), an integration's latest batch, and the latest
 * batch and the uploads of a live session (what its `success` or `import` may still need). Rows are taken with
 * `for update … skip locked`, and a batch only after its integration's `export_state` row (the exchange's own lock,
 * rule 5, taken first there too): the pruner never waits for an exchange, and an exchange waits at most for one of
 * these transactions.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase>
type Trx = Transaction<ServiceDatabase>

/** An arbitrary constant: the advisory lock key of retention (migrations use another). */
const RETENTION_LOCK_KEY = 7_320_184_092

/** One bounded step, under the pruning lock; null when another replica is pruning. */
async function step<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T | null> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}::bigint) as locked`.execute(trx)
    if (!rows[0]?.locked) return null
    // Belt and braces: every row is taken with skip locked, but nothing here may ever queue behind an exchange.
    await sql`set local lock_timeout = '5s'`.execute(trx)
    return work(trx)
  })
}

const ids = <T>(rows: ReadonlyArray<{ id: T }>): T[] => rows.map((r) => r.id)

/** The later of the caller's clock and the database's: a session or lease live by either counts as live. */
const liveAt = (now: Date) => sql`least(${now}::timestamptz, now())`

/**
 * Batch `b` may go: a later batch of its integration exists (so it is not the latest, and no longer acknowledgeable by
 * hand, rule 9), and it is not the latest batch of a session that is still live (whose `success` acknowledges it,
 * rule 2).
 */
function batchMayGo(now: Date): RawBuilder<boolean> {
  return sql<boolean>`
    exists (select 1 from commerceml.batches later where later.integration_id = b.integration_id and later.id > b.id)
    and not exists (
      select 1 from commerceml.sessions s
       where s.id = b.session_id and s.revoked_at is null and s.expires_at > ${liveAt(now)}
         and not exists (select 1 from commerceml.batches sl where sl.session_id = b.session_id and sl.id > b.id))`
}

/** An upload whose session may still upload or import it, or whose import is running under a live lease. */
function uploadInUse(now: Date): RawBuilder<boolean> {
  return sql<boolean>`(
    exists (select 1 from commerceml.sessions s where s.id = u.session_id and s.revoked_at is null and s.expires_at > ${liveAt(now)})
    or exists (select 1 from commerceml.upload_imports i where i.upload_id = u.id and i.status = 'running' and i.lease_until > ${liveAt(now)}))`
}

/**
 * Old batches of `before` and earlier that may go, oldest first, with their integrations' export state locked (or
 * skipped while an exchange holds it).
 */
async function lockOldBatches(trx: Trx, params: { where: RawBuilder<boolean>; now: Date; limit: number }): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    select b.id
      from commerceml.batches b
      join commerceml.export_state e on e.integration_id = b.integration_id
     where ${params.where} and ${batchMayGo(params.now)}
     order by b.created_at, b.id
     limit ${params.limit}
       for update of b, e skip locked`.execute(trx)
  return ids(rows)
}

/** The rows of a journal table that belong to a batch or an upload, keyed by their parent and their order in it. */
const CHILDREN = {
  batch_items: { parent: 'batch_id', key: 'position', parentType: 'int8' },
  upload_chunks: { parent: 'upload_id', key: 'seq', parentType: 'uuid' },
  upload_documents: { parent: 'upload_id', key: 'doc_index', parentType: 'uuid' },
} as const

/** Deletes at most `limit` rows of `table` whose parent is one of `parents`, in key order: one bounded step. */
function deleteChildren(trx: Trx, table: keyof typeof CHILDREN, parents: readonly (number | string)[], limit: number) {
  const { parent, key, parentType } = CHILDREN[table]
  const [t, p, k] = [sql.table(`commerceml.${table}`), sql.ref(parent), sql.ref(key)]
  return sql`
      delete from ${t}
       where (${p}, ${k}) in (
               select ${p}, ${k} from ${t}
                where ${p} = any(${parents}::${sql.raw(parentType)}[]) order by ${p}, ${k} limit ${limit})`.execute(trx)
}

/**
 * Clears the stored documents of batches created before `before`: the batch is marked (its document answers 410 from
 * then on), then its items' fragments are cleared `limit` at a time, then its head and tail. Batches a stopped run left
 * midway are finished first. Answers how many batches were marked.
 */
export async function pruneDocuments(db: Db, params: { before: Date; now: Date; limit: number }): Promise<{ documents: number; rows: number } | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const { rows: midway } = await sql<{ id: number }>`
      select id from commerceml.batches
       where document_pruned_at is not null and document_head <> ''::bytea
       order by id limit ${limit} for update skip locked`.execute(trx)
    let batchIds = ids(midway)
    let documents = 0
    if (batchIds.length === 0) {
      batchIds = await lockOldBatches(trx, {
        where: sql<boolean>`b.document_pruned_at is null and b.created_at < ${before}`,
        now,
        limit,
      })
      if (batchIds.length === 0) return { documents: 0, rows: 0 }
      await sql`update commerceml.batches set document_pruned_at = ${now} where id = any(${batchIds}::int8[])`.execute(trx)
      documents = batchIds.length
    }
    const cleared = await sql`
      update commerceml.batch_items set fragment = null
       where (batch_id, position) in (
               select batch_id, position from commerceml.batch_items
                where batch_id = any(${batchIds}::int8[]) and fragment is not null
                order by batch_id, position limit ${limit})`.execute(trx)
    const finished = await sql`
      update commerceml.batches b set document_head = ''::bytea, document_tail = ''::bytea
       where b.id = any(${batchIds}::int8[])
         and not exists (select 1 from commerceml.batch_items bi where bi.batch_id = b.id and bi.fragment is not null)`.execute(trx)
    return { documents, rows: batchIds.length + Number(cleared.numAffectedRows ?? 0) + Number(finished.numAffectedRows ?? 0) }
  })
}

/** Deletes empty polls (batches of no order) created before `before`. */
export async function pruneEmptyPolls(db: Db, params: { before: Date; now: Date; limit: number }): Promise<number | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const batchIds = await lockOldBatches(trx, { where: sql<boolean>`b.order_count = 0 and b.created_at < ${before}`, now, limit })
    if (batchIds.length === 0) return 0
    const deleted = await sql`delete from commerceml.batches where id = any(${batchIds}::int8[])`.execute(trx)
    return Number(deleted.numAffectedRows ?? 0)
  })
}

/**
 * Deletes batches created before `before` with their items: up to `limit` items a step, then the batches left with
 * none. (A batch that may go is acknowledged or superseded: `batchMayGo` keeps every latest batch.)
 */
export async function pruneJournalBatches(
  db: Db,
  params: { before: Date; now: Date; limit: number },
): Promise<{ batches: number; emptyPolls: number; items: number } | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const batchIds = await lockOldBatches(trx, { where: sql<boolean>`b.created_at < ${before}`, now, limit })
    if (batchIds.length === 0) return { batches: 0, emptyPolls: 0, items: 0 }
    const items = await deleteChildren(trx, 'batch_items', batchIds, limit)
    const { rows } = await sql<{ order_count: number }>`
      delete from commerceml.batches b
       where b.id = any(${batchIds}::int8[])
         and not exists (select 1 from commerceml.batch_items bi where bi.batch_id = b.id)
      returning b.order_count`.execute(trx)
    const emptyPolls = rows.filter((r) => r.order_count === 0).length
    return { batches: rows.length - emptyPolls, emptyPolls, items: Number(items.numAffectedRows ?? 0) }
  })
}

/** Deletes the raw files (chunks) of uploads received before `before` that nothing may still read. */
export async function pruneUploadFiles(db: Db, params: { before: Date; now: Date; limit: number }): Promise<{ files: number; rows: number } | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const { rows: candidates } = await sql<{ id: string }>`
      select u.id from commerceml.uploads u
       where u.file_pruned_at is null and u.received_at < ${before}
         and (u.status in ('imported', 'failed') or not ${uploadInUse(now)})
       order by u.received_at, u.id limit ${limit}
         for update of u skip locked`.execute(trx)
    const uploadIds = ids(candidates)
    if (uploadIds.length === 0) return { files: 0, rows: 0 }
    const chunks = await deleteChildren(trx, 'upload_chunks', uploadIds, limit)
    const marked = await sql`
      update commerceml.uploads u set file_pruned_at = ${now}
       where u.id = any(${uploadIds}::uuid[])
         and not exists (select 1 from commerceml.upload_chunks c where c.upload_id = u.id)`.execute(trx)
    return { files: Number(marked.numAffectedRows ?? 0), rows: uploadIds.length + Number(chunks.numAffectedRows ?? 0) }
  })
}

/**
 * Deletes uploads received before `before` with their outcome (import run, documents), up to `limit` rows of each
 * table a step; 1C's facts about the orders (order_reports) stay, without the upload they came from.
 */
export async function pruneUploads(db: Db, params: { before: Date; now: Date; limit: number }): Promise<{ uploads: number; rows: number } | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const { rows: candidates } = await sql<{ id: string }>`
      select u.id from commerceml.uploads u
       where u.received_at < ${before} and not ${uploadInUse(now)}
       order by u.received_at, u.id limit ${limit}
         for update of u skip locked`.execute(trx)
    const uploadIds = ids(candidates)
    if (uploadIds.length === 0) return { uploads: 0, rows: 0 }
    const list = sql`${uploadIds}::uuid[]`
    const documents = await deleteChildren(trx, 'upload_documents', uploadIds, limit)
    const reports = await sql`
      update commerceml.order_reports set upload_id = null
       where (integration_id, order_id) in (
               select integration_id, order_id from commerceml.order_reports where upload_id = any(${list}) limit ${limit})`.execute(trx)
    const chunks = await deleteChildren(trx, 'upload_chunks', uploadIds, limit)
    const deleted = await sql`
      delete from commerceml.uploads u
       where u.id = any(${list})
         and not exists (select 1 from commerceml.upload_documents d where d.upload_id = u.id)
         and not exists (select 1 from commerceml.order_reports r where r.upload_id = u.id)
         and not exists (select 1 from commerceml.upload_chunks c where c.upload_id = u.id)`.execute(trx)
    const touched = [documents, reports, chunks, deleted].reduce((n, r) => n + Number(r.numAffectedRows ?? 0), 0)
    return { uploads: Number(deleted.numAffectedRows ?? 0), rows: uploadIds.length + touched }
  })
}

/** Deletes sessions expired or revoked by `now` (the batches and uploads they made keep their session id). */
export async function pruneSessions(db: Db, params: { now: Date; limit: number }): Promise<number | null> {
  const { now, limit } = params
  return step(db, async (trx) => {
    const expired = await sql`
      delete from commerceml.sessions where id in (
        select id from commerceml.sessions where expires_at < ${liveAt(now)}
         order by expires_at limit ${limit} for update skip locked)`.execute(trx)
    const revoked = await sql`
      delete from commerceml.sessions where id in (
        select id from commerceml.sessions where revoked_at is not null and revoked_at < ${liveAt(now)}
         limit ${limit} for update skip locked)`.execute(trx)
    return Number(expired.numAffectedRows ?? 0) + Number(revoked.numAffectedRows ?? 0)
  })
}

/** Deletes login-failure counters with no failure since `before` and no lock left at `now`. */
export async function pruneLoginFailures(db: Db, params: { before: Date; now: Date; limit: number }): Promise<number | null> {
  const { before, now, limit } = params
  return step(db, async (trx) => {
    const deleted = await sql`
      delete from commerceml.login_failures where (scope, key_hash) in (
        select scope, key_hash from commerceml.login_failures
         where last_failure_at < ${before} and (locked_until is null or locked_until < ${liveAt(now)})
         order by last_failure_at limit ${limit} for update skip locked)`.execute(trx)
    return Number(deleted.numAffectedRows ?? 0)
  })
}

/** Deletes audit events older than `before` (the audit trail is kept as long as the journal). */
export async function pruneAuditEvents(db: Db, params: { before: Date; limit: number }): Promise<number | null> {
  const { before, limit } = params
  return step(db, async (trx) => {
    const deleted = await sql`
      delete from commerceml.audit_events where id in (
        select id from commerceml.audit_events where at < ${before}
         order by at limit ${limit} for update skip locked)`.execute(trx)
    return Number(deleted.numAffectedRows ?? 0)
  })
}
