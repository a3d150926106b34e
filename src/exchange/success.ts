/**
 * `mode=success` (PROTOCOL.md §3.4, EXPORT-SEMANTICS.md rule 2): acknowledges the latest unacknowledged batch of this
 * session and nothing else; the export module makes a repeat, or a session that had no batch, a logged no-op. The
 * answer is `"success\n"` in all those cases: УНФ fails the whole exchange on anything starting with `failure`.
 * A session unknown or expired never gets here (the plugin answers `failure\nexchange session unknown or expired…`).
 */
import { acknowledgeBatch } from '../export/acknowledge-batch.js'
import type { SessionContext } from './context.js'
import { failure, messages, success, type ExchangeAnswer } from './replies.js'

export async function handleSuccess(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, log, databases, config, session } = ctx
  let result
  try {
    result = await acknowledgeBatch({ databases, config, logger: log }, {
      integration: session.integration,
      sessionId: session.sessionId,
      prefetched: session.prefetched,
    })
  } catch (error) {
    request.log.error({ err: error, integrationId: session.integration.id }, 'success failed: nothing acknowledged')
    return failure(messages.successFailed)
  }
  request.logFields['batchId'] = result.batchId
  request.logFields['orders'] = result.orderCount
  if (result.alreadyAcknowledged) request.logFields['alreadyAcknowledged'] = true
  return success()
}
