/**
 * The 1C «exchange with site» endpoint (PROTOCOL.md §2, §3): one handler for GET and POST on the configured path and on
 * `/bitrix/admin/1c_exchange.php`, choosing the operation by the query parameters `type` and `mode`.
 *
 * Encapsulated (not wrapped in fastify-plugin), so its body parser and error handler stay inside:
 * - every body is raw bytes, whatever its Content-Type or none (a `file` chunk is never decoded, PROTOCOL.md §8), up to
 *   `file_limit` (PROTOCOL.md §2, Fastify);
 * - every answer is HTTP 200 `text/plain; charset=UTF-8` `failure\n<text>` when anything goes wrong, errors of Fastify
 *   itself included (1C parses the body whatever the status, PROTOCOL.md §2); the only other status is the 401 Basic
 *   challenge of checkauth.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Databases } from '../olvery/databases.js'
import { isDatabaseUnavailable } from '../unavailable.js'
import { UploadImporter } from '../import/upload-importer.js'
import { basicRefusal, registerBasicAuth } from './basic-auth.js'
import { handleCheckauth } from './checkauth.js'
import type { ExchangeContext, ExchangeParams, SessionContext } from './context.js'
import { handleFile } from './file.js'
import { handleImport } from './import.js'
import { handleInit } from './init.js'
import { handleQuery } from './query.js'
import { rawBodyParser } from './raw-body.js'
import { failure, KNOWN_MODES, messages, plainLine, type ExchangeAnswer, type KnownMode } from './replies.js'
import { checkSession } from './session-check.js'
import { handleSuccess } from './success.js'

export interface ExchangePluginOptions {
  config: Readonly<Config>
  databases: Databases
}

/** The path 1C uses when the operator enters only a host (PROTOCOL.md §2); УНФ's mode=info is hard-wired to it. */
const BITRIX_EXCHANGE_PATH = '/bitrix/admin/1c_exchange.php'

/**
 * Parses the query string of a raw request URL. `+` is a space, names keep their case, the first occurrence of a name
 * wins. Returns null when a name or value has bad percent-encoding (answered with a failure, not a 500).
 * 1C appends `filename` unencoded (PROTOCOL.md §2); its names contain no `&`, `+`, `%` or `#`.
 */
export function parseQueryString(url: string): ExchangeParams | null {
  const question = url.indexOf('?')
  const params = new Map<string, string>()
  if (question < 0) return params
  for (const pair of url.slice(question + 1).split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1)
    let name: string
    let value: string
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '))
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '))
    } catch {
      return null
    }
    if (!params.has(name)) params.set(name, value)
  }
  return params
}

function isKnownMode(mode: string): mode is KnownMode {
  return (KNOWN_MODES as readonly string[]).includes(mode)
}

/** Adds `mode` and `type` to the log line, capped and flattened (they come from the client). */
function logRequestParams(request: FastifyRequest, params: ExchangeParams): void {
  const mode = params.get('mode')
  const type = params.get('type')
  if (mode !== undefined) request.logFields['mode'] = plainLine(mode, 40)
  if (type !== undefined) request.logFields['type'] = plainLine(type, 40)
}

function send(request: FastifyRequest, reply: FastifyReply, answer: ExchangeAnswer): FastifyReply {
  request.logFields['outcome'] = answer.outcome
  if (answer.reason !== undefined) request.logFields['reason'] = answer.reason
  reply.code(answer.statusCode)
  reply.header('content-type', answer.contentType)
  reply.header('cache-control', 'no-store')
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value)
  return reply.send(answer.body)
}

async function dispatch(ctx: ExchangeContext): Promise<ExchangeAnswer> {
  const { params } = ctx
  const mode = params.get('mode') ?? ''
  // PROTOCOL.md §2: checkauth succeeds for any type (the node's connection test sends type=catalog).
  if (mode === 'checkauth') return handleCheckauth(ctx)
  // Bitrix checks the type first, and so does 1C's expectation of the wording [BADM].
  if (params.get('type') !== 'sale') return failure(messages.unknownType)
  if (mode === 'info') return failure(messages.notSupported) // PROTOCOL.md §3.7
  if (!isKnownMode(mode)) return failure(messages.unknownMode(mode))

  const check = await checkSession(ctx)
  if (!check.ok) return check.answer
  const sessionCtx: SessionContext = { ...ctx, session: check.session }
  switch (mode) {
    case 'init':
      return handleInit(sessionCtx)
    case 'query':
      return handleQuery(sessionCtx)
    case 'success':
      return handleSuccess(sessionCtx)
    case 'file':
      return handleFile(sessionCtx)
    case 'import':
      return handleImport(sessionCtx)
    default:
      return failure(messages.unknownMode(mode)) // checkauth was answered above
  }
}

export const exchangePlugin: FastifyPluginAsync<ExchangePluginOptions> = async (app, { config, databases }) => {
  const importer = new UploadImporter({ databases, logger: app.log, waitMs: config.importWaitMs })
  // Imports running in the background stop at their next step and give their leases up before the databases close.
  app.addHook('onClose', () => importer.close())

  // Raw bytes for every body, whatever the Content-Type says, and with none at all (PROTOCOL.md §2, §8). The header is
  // set aside before Fastify reads it, because a value it cannot parse is refused with 415 before any parser runs;
  // it is only logged. The catch-all parser then takes every body, up to file_limit (raw-body.ts: what it does with a
  // larger one).
  app.addHook('onRequest', async (request) => {
    const contentType = request.raw.headers['content-type']
    if (contentType !== undefined) {
      request.logFields['contentType'] = plainLine(contentType, 100)
      delete request.raw.headers['content-type']
    }
  })
  // Basic credentials, read by @fastify/basic-auth (basic-auth.ts): checked at once for checkauth, kept for the session
  // check of the other modes.
  await registerBasicAuth(app, { databases, sessionTtlSeconds: config.sessionTtlSeconds, modeOf: (request) => parseQueryString(request.url)?.get('mode') })

  app.removeAllContentTypeParsers() // no JSON or text parsing inside the exchange
  app.addContentTypeParser('*', rawBodyParser(config.fileLimitBytes))

  // Errors raised before or outside the handler (body too large, bad Content-Length or Content-Type, anything thrown).
  app.setErrorHandler((error, request, reply) => {
    const params = parseQueryString(request.url)
    if (params) logRequestParams(request, params)
    const { code, statusCode } = error as { code?: string; statusCode?: number }
    let answer: ExchangeAnswer
    const refusal = basicRefusal(error)
    if (refusal) {
      answer = refusal
    } else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      answer = failure(messages.fileTooLarge(config.fileLimitBytes))
    } else if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      answer = failure(messages.badRequest)
      answer.reason = `${code ?? 'bad request'}: ${plainLine(String((error as Error).message), 120)}`
    } else {
      request.log.error({ err: error }, 'exchange request failed')
      answer = failure(isDatabaseUnavailable(error) ? messages.databaseUnavailable : messages.internal)
    }
    return send(request, reply, answer)
  })

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = parseQueryString(request.url)
    if (!params) return send(request, reply, failure(messages.malformedQuery))
    logRequestParams(request, params)
    let answer: ExchangeAnswer
    try {
      answer = await dispatch({ request, log: request.log, config, databases, params, importer })
    } catch (error) {
      // The database down, a bug: 1C gets a failure it can show, the details stay in the log.
      request.log.error({ err: error }, 'exchange request failed')
      answer = failure(isDatabaseUnavailable(error) ? messages.databaseUnavailable : messages.internal)
    }
    return send(request, reply, answer)
  }

  // PROTOCOL.md §2: 1C only sends GET and POST, and every 1C-facing error is HTTP 200 `failure\n<text>`. Any other
  // method Fastify knows is answered so too, its body (if any) read by the catch-all parser above, not refused with a
  // JSON 404 or 415. Hidden from routeList: no 1C ever calls them, openapi.yaml does not describe them.
  const otherMethods = app.supportedMethods.filter((method) => !['GET', 'HEAD', 'POST'].includes(method))
  const methodNotUsed = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = parseQueryString(request.url)
    if (params) logRequestParams(request, params)
    return send(request, reply, failure(messages.methodNotUsed(request.method)))
  }
  for (const url of exchangePaths(config)) {
    app.route({ method: ['GET', 'POST'], url, bodyLimit: config.fileLimitBytes, handler })
    app.route({ method: otherMethods, url, bodyLimit: config.fileLimitBytes, schema: { hide: true }, handler: methodNotUsed })
  }
}

/** The paths the exchange answers on (PROTOCOL.md §2): the configured one and Bitrix's. */
function exchangePaths(config: Pick<Config, 'exchangePath'>): string[] {
  return [...new Set([config.exchangePath, BITRIX_EXCHANGE_PATH])]
}

/**
 * For the app's not-found handler: a request on an exchange path with a method no route has (WebDAV and the like)
 * still gets the exchange's text answer, HTTP 200 `failure\n…`, never the admin API's JSON 404.
 */
export function exchangeMethodNotUsed(
  config: Pick<Config, 'exchangePath'>,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null {
  const paths = new Set(exchangePaths(config))
  return (request, reply) => {
    const path = request.url.split('?')[0]!.replace(/\/+$/, '')
    if (!paths.has(path)) return null
    return send(request, reply, failure(messages.methodNotUsed(request.method)))
  }
}
