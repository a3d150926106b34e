/**
 * `mode=init` (PROTOCOL.md §3.2): exactly `"zip=no\nfile_limit=<n>"`, whatever `version` and `cmlVersion` say. The
 * Bitrix 4-line form (`sessid=…\nversion=2.09` after a non-empty `version`) makes БЭД abort its uploads, so it is
 * never sent; the two parameters are only logged, because they reveal a УНФ node with "ПодчиненныеДокументы" on.
 */
import type { SessionContext } from './context.js'
import { initAnswer, plainLine, type ExchangeAnswer } from './replies.js'
import { resetUploadArea } from './uploads.repository.js'

export async function handleInit(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, params, databases, config, session } = ctx
  const version = params.get('version')
  const cmlVersion = params.get('cmlVersion')
  if (version !== undefined) request.logFields['version'] = plainLine(version, 20)
  if (cmlVersion !== undefined) request.logFields['cmlVersion'] = plainLine(cmlVersion, 20)

  // Init resets the session's upload area, as Bitrix empties its exchange directory (PROTOCOL.md §3.2).
  const dropped = await resetUploadArea(databases.db, session.sessionId)
  if (dropped > 0) request.logFields['droppedUploads'] = dropped
  return initAnswer(config.fileLimitBytes)
}
