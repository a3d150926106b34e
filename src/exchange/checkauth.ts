/**
 * Who is calling: `mode=checkauth` (Basic credentials → a new exchange session, PROTOCOL.md §3.1) and the session
 * check of every other mode (the cookie from the checkauth answer, or its `sessid`, PROTOCOL.md §2).
 *
 * Basic credentials on the other modes are checked too (PROTOCOL.md §2: "Basic MAY be accepted in addition") but
 * never stand in for the session (EXPORT-SEMANTICS.md, "Exchange session"): `success` must find the batch of its own
 * `query`, and the chunks of one file must land in one upload area. A session-less request with valid credentials
 * therefore gets `failure\nexchange session unknown or expired; …`, like any other request without a session.
 */
import { timingSafeEqual } from 'node:crypto'
import { checkLoginAllowed, recordLoginFailure, recordLoginSuccess } from '../auth/login-throttle.js'
import { decoyPasswordHash, isRecentlyVerified, verifyPassword } from '../auth/onec-credentials.js'
import { findIntegrationByLogin, isActive, type IntegrationLogin } from '../integrations/integrations.repository.js'
import type { ExchangeContext } from './exchange.plugin.js'
import { basicChallenge, checkauthSuccess, failure, messages, SESSION_COOKIE_NAME, type ExchangeAnswer } from './replies.js'
import {
  findSessionByCookie,
  findSessionBySessid,
  hashToken,
  openSession,
  revokeSession,
  touchSession,
  type FoundSession,
} from './sessions.repository.js'

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
export async function verifyCredentials(
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

/**
 * The value of our session cookie in a Cookie header. 1C sends exactly `<line2>=<line3>`; other clients may add
 * cookies, spaces, quotes or old-style comma separators. The cookie name is matched without regard to case.
 */
export function readSessionCookie(header: string | string[] | undefined): string | null {
  const text = Array.isArray(header) ? header.join(';') : (header ?? '')
  for (const part of text.split(/[;,]/)) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim().toLowerCase() !== SESSION_COOKIE_NAME.toLowerCase()) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (value !== '') return value
  }
  return null
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

export type SessionCheck = { ok: true; session: FoundSession } | { ok: false; answer: ExchangeAnswer }

/**
 * The session of a request other than checkauth (PROTOCOL.md §2):
 * - named by our cookie, else by `sessid`; with both, they must name the same session;
 * - live (not revoked, not past its idle expiry), opened after the integration's last password change, and its
 *   integration enabled and not archived;
 * - Basic credentials, when sent, must be right and belong to the session's integration.
 * A usable session is extended to `sessionTtlSeconds` from now once a twentieth of that has passed since it last was.
 */
export async function checkSession(ctx: ExchangeContext): Promise<SessionCheck> {
  const { request, databases, config, params } = ctx
  const mode = params.get('mode') ?? ''
  const refuse = (reason: string, why?: string): SessionCheck => {
    request.log.warn({ mode, reason }, 'exchange session unknown or expired')
    const answer = failure(messages.sessionUnknown(mode, why))
    answer.reason = `${answer.reason ?? ''} [${reason}]`
    return { ok: false, answer }
  }

  const cookieValue = readSessionCookie(request.headers.cookie)
  const sessid = params.get('sessid') || null
  if (cookieValue === null && sessid === null) return refuse('no session cookie or sessid')

  const session =
    cookieValue !== null
      ? await findSessionByCookie(databases.db, cookieValue, config.sessionTtlSeconds)
      : await findSessionBySessid(databases.db, sessid!, config.sessionTtlSeconds)
  if (!session) return refuse(cookieValue !== null ? 'unknown cookie' : 'unknown sessid')
  request.logFields['integrationId'] = session.integration.id
  request.logFields['sessionId'] = session.sessionId

  if (cookieValue !== null && sessid !== null && !sameHash(hashToken(sessid), session.sessidHash)) {
    return refuse('sessid names another session than the cookie', 'the sessid and the cookie name different sessions')
  }
  if (!session.live) return refuse('session expired or revoked')
  if (session.credentialsRotated) {
    await revokeSession(databases.db, session.sessionId)
    return refuse('password changed after the session was opened', 'the password of the integration was changed')
  }
  if (!isActive(session.integration)) return { ok: false, answer: failure(messages.integrationOff(session.integration.name)) }

  // Checked against the session's own integration, whose login and hash came with the session. A password not
  // verified recently costs a scrypt and is a guess like any at checkauth: the same throttle counts and limits it, so
  // a stolen cookie is no faster way to try passwords.
  const credentials = parseBasicAuthorization(request.headers.authorization)
  if (credentials !== null) {
    const wrong = () => refuse('Basic credentials wrong or of another integration', 'the login and password do not match the session')
    if (credentials === 'malformed' || credentials.login !== session.login) return wrong()
    if (!isRecentlyVerified(credentials.password, session.passwordHash)) {
      const throttleKeys = { login: credentials.login, address: request.ip }
      const { refusal } = await checkLoginAllowed(databases.db, throttleKeys)
      if (refusal) {
        request.log.warn({ login: throttleKeys.login, scope: refusal.scope }, 'Basic on a session refused: too many failed logins')
        return { ok: false, answer: failure(messages.tooManyFailures(refusal.retryAfterSeconds)) }
      }
      if (!(await verifyPassword(credentials.password, session.passwordHash))) {
        await recordLoginFailure(databases.db, throttleKeys)
        return wrong()
      }
    }
  }

  if (session.dueForTouch) await touchSession(databases.db, session.sessionId, config.sessionTtlSeconds)
  return { ok: true, session }
}

