/**
 * One catalogue of error codes. The admin API answers `{ "error": { "code", "message", "details"? } }`; the exchange
 * answers 1C in its own text protocol (`failure\n<reason>`, see src/exchange/replies.ts) and never in JSON.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from './unavailable.js'

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  INVALID_SETTINGS: 400,
  /** A companyId that is not a company of the caller's location (or of the platform, for a system operator). */
  UNKNOWN_COMPANY: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** An order number that names several orders of the integration's company (in different locations). */
  AMBIGUOUS_ORDER_NUMBER: 409,
  /** Archived integrations are read-only: their journal stays readable, nothing else changes. */
  INTEGRATION_ARCHIVED: 409,
  /** Rule 9: only the integration's latest batch, while unacknowledged, may be acknowledged by hand. */
  BATCH_NOT_ACKNOWLEDGEABLE: 409,
  /** Rule 11: the batch is in the journal, but retention has pruned its stored document. */
  DOCUMENT_PRUNED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** Neither ADMIN_JWT_SECRET nor ADMIN_JWT_PUBLIC_KEY is set: the admin API is off (the exchange works). */
  ADMIN_API_NOT_CONFIGURED: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly details: unknown
  /** Response headers that belong to the error, e.g. `WWW-Authenticate` of a 401. */
  readonly headers: Readonly<Record<string, string>>
  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = ERROR_CODES[code]
    this.details = details
    this.headers = headers
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

/** One problem of a request that failed schema validation: where (`body.settings`, `query.limit`) and what. */
interface RequestProblem {
  path: string
  message: string
}

interface ValidationIssue {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' }

/** `/orderIds/2` → `orderIds[2]`, prefixed with the part of the request. */
function problemPath(part: string, instancePath: string, extra?: string): string {
  const steps = instancePath.split('/').slice(1)
  if (extra !== undefined) steps.push(extra)
  return steps.reduce((path, step) => (/^\d+$/.test(step) ? `${path}[${step}]` : `${path}.${step}`), part)
}

/** Ajv's validation errors as messages a person can act on. */
function describeValidation(part: string, issues: readonly ValidationIssue[]): RequestProblem[] {
  const where = PART_NAMES[part] ?? part
  return issues.map((issue) => {
    const p = issue.params
    switch (issue.keyword) {
      case 'required':
        return { path: problemPath(where, issue.instancePath, String(p['missingProperty'])), message: 'is required' }
      case 'additionalProperties':
        return { path: problemPath(where, issue.instancePath, String(p['additionalProperty'])), message: 'is not a known field' }
      case 'type': {
        const type = String(p['type']).replace(/,/g, ' or ')
        return { path: problemPath(where, issue.instancePath), message: `must be ${type === 'integer' ? 'a whole number' : `of type ${type}`}` }
      }
      case 'format':
        return {
          path: problemPath(where, issue.instancePath),
          message: p['format'] === 'uuid' ? 'must be a UUID' : p['format'] === 'date' ? 'must be a date written YYYY-MM-DD' : `must be a valid ${String(p['format'])}`,
        }
      case 'enum':
        return { path: problemPath(where, issue.instancePath), message: `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` }
      case 'const':
        return { path: problemPath(where, issue.instancePath), message: `must be ${JSON.stringify(p['allowedValue'])}` }
      default:
        return { path: problemPath(where, issue.instancePath), message: issue.message ?? 'is invalid' }
    }
  })
}

/** Fastify's own 4xx codes, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
}

/**
 * The JSON error answer of every route outside the exchange (which has its own text handler): `AppError`s as they
 * are, schema validation failures with each problem named, Fastify's 4xx with a catalogue code, and anything else
 * as a 500 whose details stay in the log.
 */
export function jsonErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details))
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const problems = describeValidation(fastifyError.validationContext ?? 'body', fastifyError.validation)
    const message = `Invalid request: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`
    return reply.code(400).send(errorBody('BAD_REQUEST', message, { problems }))
  }
  if (isDatabaseUnavailable(error)) {
    // An outage, not a bug: say so, and when to come back (the pool reconnects by itself when the database returns).
    request.log.error({ err: error }, 'request failed: database unavailable')
    reply.header('retry-after', '10')
    return reply.code(503).send(errorBody('UNAVAILABLE', 'The database of the service is unreachable; nothing was changed. Try again in a few seconds.'))
  }
  const status = fastifyError.statusCode ?? 500
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send(errorBody('INTERNAL', 'Internal error; the details are in the service log.'))
  }
  const code: ErrorCode = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) || (status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST')
  return reply.code(status).send(errorBody(code, error.message))
}
