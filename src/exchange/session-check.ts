/**
 * The session check of every mode but checkauth (PROTOCOL.md §2): the cookie from the checkauth answer, or its
 * `sessid`, names the exchange session the request belongs to.
 *
 * Basic credentials on these modes are checked too (PROTOCOL.md §2: "Basic MAY be accepted in addition") but never
 * stand in for the session (EXPORT-SEMANTICS.md, "Exchange session"): `success` must find the batch of its own
 * `query`, and the chunks of one file must land in one upload area. A session-less request with valid credentials
 * therefore gets `failure\nexchange session unknown or expired; …`, like any other request without a session.
 */
import { timingSafeEqual } from 'node:crypto'
import { checkLoginAllowed, recordLoginFailure } from '../auth/login-throttle.js'
import { isRecentlyVerified, verifyPassword } from '../auth/onec-credentials.js'
import { isActive } from '../integration/integration.js'
import type { ExchangeContext } from './context.js'
import { failure, messages, SESSION_COOKIE_NAME, type ExchangeAnswer } from './replies.js'
import {
  findSessionByCookie,
  findSessionBySessid,
  hashToken,
  revokeSession,
  touchSession,
  type FoundSession,
} from './sessions.repository.js'

/**
 * The value of our session cookie in a Cookie header. 1C sends exactly `<line2>=<line3>`; other clients may add
 * cookies, spaces, quotes or old-style comma separators. The cookie name is matched without regard to case.
 */
function readSessionCookie(header: string | string[] | undefined): string | null {
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

  const prefetch = mode === 'query' || mode === 'success' ? mode : undefined
  const session =
    cookieValue !== null
      ? await findSessionByCookie(databases.db, cookieValue, config.sessionTtlSeconds, prefetch)
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
  const credentials = request.basicAuthorization
  if (credentials.kind !== 'none') {
    const wrong = () => refuse('Basic credentials wrong or of another integration', 'the login and password do not match the session')
    if (credentials.kind !== 'credentials' || credentials.login !== session.login) return wrong()
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

