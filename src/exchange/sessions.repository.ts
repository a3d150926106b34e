/**
 * Exchange sessions, in PostgreSQL (schema `commerceml`, table `sessions`), so any replica can serve any request of
 * any session (EXPORT-SEMANTICS.md rule 5).
 *
 * A session is opened by `checkauth` and named by the cookie value of its answer, or by its `sessid`
 * (PROTOCOL.md §2). Only sha256 hashes of both are stored: they are random tokens of well over 128 bits, so a plain
 * hash is enough, and a database dump cannot be replayed as a session.
 */
import { createHash, randomBytes } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { IntegrationRow, ServiceDatabase } from '../db/database.js'
import { pollStateColumn, sessionBatchColumn } from '../export/export-state.repository.js'
import { toIntegration, type Integration } from '../integration/integration.js'
import { INTEGRATION_LOGIN_COLUMNS, toIntegrationLogin, type IntegrationLogin } from '../integration/integrations.repository.js'

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** `length` characters of [A-Za-z0-9], uniformly (rejection sampling). 32 characters carry about 190 bits. */
function randomAlnum(length: number): string {
  const out: string[] = []
  const limit = 256 - (256 % ALNUM.length)
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out.push(ALNUM[byte % ALNUM.length]!)
    }
  }
  return out.join('')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const TOKEN_LENGTH = 32

export interface OpenedSession {
  sessionId: string
  /** Line 3 of the checkauth answer. Never stored, never logged. */
  cookieValue: string
  /** Line 4 of the checkauth answer without `sessid=`. Never stored, never logged. */
  sessid: string
  expiresAt: Date
}

const insertSession = compiledOnce(
  (db: Kysely<ServiceDatabase>, integrationId: string, cookieHash: string, sessidHash: string, clientAddress: string | null, ttlSeconds: number) =>
    db
      .insertInto('sessions')
      .values({
        integration_id: integrationId,
        cookie_hash: cookieHash,
        sessid_hash: sessidHash,
        client_address: clientAddress,
        // The database clock, like created_at and the rotation time of the credentials it is compared with.
        expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
      })
      .returning(['id', 'expires_at']),
)

/** Opens a new session for an integration; it lives `ttlSeconds` from now and is extended on every use. */
export async function openSession(
  db: Db,
  params: { integrationId: string; ttlSeconds: number; clientAddress?: string | null },
): Promise<OpenedSession> {
  const cookieValue = randomAlnum(TOKEN_LENGTH)
  const sessid = randomAlnum(TOKEN_LENGTH) // independent of the cookie value (PROTOCOL.md §3.1)
  const { rows } = await insertSession(
    db,
    params.integrationId,
    hashToken(cookieValue),
    hashToken(sessid),
    params.clientAddress ?? null,
    params.ttlSeconds,
  )
  const row = rows[0]!
  return { sessionId: row.id, cookieValue, sessid, expiresAt: row.expires_at }
}

const openedForVerifiedLogin = compiledOnce(
  (
    db: Kysely<ServiceDatabase>,
    login: string,
    passwordHash: string,
    loginAddressKey: string,
    addressKey: string,
    loginKey: string,
    cookieHash: string,
    sessidHash: string,
    clientAddress: string | null,
    ttlSeconds: number,
  ) =>
    sql<IntegrationRow & { password_hash: string; rotated_at: Date; session_id: string; expires_at: Date }>`
    with found as (
           select ${INTEGRATION_LOGIN_COLUMNS}
             from commerceml.credentials c
             join commerceml.integrations i on i.id = c.integration_id
            where c.login = ${login}
              and c.password_hash = ${passwordHash}
              and i.enabled
              and i.archived_at is null
              and not exists (
                    select from commerceml.login_failures f
                     where (f.scope = 'login_address' and f.key_hash = ${loginAddressKey})
                        or (f.scope = 'address' and f.key_hash = ${addressKey})
                        or (f.scope = 'login' and f.key_hash = ${loginKey}))
         ),
         opened as (
           insert into commerceml.sessions (integration_id, cookie_hash, sessid_hash, client_address, expires_at)
           select id, ${cookieHash}, ${sessidHash}, ${clientAddress}, now() + make_interval(secs => ${ttlSeconds}) from found
           returning id, expires_at
         )
    select found.*, opened.id as session_id, opened.expires_at from found, opened`,
)

/**
 * checkauth of a login whose password was verified recently against `passwordHash` (onec-credentials.ts,
 * `recentlyVerifiedHash`), in one statement: the session is opened only if the login's credentials still carry that
 * hash, its integration is enabled and not archived, and the throttle holds no failure of this login, this address or
 * the pair (then it could refuse nothing, and no counter needs clearing). Null when any of that does not hold: nothing
 * was written, and checkauth goes the usual way (throttle, password, session).
 */
export async function openSessionForVerifiedLogin(
  db: Db,
  params: {
    login: string
    passwordHash: string
    throttleKeyHashes: { login_address: string; address: string; login: string }
    ttlSeconds: number
    clientAddress: string | null
  },
): Promise<{ opened: OpenedSession; found: IntegrationLogin } | null> {
  const cookieValue = randomAlnum(TOKEN_LENGTH)
  const sessid = randomAlnum(TOKEN_LENGTH)
  const k = params.throttleKeyHashes
  const { rows } = await openedForVerifiedLogin(
    db,
    params.login,
    params.passwordHash,
    k.login_address,
    k.address,
    k.login,
    hashToken(cookieValue),
    hashToken(sessid),
    params.clientAddress,
    params.ttlSeconds,
  )
  const row = rows[0]
  if (!row) return null
  const { session_id, expires_at, ...integration } = row
  return { opened: { sessionId: session_id, cookieValue, sessid, expiresAt: expires_at }, found: toIntegrationLogin(integration) }
}

export interface FoundSession {
  sessionId: string
  integration: Integration
  sessidHash: string
  createdAt: Date
  expiresAt: Date
  /** Not revoked and not past `expires_at`, by the database clock. */
  live: boolean
  /** The integration's password was changed after the session was opened: the session is void. */
  credentialsRotated: boolean
  /** The integration's login and password hash now, to check Basic credentials sent with the request. */
  login: string
  passwordHash: string
  /** Less than `TOUCH_WHEN_REMAINING` of the idle lifetime is left: the session should be extended. */
  dueForTouch: boolean
  /**
   * What the mode reads of the export state next, read with the session in the same statement (`SessionPrefetch`):
   * the export module's own json (export-state.repository.ts), undefined when not read.
   */
  prefetched: unknown
}

/**
 * The modes whose first read of the export state comes with the session lookup, sparing them a round trip: query's
 * `readPollState` and success's `findSessionBatch`.
 */
export type SessionPrefetch = 'query' | 'success'

/**
 * A session is extended once less than this share of its idle lifetime remains, rather than on every request: a
 * session used within its TTL still never expires, and the requests of one exchange seconds apart write it once.
 */
const TOUCH_WHEN_REMAINING = 0.95

/** `touchWithin`: seconds; a session expiring sooner than that from now is due for a touch. */
function sessionQuery(db: Db, touchWithin: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('integrations', 'integrations.id', 'sessions.integration_id')
    .innerJoin('credentials', 'credentials.integration_id', 'sessions.integration_id')
    .select([
      'integrations.id',
      'integrations.name',
      'integrations.class',
      'integrations.company_id',
      'integrations.location_id',
      'integrations.settings',
      'integrations.enabled',
      'integrations.archived_at',
      'integrations.created_at',
      'integrations.updated_at',
      'sessions.id as session_id',
      'sessions.sessid_hash',
      'sessions.created_at as session_created_at',
      'sessions.expires_at as session_expires_at',
      'credentials.login',
      'credentials.password_hash',
    ])
    .select((eb) => [
      eb.and([eb('sessions.revoked_at', 'is', null), eb('sessions.expires_at', '>', sql<Date>`now()`)]).as('live'),
      eb('credentials.rotated_at', '>', eb.ref('sessions.created_at')).as('rotated'),
      eb('sessions.expires_at', '<', sql<Date>`now() + make_interval(secs => ${touchWithin})`).as('due_for_touch'),
    ])
}

type SessionQueryRow = NonNullable<Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirst']>>>

function toFoundSession(row: SessionQueryRow & { prefetched?: unknown }): FoundSession {
  const {
    session_id,
    sessid_hash,
    session_created_at,
    session_expires_at,
    live,
    rotated,
    login,
    password_hash,
    due_for_touch,
    prefetched,
    ...integration
  } = row
  return {
    sessionId: session_id,
    integration: toIntegration(integration),
    sessidHash: sessid_hash,
    createdAt: session_created_at,
    expiresAt: session_expires_at,
    live: Boolean(live),
    credentialsRotated: Boolean(rotated),
    login,
    passwordHash: password_hash,
    dueForTouch: Boolean(due_for_touch),
    prefetched,
  }
}

const sessionByCookie = compiledOnce((db: Kysely<ServiceDatabase>, cookieHash: string, touchWithin: number) =>
  sessionQuery(db, touchWithin).where('sessions.cookie_hash', '=', cookieHash),
)

const integrationIdColumn = sql.ref<string>('sessions.integration_id')
const sessionIdColumn = sql.ref<string>('sessions.id')
const sessionByCookieWith: Record<SessionPrefetch, typeof sessionByCookie> = {
  query: compiledOnce((db: Kysely<ServiceDatabase>, cookieHash: string, touchWithin: number) =>
    sessionQuery(db, touchWithin)
      .select(pollStateColumn(integrationIdColumn).as('prefetched'))
      .where('sessions.cookie_hash', '=', cookieHash),
  ),
  success: compiledOnce((db: Kysely<ServiceDatabase>, cookieHash: string, touchWithin: number) =>
    sessionQuery(db, touchWithin)
      .select(sessionBatchColumn(integrationIdColumn, sessionIdColumn).as('prefetched'))
      .where('sessions.cookie_hash', '=', cookieHash),
  ),
}

/**
 * The session named by a cookie value (live or not; the caller decides), or null. `ttlSeconds` sets `dueForTouch`;
 * `prefetch` adds what that mode reads next (`FoundSession.prefetched`).
 */
export async function findSessionByCookie(
  db: Db,
  cookieValue: string,
  ttlSeconds: number,
  prefetch?: SessionPrefetch,
): Promise<FoundSession | null> {
  const find = prefetch ? sessionByCookieWith[prefetch] : sessionByCookie
  const { rows } = await find(db, hashToken(cookieValue), ttlSeconds * TOUCH_WHEN_REMAINING)
  return rows[0] ? toFoundSession(rows[0]) : null
}

/**
 * The session named by a `sessid` alone (a request without the cookie). `sessid_hash` has no index yet: this path
 * is rare (1C always sends the cookie), and the newest session wins should two ever share a hash.
 */
export async function findSessionBySessid(db: Db, sessid: string, ttlSeconds: number): Promise<FoundSession | null> {
  const row = await sessionQuery(db, ttlSeconds * TOUCH_WHEN_REMAINING)
    .where('sessions.sessid_hash', '=', hashToken(sessid))
    .orderBy('sessions.created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? toFoundSession(row) : null
}

/** Marks the session used now and extends its idle lifetime (PROTOCOL.md §2: 1C may load for minutes). */
export async function touchSession(db: Db, sessionId: string, ttlSeconds: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      last_seen_at: sql<Date>`now()`,
      expires_at: sql<Date>`greatest(expires_at, now() + make_interval(secs => ${ttlSeconds}))`,
    })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute()
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute()
}
