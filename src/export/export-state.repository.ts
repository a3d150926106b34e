/**
 * The per-integration export state (`export_state`): the row whose lock serialises the exchanges of one integration
 * (EXPORT-SEMANTICS.md rule 5), the watermark (rule 4), and the exchange times the journal and the metrics show.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { ServiceDatabase } from '../db/database.js'
import { toBatchSummary, type BatchSummary } from './batches.repository.js'

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

/** The watermark without taking the lock (the admin preview, which changes nothing); null = all history. */
export async function readWatermark(trx: Trx, integrationId: string): Promise<Date | null> {
  const row = await trx.selectFrom('export_state').select('watermark').where('integration_id', '=', integrationId).executeTakeFirst()
  return row?.watermark ?? null
}

/** Rule 6: a re-export from a date moves the watermark back to it (the caller holds the lock). */
export async function setWatermark(trx: Trx, integrationId: string, watermark: Date | null): Promise<void> {
  await trx.updateTable('export_state').set({ watermark }).where('integration_id', '=', integrationId).execute()
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
                    and s.excluded_at is null
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
