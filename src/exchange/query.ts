/**
 * `mode=query` (PROTOCOL.md §3.3): the export module records the batch of this session and writes the whole
 * document to it; only then is it streamed from the database with an explicit Content-Length. Any error before that
 * becomes `failure\n<text>`, never a partial document or an HTML page (1C would fail on it without saying why).
 */
import { Readable } from 'node:stream'
import { serveBatch, servedDocument } from '../export/serve-batch.js'
import type { SessionContext } from './context.js'
import { documentAnswer, failure, messages, type ExchangeAnswer } from './replies.js'

export async function handleQuery(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, log, databases, config, session } = ctx
  let result
  try {
    result = await serveBatch({ databases, config, logger: log }, {
      integration: session.integration,
      sessionId: session.sessionId,
      prefetched: session.prefetched,
    })
  } catch (error) {
    request.log.error({ err: error, integrationId: session.integration.id }, 'query failed: no document sent')
    return failure(messages.queryFailed)
  }
  request.logFields['batchId'] = result.batchId
  request.logFields['orders'] = result.orderCount
  request.logFields['bytes'] = result.byteCount
  if (result.suspectCount > 0) request.logFields['poisonSuspects'] = result.suspectCount
  // An empty body is an error for both loaders ("Получен пустой ответ сервера", PROTOCOL.md §3.3).
  if (result.byteCount === 0) {
    request.log.error({ integrationId: session.integration.id, batchId: result.batchId }, 'query built an empty document')
    return failure(messages.queryFailed)
  }
  // Nothing pending, the common poll: the head and tail are all there is, and a stream would only cost time.
  const body =
    result.orderCount === 0
      ? Buffer.concat([result.head, result.tail])
      : Readable.from(servedDocument(databases, result), { objectMode: false })
  return documentAnswer(body, result.byteCount, result.contentType)
}
