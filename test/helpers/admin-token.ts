/**
 * Admin API tokens for tests: the configured HS256 secret, RSA and EC key pairs, and tokens that are wrong in
 * every way a client or an attacker can make them (another algorithm, `alg: none`, expired, no `exp`, …).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'

export const TEST_ADMIN_SECRET = 'test-admin-secret-0123456789-abcdefghijklmnop'
export const OTHER_SECRET = 'another-secret-of-the-right-length-9876543210'

export interface KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  publicPem: string
}

function pair(kind: 'rsa' | 'ec'): KeyPair {
  const { privateKey, publicKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

let rsa: KeyPair | undefined
let ec: KeyPair | undefined
export const rsaKeys = () => (rsa ??= pair('rsa'))
export const ecKeys = () => (ec ??= pair('ec'))

/** The environment of an app whose admin API takes HS256 tokens signed with TEST_ADMIN_SECRET. */
export const HS256_ENV = { ADMIN_JWT_SECRET: TEST_ADMIN_SECRET }

type SigningAlgorithm = 'HS256' | 'RS256' | 'ES256'

export interface TokenOptions {
  alg?: SigningAlgorithm
  /** The signing key; the default fits `alg` (TEST_ADMIN_SECRET, or the test RSA/EC private key). */
  key?: KeyObject | Uint8Array | string
  sub?: string | null
  role?: string | null
  locationId?: string | null
  /** Seconds from now; null leaves `exp` out. Default 600. */
  expiresIn?: number | null
  /** Seconds from now for `iat`; default 0. */
  issuedIn?: number
  notBeforeIn?: number
  extra?: Record<string, unknown>
}

/** A signed token; every claim can be left out or made wrong. */
export async function signToken(options: TokenOptions = {}): Promise<string> {
  const alg = options.alg ?? 'HS256'
  const now = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = { ...options.extra }
  if (options.role !== null) claims['role'] = options.role ?? 'system_operator'
  if (options.locationId) claims['location_id'] = options.locationId
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt(now + (options.issuedIn ?? 0))
  if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? 'user-1')
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(now + (options.expiresIn ?? 600))
  if (options.notBeforeIn !== undefined) jwt = jwt.setNotBefore(now + options.notBeforeIn)
  let key = options.key ?? (alg === 'HS256' ? TEST_ADMIN_SECRET : alg === 'RS256' ? rsaKeys().privateKey : ecKeys().privateKey)
  if (typeof key === 'string') key = new TextEncoder().encode(key)
  return jwt.sign(key)
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An unsecured JWT (`alg: none`, RFC 7519 §6): header, claims and an empty signature. */
export function unsecuredToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000)
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user-1', role: 'system_operator', iat: now, exp: now + 600, ...claims })}.`
}

/** Tokens of the two roles. */
export const locationAdminToken = (locationId: string, options: TokenOptions = {}) =>
  signToken({ role: 'location_admin', locationId, ...options })
export const systemOperatorToken = (options: TokenOptions = {}) => signToken({ role: 'system_operator', ...options })
