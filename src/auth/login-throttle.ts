/**
 * Limits guessing of 1C passwords. Failed checkauth attempts are counted in PostgreSQL (shared by replicas) under
 * hashed keys, in three scopes:
 *   - login + address: 5 failures lock that pair for a minute, doubling with each further failure (up to an hour);
 *   - address: 20 failures within 15 minutes lock the address for 15 minutes, whatever logins it tries;
 *   - login: 50 failures within 15 minutes from anywhere refuse that login to every address that has failed on it
 *     recently, while an address with no failures (the real 1C) still gets in.
 * A successful login clears its login + address counter. A locked request is refused before the password is checked.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { IntegrationRow, ServiceDatabase } from '../db/database.js'
import { INTEGRATION_LOGIN_COLUMNS, toIntegrationLogin, type IntegrationLogin } from '../integration/integrations.repository.js'

type Scope = 'address' | 'login_address' | 'login'

export const THROTTLE = {
  pairFailuresBeforeLock: 5,
  pairFirstLockSeconds: 60,
  pairMaxLockSeconds: 3600,
  addressFailures: 20,
  addressLockSeconds: 15 * 60,
  loginFailures: 50,
  windowSeconds: 15 * 60,
} as const

/**
 * How long a login-failure counter can still decide a refusal: the longest window or lock of the throttle. Past it, a
 * counter gone and one kept decide the same, so retention may delete it (src/app.ts hands this to the pruner).
 */
export const LOGIN_FAILURES_MATTER_SECONDS = Math.max(THROTTLE.windowSeconds, THROTTLE.pairMaxLockSeconds, THROTTLE.addressLockSeconds)

const hashKey = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex')

export interface ThrottleKeys {
  login: string
  address: string
}

/** The hashed keys of the throttle's counters of this login and address, per scope. */
export function keysOf({ login, address }: ThrottleKeys): Record<Scope, string> {
  return {
    login_address: hashKey('login_address', login.toLowerCase(), address),
    address: hashKey('address', address),
    login: hashKey('login', login.toLowerCase()),
  }
}

interface Refusal {
  /** Seconds until another attempt may succeed. */
  retryAfterSeconds: number
  scope: Scope
}

export interface LoginCheck {
  /** Why the attempt is refused before any password is checked; null when it may go on. */
  refusal: Refusal | null
  /** This login failed from this address before: a success must clear that counter (`recordLoginSuccess`). */
  pairFailed: boolean
}

const failuresOf = compiledOnce((db: Kysely<ServiceDatabase>, loginAddress: string, address: string, login: string) =>
  db
    .selectFrom('login_failures')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'login_address'), eb('key_hash', '=', loginAddress)]),
        eb.and([eb('scope', '=', 'address'), eb('key_hash', '=', address)]),
        eb.and([eb('scope', '=', 'login'), eb('key_hash', '=', login)]),
      ]),
    ),
)

interface FailureRow {
  scope: string
  failures: number
  first_failure_at: Date
  last_failure_at: Date
  locked_until: Date | null
}

/** Whether this login from this address may try a password now. */
export async function checkLoginAllowed(db: Kysely<ServiceDatabase>, keys: ThrottleKeys, now = new Date()): Promise<LoginCheck> {
  const k = keysOf(keys)
  const { rows } = await failuresOf(db, k.login_address, k.address, k.login)
  return decide(rows, now)
}

function decide(rows: readonly FailureRow[], now: Date): LoginCheck {
  const byScope = new Map(rows.map((r) => [r.scope, r]))
  const pairFailed = byScope.has('login_address')
  for (const scope of ['login_address', 'address'] as const) {
    const lockedUntil = byScope.get(scope)?.locked_until
    if (lockedUntil && lockedUntil > now) {
      return { refusal: { scope, retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) }, pairFailed }
    }
  }
  const login = byScope.get('login')
  const pair = byScope.get('login_address')
  const windowStart = now.getTime() - THROTTLE.windowSeconds * 1000
  if (
    login &&
    login.failures >= THROTTLE.loginFailures &&
    login.first_failure_at.getTime() >= windowStart &&
    pair &&
    pair.last_failure_at.getTime() >= windowStart
  ) {
    const retryAfterSeconds = Math.ceil((login.first_failure_at.getTime() + THROTTLE.windowSeconds * 1000 - now.getTime()) / 1000)
    return { refusal: { scope: 'login', retryAfterSeconds }, pairFailed }
  }
  return { refusal: null, pairFailed }
}

type FailureAndCredentialsRow = { [K in keyof FailureRow]: FailureRow[K] | null } & { [K in keyof IntegrationRow]: IntegrationRow[K] | null } & {
  password_hash: string | null
  rotated_at: Date | null
}

// One row per scope, each with the integration of `login` (nulls where there is none): checkauth's only read.
const failuresAndCredentials = compiledOnce((db: Kysely<ServiceDatabase>, loginAddress: string, address: string, loginKey: string, login: string) =>
  sql<FailureAndCredentialsRow>`
    select f.scope, f.failures, f.first_failure_at, f.last_failure_at, f.locked_until, ${INTEGRATION_LOGIN_COLUMNS}
      from (values ('login_address', ${loginAddress}::text), ('address', ${address}::text), ('login', ${loginKey}::text)) as k (scope, key_hash)
      left join commerceml.login_failures f on f.scope = k.scope and f.key_hash = k.key_hash
      left join (commerceml.credentials c join commerceml.integrations i on i.id = c.integration_id) on c.login = ${login}`,
)

/**
 * checkauth's read in one round trip: the throttle's counters of this login and address (`checkLoginAllowed`) and
 * the integration of `login` with its password hash (`findIntegrationByLogin`). The caller still decides on the
 * throttle before it checks any password; reading the hash in the same statement tells an attacker nothing more.
 */
export async function checkLoginAndFindIntegration(
  db: Kysely<ServiceDatabase>,
  keys: ThrottleKeys,
  login: string,
  now = new Date(),
): Promise<{ check: LoginCheck; found: IntegrationLogin | null }> {
  const k = keysOf(keys)
  const { rows } = await failuresAndCredentials(db, k.login_address, k.address, k.login, login)
  const failures = rows.flatMap((r) => (r.scope === null ? [] : [r as FailureRow & FailureAndCredentialsRow]))
  const first = rows[0]
  const found =
    first && first.id !== null ? toIntegrationLogin(first as IntegrationRow & { password_hash: string; rotated_at: Date }) : null
  return { check: decide(failures, now), found }
}

/** Counts one failed attempt in every scope and sets the locks the policy calls for. */
export async function recordLoginFailure(db: Kysely<ServiceDatabase>, keys: ThrottleKeys, now = new Date()): Promise<void> {
  const k = keysOf(keys)
  const windowStart = new Date(now.getTime() - THROTTLE.windowSeconds * 1000)
  await db.transaction().execute(async (trx) => {
    for (const scope of ['login_address', 'address', 'login'] as const) {
      const row = await trx
        .insertInto('login_failures')
        .values({ scope, key_hash: k[scope], failures: 1, first_failure_at: now, last_failure_at: now, locked_until: null })
        .onConflict((oc) =>
          oc.columns(['scope', 'key_hash']).doUpdateSet((eb) => ({
            // A counter whose window has passed starts again (the pair counter keeps growing until a success).
            failures: scope === 'login_address'
              ? eb('login_failures.failures', '+', 1)
              : eb.case().when('login_failures.first_failure_at', '<', windowStart).then(1).else(eb('login_failures.failures', '+', 1)).end(),
            first_failure_at: eb.case().when('login_failures.first_failure_at', '<', windowStart).then(now).else(eb.ref('login_failures.first_failure_at')).end(),
            last_failure_at: now,
          })),
        )
        .returning(['failures'])
        .executeTakeFirstOrThrow()
      let lockSeconds = 0
      if (scope === 'login_address' && row.failures >= THROTTLE.pairFailuresBeforeLock) {
        const doublings = row.failures - THROTTLE.pairFailuresBeforeLock
        lockSeconds = Math.min(THROTTLE.pairMaxLockSeconds, THROTTLE.pairFirstLockSeconds * 2 ** Math.min(doublings, 16))
      } else if (scope === 'address' && row.failures >= THROTTLE.addressFailures) {
        lockSeconds = THROTTLE.addressLockSeconds
      }
      if (lockSeconds > 0) {
        await trx
          .updateTable('login_failures')
          .set({ locked_until: new Date(now.getTime() + lockSeconds * 1000) })
          .where('scope', '=', scope)
          .where('key_hash', '=', k[scope])
          .execute()
      }
    }
  })
}

/** A successful login clears the counter of its login + address. */
export async function recordLoginSuccess(db: Kysely<ServiceDatabase>, keys: ThrottleKeys): Promise<void> {
  await db.deleteFrom('login_failures').where('scope', '=', 'login_address').where('key_hash', '=', keysOf(keys).login_address).execute()
}
