/**
 * The per-integration export state (`export_state`): the row whose lock serialises the exchanges of one integration
 * (EXPORT-SEMANTICS.md rule 5), the watermark (rule 4), and the exchange times the journal and the metrics show.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { ServiceDatabase } from '../db/database.js'
import { anyChangedSince } from '../olvery/candidates.source.js'
import type { OlveryDatabase } from '../olvery/olvery.schema.js'
import { toBatchSummary, type BatchSummary } from './batches.repository.js'

type Trx = Transaction<ServiceDatabase>
type Db = Kysely<ServiceDatabase> | Trx

export interface ExportState {
  integrationId: string
  watermark: Date | null
  lastQueryAt: Date | null
  lastSuccessAt: Date | null
  queriesSinceSuccess: number
}

const lockedExportState = compiledOnce((db: Kysely<ServiceDatabase>, integrationId: string) =>
  sql<{
    integration_id: string
    watermark: Date | null
    last_query_at: Date | null
    last_success_at: Date | null
    queries_since_success: number
  }>`
    update commerceml.export_state
       set lock_version = lock_version + 1
     where integration_id = ${integrationId}
    returning integration_id, watermark, last_query_at, last_success_at, queries_since_success`,
)

/**
 * Rule 5: takes the integration's row lock for the rest of the transaction, so query and success of one integration
 * never interleave, whichever replica serves them. The lock is taken by bumping `lock_version`, so that what is
 * recorded without the lock (`recordEmptyPoll`, `acknowledgeEmptyBatch`) can tell that a holder came and went.
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

/** The watermark without taking the lock (the admin preview, which changes nothing); null = all history. */
export async function readWatermark(trx: Trx, integrationId: string): Promise<Date | null> {
  const row = await trx.selectFrom('export_state').select('watermark').where('integration_id', '=', integrationId).executeTakeFirst()
  return row?.watermark ?? null
}

/** Rule 6: a re-export from a date moves the watermark back to it (the caller holds the lock). */
export async function setWatermark(trx: Trx, integrationId: string, watermark: Date | null): Promise<void> {
  await trx.updateTable('export_state').set({ watermark }).where('integration_id', '=', integrationId).execute()
}

/**
 * The unsettled order states of an integration (`integrationId`: a value, or a column of the outer statement), as
 * `order_state s`: sent but not acknowledged at the sent fingerprint, or cleared by a re-export; never an excluded
 * order (rule 10).
 */
function unsettledStates(integrationId: unknown): RawBuilder<unknown> {
  return sql`commerceml.order_state s
              where s.integration_id = ${integrationId}
                and (s.acked_fingerprint is null or s.acked_fingerprint is distinct from s.last_sent_fingerprint)
                and s.excluded_at is null`
}

/** The integration's latest batch as `b`, joined laterally (no row: its columns are null). */
function latestBatchJoin(integrationId: unknown): RawBuilder<unknown> {
  return sql`left join lateral (
               select id, session_id, order_count, acknowledged_at, watermark_candidate
                 from commerceml.batches
                where integration_id = ${integrationId}
                order by id desc
                limit 1
             ) as b on true`
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
           array(select s.order_id::text from ${unsettledStates(integrationId)}) as unsettled
      from (select 1) as one
      ${latestBatchJoin(integrationId)}`,
)

/**
 * What a `query` reads of its integration once it holds the lock, in one round trip: the latest batch (rule 7 looks
 * for a poison served alone) and the unsettled orders (candidates whatever the watermark says): sent but not
 * acknowledged at the sent fingerprint, or cleared by a re-export; an excluded order is none (rule 10: the scan would
 * skip it; including it again makes it a candidate, order-state.repository.ts).
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

// ---------------------------------------------------------------------------------------------------------------
// Without the lock: a poll with nothing to send and its success (rule 5).
//
// Most polls find nothing pending, and most successes acknowledge such a poll's empty batch. Holding the lock across
// their statements (BEGIN, lock, reads, write, COMMIT) would make them several round trips each, and they would still
// change only the export state and one batch row. Instead, the state is read without the lock (`readPollState`,
// `findSessionBatch`), and the write is one statement (`recordEmptyPoll`, `acknowledgeEmptyBatch`) whose update of
// the export state takes the row lock and succeeds only while `lock_version` is still the one read. Every holder of
// the lock bumps it (`lockExportState`), and so do these writes: a statement that finds it unchanged knows that no
// query, success, re-export or exclusion of the integration committed after the read, nor is one running (it would
// have waited for it and then found the version moved). Everything read is therefore as it was under the lock, and
// the write is atomic by being one statement. When the version moved, nothing is written and the caller takes the lock
// and does the whole step again.

/** What a query reads of its integration before deciding whether it has anything to send. */
export interface PollState {
  lockVersion: string
  watermark: Date | null
  latestBatch: BatchSummary | null
  /** Unsettled orders (findQueryBacklog): any makes the poll one that may send something. */
  unsettledCount: number
}

interface PollStateRow {
  lock_version: string
  watermark: Date | string | null
  batch_id: number | null
  batch_session_id: string | null
  batch_order_count: number | null
  batch_acknowledged_at: Date | string | null
  batch_watermark_candidate: Date | string | null
  unsettled: number
}

/** The read of `readPollState` for the integration `integrationId` names: a value, or a column of an outer statement. */
function pollStateSelect(integrationId: unknown) {
  return sql<PollStateRow>`
    select e.lock_version::text as lock_version, e.watermark,
           b.id as batch_id, b.session_id as batch_session_id, b.order_count as batch_order_count,
           b.acknowledged_at as batch_acknowledged_at, b.watermark_candidate as batch_watermark_candidate,
           (select count(*)::integer from ${unsettledStates(sql.ref('e.integration_id'))}) as unsettled
      from commerceml.export_state e
      ${latestBatchJoin(sql.ref('e.integration_id'))}
     where e.integration_id = ${integrationId}`
}

const pollState = compiledOnce((db: Kysely<ServiceDatabase>, integrationId: string) => pollStateSelect(integrationId))

const dateOf = (value: Date | string | null): Date | null => (value === null ? null : new Date(value))

function toPollState(row: PollStateRow): PollState {
  return {
    lockVersion: row.lock_version,
    watermark: dateOf(row.watermark),
    latestBatch:
      row.batch_id === null
        ? null
        : {
            id: row.batch_id,
            sessionId: row.batch_session_id!,
            orderCount: row.batch_order_count!,
            acknowledgedAt: dateOf(row.batch_acknowledged_at),
            watermarkCandidate: dateOf(row.batch_watermark_candidate),
          },
    unsettledCount: row.unsettled,
  }
}

/** The export state, the latest batch and the number of unsettled orders, without the lock; null without a state. */
export async function readPollState(db: Db, integrationId: string): Promise<PollState | null> {
  const row = (await pollState(db, integrationId)).rows[0]
  return row ? toPollState(row) : null
}

/**
 * `readPollState` as one json column of a statement that reads the session anyway (sessions.repository.ts), for
 * `integrationId`, a column of that statement; `pollStateOf` reads it back. Spares the query a round trip.
 */
export function pollStateColumn(integrationId: RawBuilder<string>): RawBuilder<unknown> {
  return sql`(select to_jsonb(p) from (${pollStateSelect(integrationId)}) as p)`
}

export function pollStateOf(json: unknown): PollState | null {
  return json === null || json === undefined ? null : toPollState(json as PollStateRow)
}

/** An empty `query` answer as the journal keeps it (rule 8): who asked, when, and the bytes sent. */
export interface EmptyPoll {
  integrationId: string
  sessionId: string
  queryStartedAt: Date
  contentType: string
  watermarkCandidate: Date
  head: Buffer
  tail: Buffer
}

/** What an empty answer records, in the order of the statement's arguments. */
type EmptyPollArgs = [
  integrationId: string,
  lockVersion: string,
  sessionId: string,
  now: Date,
  contentType: string,
  watermarkCandidate: Date,
  byteCount: number,
  head: Buffer,
  tail: Buffer,
]

/**
 * The empty batch and the count of the query, written only while `lock_version` is the one read (see above) and
 * `unchanged` holds.
 */
function emptyPollStatement(args: EmptyPollArgs, unchanged: RawBuilder<boolean>) {
  const [integrationId, lockVersion, sessionId, now, contentType, watermarkCandidate, byteCount, head, tail] = args
  return sql<{ id: number }>`
    with counted as (
           update commerceml.export_state
              set last_query_at = ${now},
                  queries_since_success = queries_since_success + 1,
                  lock_version = lock_version + 1
            where integration_id = ${integrationId}
              and lock_version = ${lockVersion}::bigint
              and ${unchanged}
           returning integration_id
         )
    insert into commerceml.batches
           (integration_id, session_id, query_started_at, content_type, watermark_candidate, order_count, byte_count,
            document_head, document_tail, acknowledged_at)
    select integration_id, ${sessionId}::uuid, ${now}::timestamptz, ${contentType}, ${watermarkCandidate}::timestamptz, 0,
           ${byteCount}::integer, ${head}::bytea, ${tail}::bytea, null
      from counted
    returning id`
}

const emptyPoll = compiledOnce((db: Kysely<ServiceDatabase>, ...args: EmptyPollArgs) => emptyPollStatement(args, sql`true`))

/**
 * The same, and only if no order of the company changed since `since`: run where the platform's tables are, so it
 * reads them in the statement's own snapshot. Prepared like the other statements of a poll: `anyChangedSince` is
 * written so that its plan does not depend on `since`.
 */
const emptyPollUnlessChanged = compiledOnce(
  (olvery: Kysely<OlveryDatabase>, companyId: string, since: Date, ...args: EmptyPollArgs) =>
    emptyPollStatement(args, sql<boolean>`not ${anyChangedSince(olvery, companyId, since)}`),
)

function emptyPollArgs(lockVersion: string, poll: EmptyPoll): EmptyPollArgs {
  const { integrationId, sessionId, queryStartedAt, contentType, watermarkCandidate, head, tail } = poll
  return [integrationId, lockVersion, sessionId, queryStartedAt, contentType, watermarkCandidate, head.length + tail.length, head, tail]
}

/**
 * Rules 1 and 8 for a poll with nothing to send: the empty batch and the count of the query in the export state, in
 * one statement, written only if `lockVersion` is still the integration's (see above). Returns the batch id, or null
 * when the version moved and nothing was written.
 */
export async function recordEmptyPoll(db: Db, lockVersion: string, poll: EmptyPoll): Promise<number | null> {
  const { rows } = await emptyPoll(db, ...emptyPollArgs(lockVersion, poll))
  return rows[0]?.id ?? null
}

/**
 * `recordEmptyPoll` with the candidate check of the poll in the same statement, for when the platform's tables live in
 * the service's database (`Connections.platformShared`; `olvery` is their view there): written only if no order of
 * `companyId` changed since `since`. Null when one did or the version moved: nothing was written either way.
 */
export async function recordEmptyPollUnlessChanged(
  olvery: Kysely<OlveryDatabase>,
  lockVersion: string,
  poll: EmptyPoll & { companyId: string; since: Date },
): Promise<number | null> {
  const { rows } = await emptyPollUnlessChanged(olvery, poll.companyId, poll.since, ...emptyPollArgs(lockVersion, poll))
  return rows[0]?.id ?? null
}

interface SessionBatchRow {
  lock_version: string | null
  batch_id: number | null
  batch_order_count: number | null
  batch_acknowledged_at: Date | string | null
  batch_watermark_candidate: Date | string | null
}

function sessionBatchSelect(integrationId: unknown, sessionId: unknown) {
  return sql<SessionBatchRow>`
    select (select lock_version::text from commerceml.export_state where integration_id = ${integrationId}) as lock_version,
           b.id as batch_id, b.order_count as batch_order_count, b.acknowledged_at as batch_acknowledged_at,
           b.watermark_candidate as batch_watermark_candidate
      from (select 1) as one
      left join lateral (
             select id, order_count, acknowledged_at, watermark_candidate
               from commerceml.batches
              where session_id = ${sessionId}
              order by id desc
              limit 1
           ) as b on true`
}

const sessionBatch = compiledOnce((db: Kysely<ServiceDatabase>, integrationId: string, sessionId: string) =>
  sessionBatchSelect(integrationId, sessionId),
)

export interface SessionBatch {
  lockVersion: string | null
  batch: BatchSummary | null
}

function toSessionBatch(row: SessionBatchRow, sessionId: string): SessionBatch {
  return {
    lockVersion: row.lock_version,
    batch:
      row.batch_id === null
        ? null
        : {
            id: row.batch_id,
            sessionId,
            orderCount: row.batch_order_count!,
            acknowledgedAt: dateOf(row.batch_acknowledged_at),
            watermarkCandidate: dateOf(row.batch_watermark_candidate),
          },
  }
}

/** Rule 2 without the lock: the session's latest batch, and the integration's `lock_version` read with it. */
export async function findSessionBatch(db: Db, integrationId: string, sessionId: string): Promise<SessionBatch> {
  return toSessionBatch((await sessionBatch(db, integrationId, sessionId)).rows[0]!, sessionId)
}

/** `findSessionBatch` as one json column of the session's own lookup (as `pollStateColumn`); `sessionBatchOf` reads it. */
export function sessionBatchColumn(integrationId: RawBuilder<string>, sessionId: RawBuilder<string>): RawBuilder<unknown> {
  return sql`(select to_jsonb(sb) from (${sessionBatchSelect(integrationId, sessionId)}) as sb)`
}

export function sessionBatchOf(json: unknown, sessionId: string): SessionBatch | null {
  return json === null || json === undefined ? null : toSessionBatch(json as SessionBatchRow, sessionId)
}

const emptyAcknowledgement = compiledOnce(
  (db: Kysely<ServiceDatabase>, integrationId: string, lockVersion: string, batchId: number, now: Date, watermarkCandidate: Date | null) =>
    sql<{ id: number }>`
    with counted as (
           update commerceml.export_state
              set last_success_at = ${now},
                  queries_since_success = 0,
                  watermark = greatest(watermark, ${watermarkCandidate}::timestamptz),
                  lock_version = lock_version + 1
            where integration_id = ${integrationId}
              and lock_version = ${lockVersion}::bigint
              and exists (select from commerceml.batches where id = ${batchId} and acknowledged_at is null and order_count = 0)
           returning integration_id
         )
    update commerceml.batches
       set acknowledged_at = ${now}, acknowledged_by = null
     where id = ${batchId}
       and acknowledged_at is null
       and order_count = 0
       and exists (select from counted)
    returning id`,
)

/**
 * Rule 2 for a batch with no orders: what the acknowledgement of any batch does (batches.repository.ts), less the
 * order states it has none of, in one statement written only if `lockVersion` is still the integration's. False when
 * the version moved and nothing was written.
 */
export async function acknowledgeEmptyBatch(
  db: Db,
  params: { integrationId: string; lockVersion: string; batch: BatchSummary; now: Date },
): Promise<boolean> {
  const { integrationId, lockVersion, batch, now } = params
  const { rows } = await emptyAcknowledgement(db, integrationId, lockVersion, batch.id, now, batch.watermarkCandidate)
  return rows.length > 0
}
