/**
 * `success` (EXPORT-SEMANTICS.md rule 2): the only thing that makes anything count as delivered.
 */
import type { Integration } from '../integration/integration.js'
import { acknowledgeBatchItems, findLatestSessionBatch } from './batches.repository.js'
import type { ExportDeps } from './export-deps.js'
import { lockExportState } from './export-state.repository.js'

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
  params: { integration: Integration; sessionId: string; now?: Date },
): Promise<AcknowledgeResult> {
  const { databases, logger } = deps
  const { integration, sessionId } = params
  const now = params.now ?? new Date()
  const log = logger.child({ integrationId: integration.id, sessionId })
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
    await acknowledgeBatchItems(trx, { integrationId: integration.id, batch, now })
    log.info({ batchId: batch.id, orders: batch.orderCount }, 'batch acknowledged')
    return { batchId: batch.id, orderCount: batch.orderCount, alreadyAcknowledged: false }
  })
}
