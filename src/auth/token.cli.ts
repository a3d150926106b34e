/**
 * `npm run token -- --role location_admin --location <uuid> [--ttl 3600] [--sub <user>]` prints a short-lived admin API
 * token signed with ADMIN_JWT_SECRET (HS256), for development and ops. In production the Olvery platform issues them.
 */
import { isUuid } from '../uuid.js'
import { userInfo } from 'node:os'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig, type Config } from '../config.js'
import { ADMIN_ROLES, mintAdminToken } from './admin-auth.js'

const USAGE = `Usage:
  npm run token -- --role location_admin --location <location uuid> [--ttl 3600] [--sub <user id>]
  npm run token -- --role system_operator [--ttl 3600] [--sub <user id>]`

/** A day at most: these tokens are for a session of work, not for storing in scripts. */
export const MAX_TTL_SECONDS = 24 * 3600

export class TokenUsageError extends Error {}

export async function mintFromCli(
  config: Readonly<Config>,
  args: { role?: string; location?: string; ttl?: string; sub?: string },
): Promise<string> {
  const jwt = config.adminJwt
  if (!jwt) throw new TokenUsageError('ADMIN_JWT_SECRET is not set: set it (at least 32 characters) in the environment first.')
  if (jwt.secret === null) {
    throw new TokenUsageError(
      `This service verifies ${jwt.algorithm} tokens with ADMIN_JWT_PUBLIC_KEY; only the platform holding the private key can issue them. ` +
        '`npm run token` works with ADMIN_JWT_SECRET (HS256).',
    )
  }
  const problems: string[] = []
  const role = args.role
  if (!role || !(ADMIN_ROLES as readonly string[]).includes(role)) problems.push(`--role must be one of ${ADMIN_ROLES.join(', ')}`)
  if (role === 'location_admin' && !(args.location && isUuid(args.location))) {
    problems.push('--location must be the UUID of the location (a location_admin manages the integrations of one location)')
  }
  if (role === 'system_operator' && args.location) problems.push('--location is for location_admin; a system_operator sees every location')
  const ttl = args.ttl === undefined ? 3600 : Number(args.ttl)
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) problems.push(`--ttl must be a whole number of seconds, 1 to ${MAX_TTL_SECONDS}`)
  if (problems.length) throw new TokenUsageError(`${problems.join('\n')}\n${USAGE}`)
  const sub = args.sub?.trim() || `cli:${userInfo().username}`
  return mintAdminToken(jwt.secret, { sub, role: role!, locationId: args.location ?? null }, ttl)
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string' }, location: { type: 'string' }, ttl: { type: 'string' }, sub: { type: 'string' } },
  })
  console.log(await mintFromCli(loadConfig(process.env), values))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = error instanceof TokenUsageError ? 2 : 1
  })
}
