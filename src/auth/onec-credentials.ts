/**
 * 1C's Basic credentials. A login names one integration; the password is kept only as a scrypt hash
 * (`scrypt$N$r$p$salt$hash`, base64url) and compared in constant time.
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  )

/** N = 2^15, r = 8: about 32 MiB and some tens of milliseconds per hash (OWASP's scrypt baseline). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32
const MAX_MEMORY = 64 * 1024 * 1024

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: MAX_MEMORY })
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/**
 * Passwords verified recently, so 1C, which sends Basic credentials with every request of an exchange, pays for one
 * scrypt per password rather than one per request. The key binds the password to the stored hash: a rotated password
 * has a new hash, and its old entry can never match again. Only successes are remembered, so guessing still costs a
 * full scrypt per attempt. Kept in this process only, bounded, oldest entry evicted first.
 */
const verified = new Map<string, number>()
const VERIFIED_MAX = 10_000
const VERIFIED_TTL_MS = 15 * 60 * 1000

function verifiedKey(password: string, stored: string): string {
  return createHash('sha256').update(stored).update('\u0000').update(password).digest('base64url')
}

/** Whether this password was verified against this hash recently: `verifyPassword` then answers without scrypt. */
export function isRecentlyVerified(password: string, stored: string): boolean {
  const at = verified.get(verifiedKey(password, stored))
  return at !== undefined && Date.now() - at < VERIFIED_TTL_MS
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isRecentlyVerified(password, stored)) return true
  const key = verifiedKey(password, stored)
  const ok = await verifyPasswordSlowly(password, stored)
  if (ok) {
    verified.delete(key)
    verified.set(key, Date.now())
    if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value!)
  }
  return ok
}

/**
 * Logins whose password was verified recently, keyed by a digest of the login and the password, with the stored hash
 * it was verified against: checkauth then opens its session in the same statement that reads the login's credentials,
 * on condition that they still carry that hash (no rotation since) and that the throttle holds no failure of this
 * login or address (exchange/sessions.repository.ts). What this may and may not do, as for `verified` above:
 * - an entry exists only after scrypt accepted exactly this login and password against that hash, and it is used
 *   only while the database still holds the same hash, so it never admits a password the database would not;
 * - a rotated password has a new hash: the entry no longer matches it, and the next checkauth verifies with scrypt;
 * - a wrong password, or an unknown login, never finds an entry, so a guess costs the full scrypt (or the decoy's)
 *   and meets the throttle first, exactly as without the entry; only the right password is answered faster;
 * - the key is a sha256 of login and password, never the password itself; the process holds it for at most
 *   VERIFIED_TTL_MS, and at most VERIFIED_MAX of them, oldest dropped first. Someone able to read the process's
 *   memory could test guesses against it offline at sha256 speed, but could equally read the passwords 1C sends.
 */
const verifiedLogins = new Map<string, { stored: string; at: number }>()

function loginKey(login: string, password: string): string {
  return createHash('sha256').update(login).update('\u0000').update(password).digest('base64url')
}

/** Remembers that `password` of `login` matched `stored` (checked by `verifyPassword` just before). */
export function rememberVerifiedLogin(login: string, password: string, stored: string): void {
  const key = loginKey(login, password)
  verifiedLogins.delete(key)
  verifiedLogins.set(key, { stored, at: Date.now() })
  if (verifiedLogins.size > VERIFIED_MAX) verifiedLogins.delete(verifiedLogins.keys().next().value!)
}

/** The stored hash this login and password were verified against recently, or null. */
export function recentlyVerifiedHash(login: string, password: string): string | null {
  const key = loginKey(login, password)
  const entry = verifiedLogins.get(key)
  if (!entry) return null
  if (Date.now() - entry.at >= VERIFIED_TTL_MS) {
    verifiedLogins.delete(key)
    return null
  }
  return entry.stored
}

async function verifyPasswordSlowly(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A hash that matches no password, checked when a login is unknown so the answer takes as long as a real check. */
let decoyHash: Promise<string> | undefined
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return decoyHash
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** A random token from an unambiguous alphabet (no 0/O, 1/l/I), for passwords a person types into 1C. */
function randomToken(length: number, alphabet = ALPHABET): string {
  const out: string[] = []
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % alphabet.length) && out.length < length) out.push(alphabet[byte % alphabet.length]!)
    }
  }
  return out.join('')
}

/** 24 characters of a 56-letter alphabet: about 139 bits. */
export function generatePassword(): string {
  return randomToken(24)
}

/** `1c-` and 10 lower-case letters and digits; matches the credentials.login check constraint. */
function generateLogin(): string {
  return `1c-${randomToken(10, 'abcdefghijkmnpqrstuvwxyz23456789')}`
}

export interface IssuedCredentials {
  login: string
  /** Shown once; only `passwordHash` is stored. */
  password: string
  passwordHash: string
}

/** New 1C credentials: the login and password chosen (the demo's fixed ones), or generated ones, and the hash. */
export async function issueCredentials(chosen: { login?: string; password?: string } = {}): Promise<IssuedCredentials> {
  const login = chosen.login ?? generateLogin()
  const password = chosen.password ?? generatePassword()
  return { login, password, passwordHash: await hashPassword(password) }
}
