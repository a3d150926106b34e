/**
 * The exact bytes the exchange answers 1C with (PROTOCOL.md §3, §4). Every text answer is UTF-8 without a BOM, lines
 * end in LF only (a CR would stay in the cookie value, which БЭД does not trim), and the first line is the keyword 1C
 * compares after trimming and lower-casing: `success`, `failure` or `progress`.
 *
 * Mode handlers return an `ExchangeAnswer`; only the plugin turns it into an HTTP reply, so every answer, errors
 * included, goes through the builders below.
 */
import type { Readable } from 'node:stream'

/** PROTOCOL.md §3: text answers; the charset is the last parameter (§4). */
const TEXT_CONTENT_TYPE = 'text/plain; charset=UTF-8'

/**
 * The cookie name of line 2 of the checkauth answer. 1C sends back `Cookie: <line2>=<line3>` without trimming
 * (PROTOCOL.md §2), so it is a plain token.
 */
export const SESSION_COOKIE_NAME = 'OLVERY1C'

/** Basic challenge realm (PROTOCOL.md §2). */
const BASIC_REALM = '1c-exchange'

/** What a request achieved, as logged (`outcome`). */
type Outcome = 'success' | 'failure' | 'progress'

export interface ExchangeAnswer {
  /** 200 for everything but the checkauth Basic challenge (PROTOCOL.md §2: 1C parses the body whatever the status). */
  statusCode: 200 | 401
  contentType: string
  /** The bytes, or for a document a stream of exactly `content-length` bytes. */
  body: Buffer | Readable
  headers: Record<string, string>
  outcome: Outcome
  /** For the log line: why the answer is a failure. Never sent anywhere else. */
  reason?: string
}

/** PROTOCOL.md §3: the failure text is short (under 255 characters with its keyword), plain text, no HTML. */
const MAX_BODY_CHARS = 254

/** One line of plain text: control characters (CR and LF included) become spaces, the length is capped. */
export function plainLine(text: string, maxChars: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]+/g, ' ').trim()
  const chars = Array.from(flat)
  return chars.length <= maxChars ? flat : `${chars.slice(0, maxChars - 1).join('')}…`
}

function text(statusCode: 200 | 401, body: string, outcome: Outcome, reason?: string): ExchangeAnswer {
  const answer: ExchangeAnswer = {
    statusCode,
    contentType: TEXT_CONTENT_TYPE,
    body: Buffer.from(body, 'utf8'),
    headers: {},
    outcome,
  }
  if (reason !== undefined) answer.reason = reason
  return answer
}

/** `"success\n"`, or with extra lines `"success\nline\n…"`, each line ending in LF (PROTOCOL.md §3.1, §3.4–3.6). */
export function success(...lines: string[]): ExchangeAnswer {
  return text(200, ['success', ...lines].map((line) => `${line}\n`).join(''), 'success')
}

/** `"failure\n<text>"`, no trailing LF (PROTOCOL.md §3). */
export function failure(message: string): ExchangeAnswer {
  const line = plainLine(message, MAX_BODY_CHARS - 'failure\n'.length)
  return text(200, `failure\n${line}`, 'failure', line)
}

/** `"progress\n<text>"`: 1C calls the same import again (PROTOCOL.md §3.6). */
export function progress(message: string): ExchangeAnswer {
  return text(200, `progress\n${plainLine(message, MAX_BODY_CHARS - 'progress\n'.length)}`, 'progress')
}

/**
 * PROTOCOL.md §3.1: exactly four lines, each ending in LF:
 * `"success\n<cookie-name>\n<cookie-value>\nsessid=<token>\n"`.
 */
export function checkauthSuccess(cookieValue: string, sessid: string): ExchangeAnswer {
  for (const token of [cookieValue, sessid]) {
    if (!/^[A-Za-z0-9]+$/.test(token)) throw new Error('session tokens must be [A-Za-z0-9]')
  }
  return success(SESSION_COOKIE_NAME, cookieValue, `sessid=${sessid}`)
}

/**
 * PROTOCOL.md §2: a checkauth without valid credentials gets 401, the Basic challenge and a failure body.
 */
export function basicChallenge(message: string): ExchangeAnswer {
  const answer = failure(message)
  answer.statusCode = 401
  answer.headers['www-authenticate'] = `Basic realm="${BASIC_REALM}"`
  return answer
}

/**
 * PROTOCOL.md §3.2: exactly `"zip=no\nfile_limit=<n>"`, two lines and no trailing LF, whatever `version` or
 * `cmlVersion` say (БЭД aborts its upload unless the answer has exactly two lines).
 */
export function initAnswer(fileLimitBytes: number): ExchangeAnswer {
  if (!Number.isSafeInteger(fileLimitBytes) || fileLimitBytes <= 0) throw new Error('file_limit must be a positive integer')
  return text(200, `zip=no\nfile_limit=${fileLimitBytes}`, 'success')
}

/**
 * PROTOCOL.md §3.3: the whole CommerceML document, built before anything is sent, with an explicit Content-Length.
 * The export module has written it to the batch and chooses the content type (charset last); `body` streams it
 * from there. Should the stream fail midway, the connection is cut short of Content-Length: 1C reports a broken
 * answer and sends no `success`, so nothing counts as delivered.
 */
export function documentAnswer(body: Buffer | Readable, byteCount: number, contentType: string): ExchangeAnswer {
  return {
    statusCode: 200,
    contentType,
    body,
    headers: { 'content-length': String(byteCount) },
    outcome: 'success',
  }
}

export const KNOWN_MODES = ['checkauth', 'init', 'query', 'success', 'file', 'import'] as const
export type KnownMode = (typeof KNOWN_MODES)[number]

/** A value the client sent, echoed in a failure: a short token, anything else shown as `?` (no markup, no controls). */
function echo(value: string): string {
  return Array.from(value).slice(0, 40).join('').replace(/[^A-Za-z0-9._-]/g, '?')
}

/**
 * The failure texts, in one place. Each tells a 1C administrator what to do; none quotes a secret. Wordings fixed by
 * PROTOCOL.md are kept verbatim (`Unknown command type.`, `exchange session unknown or expired`, `not supported`).
 */
export const messages = {
  credentialsMissing: 'Authorization required: enter the login and password of the Olvery integration in the 1C exchange node.',
  credentialsWrong: 'Wrong login or password: check the login and password of the Olvery integration in the 1C exchange node.',
  tooManyFailures: (retryAfterSeconds: number) =>
    `Too many failed logins from this address; login is blocked for ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} min. Check the login and password in the 1C exchange node, then try again.`,
  integrationOff: (name: string) =>
    `The Olvery integration "${plainLine(name, 60)}" is switched off (disabled or archived); ask the Olvery administrator to enable it.`,
  /** PROTOCOL.md §2 (Bitrix wording). */
  unknownType: 'Unknown command type.',
  unknownMode: (mode: string) =>
    `Unknown mode ${echo(mode) || '(none)'}; known modes: ${KNOWN_MODES.join(', ')}.`,
  /** PROTOCOL.md §3.7. */
  notSupported: 'not supported',
  /**
   * PROTOCOL.md §3.4 wording, exactly, for `success`; the other modes add what to do and, when it helps, why.
   */
  sessionUnknown: (mode: string, why?: string) =>
    mode === 'success'
      ? 'exchange session unknown or expired'
      : `exchange session unknown or expired; run checkauth again${why ? ` (${why})` : ''}`,
  malformedQuery: 'Malformed query string (bad percent-encoding); the request was not processed.',
  methodNotUsed: (method: string) =>
    `Method ${echo(method) || '?'} is not used by the exchange: 1C sends GET, and POST for mode=file; the request was not processed.`,
  queryFailed: 'The orders document could not be built; nothing was marked as sent. Try again later; the details are in the service log.',
  successFailed: 'The acknowledgement could not be recorded; the orders will be sent again. Try again later; the details are in the service log.',
  filenameMissing: 'The filename parameter is missing.',
  filenameInvalid: 'Invalid filename: only the letters A-Z a-z, digits, ".", "_" and "-" are allowed, and no "..".',
  fileBodyMissing: 'No file data: send the file bytes as the body of a POST request.',
  fileEmpty: 'Empty file chunk: nothing was stored.',
  fileTooLarge: (limit: number) =>
    `File chunk too large: each POST may carry at most file_limit=${limit} bytes (the value answered by init).`,
  sessionUploadLimit: (limit: number) =>
    `Upload limit of the exchange session reached (${limit} bytes); run checkauth again and send the rest in a new session.`,
  fileAlreadyImported: (filename: string) =>
    `File ${filename} was already imported in this exchange session; run checkauth again to send it anew.`,
  importUnknown: (filename: string) => `File ${filename} was not received in this exchange session; send it with mode=file first.`,
  /** The file is stored but cannot be imported (not CommerceML, or a storage error); the reason is the importer's. */
  importRefused: (filename: string, reason: string) => `File ${filename} was not imported: ${reason}`,
  importProgress: (filename: string, done: { bytesRead: number; byteCount: number; documents: number } | null) =>
    done && done.byteCount > 0
      ? `File ${filename}: ${Math.min(99, Math.floor((100 * done.bytesRead) / done.byteCount))}% read, ${done.documents} documents so far.`
      : `File ${filename} is being imported.`,
  uploadFailed: 'The file chunk could not be stored; send it again. The details are in the service log.',
  badRequest: 'The request could not be read (bad headers or body); send it again.',
  internal: 'Internal error of the exchange service; try again later. The details are in the service log.',
  databaseUnavailable: 'The database of the exchange service is unreachable; nothing was changed. Run the exchange again later.',
} as const
