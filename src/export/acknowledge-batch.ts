/**
 * What makes anything count as delivered: `success` (EXPORT-SEMANTICS.md rule 2), and an administrator who checked in
 * 1C that the integration's latest batch arrived when 1C never sent `success` for it (rule 9). Both take the
 * integration's lock and run the same statement.
 */
import { recordAuditEvent, type AuditActor } from '../integration/audit-trail.repository.js'
import type { Integration } from '../integration/integration.js'
import { acknowledgeBatchItems, findLatestBatch, findLatestSessionBatch, type BatchSummary } from './batches.repository.js'
import type { ExportDeps } from './export-deps.js'
import { acknowledgeEmptyBatch, findSessionBatch, lockExportState, sessionBatchOf } from './export-state.repository.js'

export interface AcknowledgeResult {
  /** The batch acknowledged now; null when the session had none (or it was acknowledged already). */
  batchId: number | null
  orderCount: number
  alreadyAcknowledged: boolean
}

/**
 * Rule 2: answers `success`. Acknowledges the latest batch of the same exchange session, and nothing else; a repeat,
 * or a session that made no query, changes nothing.
 */
export async function acknowledgeBatch(
  deps: ExportDeps,
  params: {
    integration: Integration
    sessionId: string
    now?: Date
    /** `findSessionBatch` as read with the session (`sessionBatchColumn`), sparing its round trip; undefined when not read. */
    prefetched?: unknown
  },
): Promise<AcknowledgeResult> {
  const { databases, logger } = deps
  const { integration, sessionId } = params
  const now = params.now ?? new Date()
  const log = logger.child({ integrationId: integration.id, sessionId })
  // Without the lock first (export-state.repository.ts): a session with no batch, or one acknowledged already, changes
  // nothing, and a batch with no orders is acknowledged in one statement unless a holder of the lock came in between.
  const found =
    (params.prefetched !== undefined ? sessionBatchOf(params.prefetched, sessionId) : null) ??
    (await findSessionBatch(databases.db, integration.id, sessionId))
  if (!found.batch) {
    log.info('success without a query in this session: nothing to acknowledge')
    return { batchId: null, orderCount: 0, alreadyAcknowledged: false }
  }
  if (found.batch.acknowledgedAt) {
    log.info({ batchId: found.batch.id }, 'repeated success: the batch was acknowledged already')
    return { batchId: found.batch.id, orderCount: found.batch.orderCount, alreadyAcknowledged: true }
  }
  if (found.batch.orderCount === 0 && found.lockVersion !== null) {
    const acknowledged = await acknowledgeEmptyBatch(databases.db, { integrationId: integration.id, lockVersion: found.lockVersion, batch: found.batch, now })
    if (acknowledged) {
      log.info({ batchId: found.batch.id, orders: 0 }, 'batch acknowledged')
      return { batchId: found.batch.id, orderCount: 0, alreadyAcknowledged: false }
    }
  }
  return databases.db.transaction().execute(async (trx) => {
    await lockExportState(trx, integration.id)
    const batch = await findLatestSessionBatch(trx, sessionId)
    if (!batch) {
      log.info('success without a query in this session: nothing to acknowledge')
      return { batchId: null, orderCount: 0, alreadyAcknowledged: false }
    }
    if (batch.acknowledgedAt) {
      log.info({ batchId: batch.id }, 'repeated success: the batch was acknowledged already')
      return { batchId: batch.id, orderCount: batch.orderCount, alreadyAcknowledged: true }
    }
    await acknowledgeBatchItems(trx, { integrationId: integration.id, batch, now, acknowledgedBy: null })
    log.info({ batchId: batch.id, orders: batch.orderCount }, 'batch acknowledged')
    return { batchId: batch.id, orderCount: batch.orderCount, alreadyAcknowledged: false }
  })
}

export type OperatorAcknowledgement =
  | { acknowledged: true; batchId: number; orderCount: number }
  /** Not the latest batch, or the latest one was acknowledged already: nothing changed. */
  | { acknowledged: false; latest: BatchSummary | null }

/**
 * Rule 9: an administrator acknowledges the integration's latest batch, exactly as its session's `success` would
 * (the same statement under the same lock), and it is audited in the same transaction. Any other batch, or the latest
 * once acknowledged, changes nothing. A `success` of 1C for it afterwards finds it acknowledged: a logged no-op.
 */
export async function acknowledgeLatestBatch(
  deps: ExportDeps,
  params: { integration: Integration; batchId: number; actor: AuditActor; now?: Date },
): Promise<OperatorAcknowledgement> {
  const { databases, logger } = deps
  const { integration, batchId, actor } = params
  const now = params.now ?? new Date()
  return databases.db.transaction().execute(async (trx) => {
    await lockExportState(trx, integration.id)
    const latest = await findLatestBatch(trx, integration.id)
    if (!latest || latest.id !== batchId || latest.acknowledgedAt) return { acknowledged: false, latest }
    await acknowledgeBatchItems(trx, { integrationId: integration.id, batch: latest, now, acknowledgedBy: actor.sub })
    await recordAuditEvent(trx, integration.id, { actor, action: 'acknowledge', changes: { batchId, orderCount: latest.orderCount } })
    logger.info({ integrationId: integration.id, batchId, orders: latest.orderCount, by: actor.sub }, 'batch acknowledged by an administrator')
    return { acknowledged: true, batchId, orderCount: latest.orderCount }
  })
}
