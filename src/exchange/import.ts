/**
 * `mode=import` (PROTOCOL.md §3.6, §8): the file of this session is complete. For now it is only stored: its size and
 * sha256 over the chunks in order are recorded and the upload becomes 'stored' (parsing the CommerceML comes with a
 * later issue, and will answer `progress` while it runs). A repeated import of the same file answers success again.
 */
import type { SessionContext } from './exchange.plugin.js'
import { uploadFilename } from './file.js'
import { failure, messages, success, type ExchangeAnswer } from './replies.js'
import { storeUpload } from './sessions.repository.js'

export async function handleImport(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, params, databases, session } = ctx
  const name = uploadFilename(params.get('filename'))
  if (!name.ok) return name.answer
  request.logFields['filename'] = name.filename

  const result = await storeUpload(databases.db, { sessionId: session.sessionId, filename: name.filename })
  switch (result.kind) {
    case 'unknown':
      return failure(messages.importUnknown(name.filename))
    case 'failed':
      return failure(messages.importFailed(name.filename))
    case 'stored':
      request.logFields['bytes'] = result.byteCount
      request.logFields['chunks'] = result.chunkCount
      request.logFields['sha256'] = result.sha256
      if (result.already) request.logFields['alreadyStored'] = true
      return success()
  }
}
