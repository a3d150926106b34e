/**
 * `mode=import` (PROTOCOL.md §3.6, §8): the file of this session is complete. Its size and sha256 over the chunks in
 * order are recorded (the upload becomes 'stored'), then it is imported (src/import/): `progress\n…` while that runs,
 * 1C polling again; `success\n` once every document was read and recorded, whatever it matched (per-order problems are
 * recorded, never answered with failure, or 1C would re-send the portion for ever); `failure\n…` only when the file is
 * not CommerceML or cannot be processed, and 1C then keeps the orders registered and sends them again. A repeated
 * import of an imported file answers success again and changes nothing.
 */
import type { SessionContext } from './context.js'
import { uploadFilename } from './file.js'
import { failure, messages, progress, success, type ExchangeAnswer } from './replies.js'
import { storeUpload } from './uploads.repository.js'

export async function handleImport(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, params, databases, session, importer } = ctx
  const name = uploadFilename(params.get('filename'))
  if (!name.ok) return name.answer
  request.logFields['filename'] = name.filename

  const stored = await storeUpload(databases.db, { sessionId: session.sessionId, filename: name.filename })
  if (stored.kind === 'unknown') return failure(messages.importUnknown(name.filename))
  request.logFields['uploadId'] = stored.uploadId
  if (stored.kind === 'stored') {
    request.logFields['bytes'] = stored.byteCount
    request.logFields['chunks'] = stored.chunkCount
    request.logFields['sha256'] = stored.sha256
  }

  const answer = await importer.poll({ uploadId: stored.uploadId, companyId: session.integration.companyId })
  switch (answer.kind) {
    case 'unknown':
      return failure(messages.importUnknown(name.filename))
    case 'failure':
      return failure(messages.importRefused(name.filename, answer.error))
    case 'progress':
      if (answer.progress) request.logFields['bytesRead'] = answer.progress.bytesRead
      return progress(messages.importProgress(name.filename, answer.progress))
    case 'success':
      Object.assign(request.logFields, answer.counts)
      return success()
  }
}
