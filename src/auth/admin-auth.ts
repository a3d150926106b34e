/**
 * Who may use the admin API: `Authorization: Bearer <JWT>` issued by the Olvery platform (RFC 6750), checked with
 * jose against the one configured algorithm (HS256 with ADMIN_JWT_SECRET, or RS256/ES256 with ADMIN_JWT_PUBLIC_KEY).
 *
 * - `exp` is required; `exp`, `nbf` and `iat` are compared with this host's clock within ADMIN_JWT_MAX_SKEW_SECONDS.
 * - Claims: `sub` (the platform user), `role`, and `location_id` (required for `location_admin`).
 * - `location_admin` manages the integrations of its location only; `system_operator` manages all of them; any other
 *   role is authenticated but refused (403). Missing or invalid token: 401 with a Bearer challenge.
 * - Neither key configured: the admin API answers 503 and says what to set; the exchange is not affected.
 */
import { isUuid } from '../uuid.js'
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import type { AdminJwtConfig } from '../config.js'
import { AppError } from '../errors.js'

export const ADMIN_ROLES = ['location_admin', 'system_operator'] as const
type AdminRole = (typeof ADMIN_ROLES)[number]

export interface AdminIdentity {
  /** The platform user (`sub`). */
  sub: string
  role: AdminRole
  /** `location_id` of a location administrator; null for a system operator (all locations). */
  locationId: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticateAdmin` on every admin API request before its handler runs. */
    admin: AdminIdentity
  }
}

const REALM = 'olvery-1c-exchange'

/** RFC 6750 §3: no credentials → the bare challenge; bad credentials → `error="invalid_token"`. */
function unauthorized(message: string, invalidToken: boolean): AppError {
  const challenge = invalidToken
    ? `Bearer realm="${REALM}", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`
    : `Bearer realm="${REALM}"`
  return new AppError('UNAUTHORIZED', message, undefined, { 'www-authenticate': challenge })
}

function adminApiNotConfigured(): AppError {
  return new AppError(
    'ADMIN_API_NOT_CONFIGURED',
    'The admin API is not configured: set ADMIN_JWT_SECRET (HS256, at least 32 characters) or ADMIN_JWT_PUBLIC_KEY ' +
      '(RS256/ES256, PEM) and restart the service. The 1C exchange works without it.',
  )
}

function verificationKey(config: AdminJwtConfig): KeyObject {
  return config.secret !== null ? createSecretKey(Buffer.from(config.secret, 'utf8')) : createPublicKey(config.publicKey!)
}

/** Why jose refused a token, in words an operator can act on. */
function describeJoseError(error: unknown, algorithm: string): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; get a new one'
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return `The token is not signed with ${algorithm}, the only algorithm this service accepts`
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature does not verify'
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') return 'The token has no "exp" claim; admin tokens must expire'
    if (error.claim === 'nbf') return 'The token is not valid yet ("nbf" is in the future)'
    return `The token's "${error.claim}" claim is invalid`
  }
  return 'The token is malformed'
}

export type AdminTokenVerifier = (token: string) => Promise<AdminIdentity>

/** Verifies a token and reads the identity from it; throws a 401 or 403 `AppError`. */
function createAdminTokenVerifier(config: AdminJwtConfig, clock: () => Date = () => new Date()): AdminTokenVerifier {
  const key = verificationKey(config)
  return async (token) => {
    let payload: JWTPayload
    const now = clock()
    try {
      ;({ payload } = await jwtVerify(token, key, {
        algorithms: [config.algorithm],
        clockTolerance: config.maxSkewSeconds,
        requiredClaims: ['exp'],
        currentDate: now,
      }))
    } catch (error) {
      throw unauthorized(describeJoseError(error, config.algorithm), true)
    }
    // jose checks `iat` only together with a maximum age; a token issued in the future is a clock problem too.
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + config.maxSkewSeconds) {
      throw unauthorized('The token was issued in the future ("iat"); check the clocks', true)
    }
    const { sub, role } = payload
    const locationId = payload['location_id']
    if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 256) {
      throw unauthorized('The token has no "sub" claim naming the user', true)
    }
    if (typeof role !== 'string' || role === '') throw unauthorized('The token has no "role" claim', true)
    if (!(ADMIN_ROLES as readonly string[]).includes(role)) {
      throw new AppError('FORBIDDEN', `Role "${role.slice(0, 64)}" may not manage integrations; ${ADMIN_ROLES.join(' or ')} may`)
    }
    if (role === 'location_admin') {
      if (typeof locationId !== 'string' || !isUuid(locationId)) {
        throw unauthorized('A location_admin token needs a "location_id" claim holding the location UUID', true)
      }
      return { sub, role, locationId: locationId.toLowerCase() }
    }
    return { sub, role: role as AdminRole, locationId: null }
  }
}

/** `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 7235 §2.1); null when absent or another scheme. */
function readBearerToken(header: string | undefined): string | null {
  const match = /^\s*bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header ?? '')
  return match ? match[1]! : null
}

/**
 * An `onRequest` hook for the admin API's routes: sets `request.admin` or answers 401/403 (503 when no key is
 * configured). Runs before the body is read, so an unauthenticated caller learns nothing about its request.
 */
export function authenticateAdmin(config: Readonly<AdminJwtConfig> | null) {
  const verify = config ? createAdminTokenVerifier(config) : null
  return async (request: FastifyRequest): Promise<void> => {
    if (!verify) throw adminApiNotConfigured()
    const header = request.headers.authorization
    const token = readBearerToken(header)
    if (token === null) {
      const hint = config!.secret !== null ? '`npm run token` mints one with ADMIN_JWT_SECRET' : 'the Olvery platform issues it'
      throw unauthorized(
        header ? 'The Authorization header is not "Bearer <token>"' : `Send Authorization: Bearer <token> (${hint})`,
        header !== undefined,
      )
    }
    const admin = await verify(token)
    request.admin = admin
    request.logFields['adminSub'] = admin.sub.slice(0, 100)
    request.logFields['adminRole'] = admin.role
  }
}

/** Whether the caller manages integrations of this location. */
export function managesLocation(admin: AdminIdentity, locationId: string): boolean {
  return admin.role === 'system_operator' || admin.locationId === locationId.toLowerCase()
}

/** The location the caller is confined to; null = every location. */
export function locationScope(admin: AdminIdentity): string | null {
  return admin.role === 'system_operator' ? null : admin.locationId
}

export interface AdminTokenClaims {
  sub: string
  role: string
  locationId?: string | null
}

/** An HS256 token as the platform issues them, for development and ops (`npm run token`) and for tests. */
export async function mintAdminToken(secret: string, claims: AdminTokenClaims, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ role: claims.role, ...(claims.locationId ? { location_id: claims.locationId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(createSecretKey(Buffer.from(secret, 'utf8')))
}
