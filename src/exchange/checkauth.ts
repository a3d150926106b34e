/**
 * `mode=checkauth` (PROTOCOL.md §3.1): Basic credentials → a new exchange session. The session check of every other
 * mode is in session-check.ts.
 */
import { checkLoginAllowed, recordLoginFailure, recordLoginSuccess } from '../auth/login-throttle.js'
import { decoyPasswordHash, verifyPassword } from '../auth/onec-credentials.js'
import { isActive } from '../integration/integration.js'
import { findIntegrationByLogin, type IntegrationLogin } from '../integration/integrations.repository.js'
import type { ExchangeContext } from './context.js'
import { basicChallenge, checkauthSuccess, failure, messages, type ExchangeAnswer } from './replies.js'
import { openSession } from './sessions.repository.js'

export interface BasicCredentials {
  login: string
  password: string
}

/**
 * Reads `Authorization: Basic <base64(login:password)>` (RFC 7617; the scheme is case-insensitive, the credentials
 * UTF-8). Returns null when there are no Basic credentials (no header, or another scheme), 'malformed' when a Basic
 * header cannot be read.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null | 'malformed' {
  const scheme = /^\s*basic(?:\s+(.*))?$/is.exec(header ?? '')
  if (!scheme) return null
  const token = (scheme[1] ?? '').trim()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) return 'malformed'
  const decoded = Buffer.from(token, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return 'malformed'
  // RFC 7617 §2: "The user-id and password MUST NOT contain any control characters". A NUL would also reach
  // PostgreSQL in the login lookup, which refuses it (an error, not a wrong password).
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'malformed'
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Checks a login and password; an unknown login costs the same scrypt work as a wrong password. */
async function verifyCredentials(
  db: ExchangeContext['databases']['db'],
  credentials: BasicCredentials,
): Promise<IntegrationLogin | null> {
  const found = credentials.login.length <= 64 ? await findIntegrationByLogin(db, credentials.login) : null
  const matches = await verifyPassword(credentials.password, found?.passwordHash ?? (await decoyPasswordHash()))
  return found && matches ? found : null
}

/** PROTOCOL.md §3.1. Works for any `type`: 1C's connection test sends `type=catalog&mode=checkauth`. */
export async function handleCheckauth(ctx: ExchangeContext): Promise<ExchangeAnswer> {
  const { request, databases, config } = ctx
  const credentials = parseBasicAuthorization(request.headers.authorization)
  if (credentials === null) return basicChallenge(messages.credentialsMissing)
  if (credentials === 'malformed') return basicChallenge(messages.credentialsWrong)

  // Guessing is limited per login and address before any password is checked (src/auth/login-throttle.ts).
  const throttleKeys = { login: credentials.login.slice(0, 64), address: request.ip }
  const { refusal, pairFailed } = await checkLoginAllowed(databases.db, throttleKeys)
  if (refusal) {
    request.log.warn({ login: throttleKeys.login, scope: refusal.scope }, 'checkauth refused: too many failed logins')
    return failure(messages.tooManyFailures(refusal.retryAfterSeconds))
  }
  const found = await verifyCredentials(databases.db, credentials)
  if (!found) {
    await recordLoginFailure(databases.db, throttleKeys)
    request.log.warn({ login: throttleKeys.login }, 'checkauth refused: wrong login or password')
    return basicChallenge(messages.credentialsWrong)
  }
  if (pairFailed) await recordLoginSuccess(databases.db, throttleKeys)
  request.logFields['integrationId'] = found.integration.id
  if (!isActive(found.integration)) return failure(messages.integrationOff(found.integration.name))

  // Every checkauth opens a new session (PROTOCOL.md §3.1); earlier ones live on until they expire.
  const opened = await openSession(databases.db, {
    integrationId: found.integration.id,
    ttlSeconds: config.sessionTtlSeconds,
    clientAddress: request.ip,
  })
  request.logFields['sessionId'] = opened.sessionId
  return checkauthSuccess(opened.cookieValue, opened.sessid)
}
