/**
 * 1C's Basic credentials (PROTOCOL.md §2, §3.1; RFC 7617), read by @fastify/basic-auth: it parses the header (the
 * scheme in any letter case, UTF-8 credentials, no control characters) and hands the login and password to
 * `validate`, which this file implements in the order the exchange needs:
 *
 * - `mode=checkauth`: an empty login is refused outright; the login throttle is checked before any password
 *   (src/auth/login-throttle.ts); an unknown login costs the same scrypt work as a wrong password (a decoy hash);
 *   a failure is recorded. What it found is the request's `basicAuthorization`; what it refused is an error, which the
 *   exchange's error handler answers with the 401 challenge and the `failure` body (`basicRefusal`).
 * - every other mode: the credentials are only read here. They are checked in the session check against the
 *   session's own integration, after the session (session-check.ts), so a request is answered about its session
 *   first, as before; a header the plugin cannot read is recorded as `malformed` for that check.
 *
 * The plugin's hook runs only when the request carries Basic credentials: without them (no header, or another scheme)
 * checkauth answers the challenge and the other modes rely on their session alone.
 */
import fastifyBasicAuth from '@fastify/basic-auth'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkLoginAndFindIntegration, keysOf, recordLoginFailure, recordLoginSuccess, type ThrottleKeys } from '../auth/login-throttle.js'
import { decoyPasswordHash, recentlyVerifiedHash, rememberVerifiedLogin, verifyPassword } from '../auth/onec-credentials.js'
import type { IntegrationLogin } from '../integration/integrations.repository.js'
import type { Databases } from '../olvery/databases.js'
import { basicChallenge, failure, messages, type ExchangeAnswer } from './replies.js'
import { openSessionForVerifiedLogin, type OpenedSession } from './sessions.repository.js'

interface BasicCredentials {
  login: string
  password: string
}

/** What the Basic header of a request says, once read. */
type BasicAuthorization =
  /** No Basic credentials: no Authorization header, or another scheme. */
  | { kind: 'none' }
  /** A Basic header that cannot be read (modes other than checkauth; checkauth refuses it at once). */
  | { kind: 'malformed' }
  /** Read, to be checked against the session (modes other than checkauth). */
  | ({ kind: 'credentials' } & BasicCredentials)
  /**
   * checkauth: the login and password of this integration, and the session opened with the check when the password
   * was verified recently (`openSessionForVerifiedLogin`); null when checkauth is still to open it.
   */
  | { kind: 'verified'; found: IntegrationLogin; opened: OpenedSession | null }

declare module 'fastify' {
  interface FastifyRequest {
    basicAuthorization: BasicAuthorization
  }
}

/** The most characters a login has (credentials.login's check); a longer one names no integration. */
const LOGIN_MAX = 64

/** checkauth's credentials are wrong or unreadable: the 401 challenge. */
class CredentialsRefused extends Error {
  readonly code = 'EXCHANGE_CREDENTIALS_REFUSED'
  readonly statusCode = 401
}

/** checkauth from a login or address the throttle blocks: a `failure` line saying for how long. */
class LoginThrottled extends Error {
  readonly code = 'EXCHANGE_LOGIN_THROTTLED'
  readonly statusCode = 429
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed logins')
  }
}

/** The plugin's own error for a Basic header it cannot read. */
const UNREADABLE_HEADER = 'FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER'

/** The answer to an error of the Basic check at checkauth, or null when the error is not one of them. */
export function basicRefusal(error: unknown): ExchangeAnswer | null {
  if (error instanceof LoginThrottled) return failure(messages.tooManyFailures(error.retryAfterSeconds))
  if (error instanceof CredentialsRefused || (error as { code?: unknown } | null)?.code === UNREADABLE_HEADER) {
    return basicChallenge(messages.credentialsWrong)
  }
  return null
}

/**
 * checkauth's validation, in order: empty login, throttle, password (or decoy), failure or success recorded. The
 * throttle's counters and the login's integration come in one read; the throttle is decided before any password is
 * checked, and an unknown login costs the same scrypt work as a wrong password (a decoy hash).
 */
async function verifyCheckauth(
  databases: Databases,
  request: FastifyRequest,
  credentials: BasicCredentials,
  sessionTtlSeconds: number,
): Promise<{ found: IntegrationLogin; opened: OpenedSession | null }> {
  if (credentials.login === '') throw new CredentialsRefused('empty login')
  // Guessing is limited per login and address before any password is checked.
  const throttleKeys: ThrottleKeys = { login: credentials.login.slice(0, LOGIN_MAX), address: request.ip }
  // The password of this login verified recently: one statement checks that the hash and the integration are as they
  // were and the throttle counts no failure, and opens the session; otherwise the usual way below.
  const verifiedHash = recentlyVerifiedHash(credentials.login, credentials.password)
  if (verifiedHash !== null) {
    const fast = await openSessionForVerifiedLogin(databases.db, {
      login: credentials.login,
      passwordHash: verifiedHash,
      throttleKeyHashes: keysOf(throttleKeys),
      ttlSeconds: sessionTtlSeconds,
      clientAddress: request.ip,
    })
    if (fast) return fast
  }
  // A login longer than any names no integration: looked up as the empty login, which none has.
  const lookedUp = credentials.login.length <= LOGIN_MAX ? credentials.login : ''
  const { check, found } = await checkLoginAndFindIntegration(databases.db, throttleKeys, lookedUp)
  const { refusal, pairFailed } = check
  if (refusal) {
    request.log.warn({ login: throttleKeys.login, scope: refusal.scope }, 'checkauth refused: too many failed logins')
    throw new LoginThrottled(refusal.retryAfterSeconds)
  }
  const matches = await verifyPassword(credentials.password, found?.passwordHash ?? (await decoyPasswordHash()))
  if (!found || !matches) {
    await recordLoginFailure(databases.db, throttleKeys)
    request.log.warn({ login: throttleKeys.login }, 'checkauth refused: wrong login or password')
    throw new CredentialsRefused('wrong login or password')
  }
  if (pairFailed) await recordLoginSuccess(databases.db, throttleKeys)
  rememberVerifiedLogin(credentials.login, credentials.password, found.passwordHash)
  return { found, opened: null }
}

/**
 * Registers @fastify/basic-auth on the exchange and the hook that runs it for requests with Basic credentials.
 * `modeOf` tells checkauth from the other modes (the query string is the exchange's own to parse).
 */
export async function registerBasicAuth(
  app: FastifyInstance,
  params: { databases: Databases; sessionTtlSeconds: number; modeOf: (request: FastifyRequest) => string | undefined },
): Promise<void> {
  const { databases, sessionTtlSeconds, modeOf } = params
  await app.register(fastifyBasicAuth, {
    // BWS around the scheme and the credentials, as RFC 7230 §3.2.3 asks a recipient to accept.
    strictCredentials: false,
    utf8: true,
    // The challenge, its realm and its `failure` body are the exchange's own (replies.ts basicChallenge).
    authenticate: false,
    async validate(login: string, password: string, request: FastifyRequest) {
      if (modeOf(request) !== 'checkauth') {
        request.basicAuthorization = { kind: 'credentials', login, password }
        return
      }
      try {
        request.basicAuthorization = { kind: 'verified', ...(await verifyCheckauth(databases, request, { login, password }, sessionTtlSeconds)) }
      } catch (error) {
        if (error instanceof CredentialsRefused || error instanceof LoginThrottled) throw error
        // Not a refusal (the database down, a bug): the plugin would make it a 401; it is the exchange's own failure.
        throw Object.assign(new Error('checkauth could not check the credentials', { cause: error }), { statusCode: 500 })
      }
    },
  })
  // Set by the hook below, before any handler runs.
  app.decorateRequest('basicAuthorization')
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    request.basicAuthorization = { kind: 'none' }
    if (!/^[ \t]*basic(?:[ \t]|$)/i.test(request.headers.authorization ?? '')) {
      done()
      return
    }
    const checkauth = modeOf(request) === 'checkauth'
    app.basicAuth(request, reply, (error?: Error) => {
      if (error && !checkauth && (error as { code?: unknown }).code === UNREADABLE_HEADER) {
        request.basicAuthorization = { kind: 'malformed' }
        done()
        return
      }
      done(error)
    })
  })
}
