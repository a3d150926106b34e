/**
 * `mode=file` (PROTOCOL.md §3.5, §8): one chunk of a file 1C uploads, as the raw POST body. Chunks of one filename
 * are appended in arrival order and never decoded on their own (their boundaries split UTF-8 sequences); the chunk
 * is committed before `success\n` is answered.
 */
import type { SessionContext } from './context.js'
import { failure, messages, success, type ExchangeAnswer } from './replies.js'
import { appendUploadChunk } from './uploads.repository.js'

/** How many `file_limit`s one exchange session may upload in all (PROTOCOL.md §8: limit size per session). */
const SESSION_UPLOAD_FACTOR = 64

export type FilenameCheck = { ok: true; filename: string } | { ok: false; answer: ExchangeAnswer }

/**
 * PROTOCOL.md §8: the base name (directory prefixes that 1C on Linux may send are stripped, `/` and `\`), made only of
 * [A-Za-z0-9._-]. A path with a `..` segment is refused outright rather than stripped: it is no 1C temp path.
 */
export function uploadFilename(raw: string | undefined): FilenameCheck {
  if (raw === undefined || raw.trim() === '') return { ok: false, answer: failure(messages.filenameMissing) }
  const segments = raw.split(/[\\/]/)
  const base = segments[segments.length - 1] ?? ''
  const valid =
    !segments.some((segment) => segment === '..') &&
    /^[A-Za-z0-9._-]{1,200}$/.test(base) &&
    !/^\.+$/.test(base)
  return valid ? { ok: true, filename: base } : { ok: false, answer: failure(messages.filenameInvalid) }
}

export async function handleFile(ctx: SessionContext): Promise<ExchangeAnswer> {
  const { request, params, databases, config, session } = ctx
  const name = uploadFilename(params.get('filename'))
  if (!name.ok) return name.answer
  request.logFields['filename'] = name.filename

  const body = request.body
  if (!Buffer.isBuffer(body)) {
    // A GET has no body; a POST without one (Content-Length 0) is an empty chunk.
    return failure(request.method === 'POST' ? messages.fileEmpty : messages.fileBodyMissing)
  }
  request.logFields['bytes'] = body.length
  if (body.length === 0) return failure(messages.fileEmpty)
  // The content-type parser enforces the same limit before the body is read; this keeps the rule local too.
  if (body.length > config.fileLimitBytes) return failure(messages.fileTooLarge(config.fileLimitBytes))

  const sessionLimitBytes = SESSION_UPLOAD_FACTOR * config.fileLimitBytes
  let result
  try {
    result = await appendUploadChunk(databases.db, {
      integrationId: session.integration.id,
      sessionId: session.sessionId,
      filename: name.filename,
      data: body,
      sessionLimitBytes,
    })
  } catch (error) {
    request.log.error({ err: error, filename: name.filename }, 'file chunk not stored')
    return failure(messages.uploadFailed)
  }
  switch (result.kind) {
    case 'appended':
      request.logFields['chunk'] = result.seq
      request.logFields['fileBytes'] = result.byteCount
      return success()
    case 'session-limit':
      return failure(messages.sessionUploadLimit(sessionLimitBytes))
    case 'already-stored':
      return failure(messages.fileAlreadyImported(name.filename))
  }
}
