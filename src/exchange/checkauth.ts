/**
 * `mode=checkauth` (PROTOCOL.md §3.1): Basic credentials (checked by basic-auth.ts before this runs) → a new exchange
 * session. The session check of every other mode is in session-check.ts.
 */
import { isActive } from '../integration/integration.js'
import type { ExchangeContext } from './context.js'
import { basicChallenge, checkauthSuccess, failure, messages, type ExchangeAnswer } from './replies.js'
import { openSession } from './sessions.repository.js'

/** PROTOCOL.md §3.1. Works for any `type`: 1C's connection test sends `type=catalog&mode=checkauth`. */
export async function handleCheckauth(ctx: ExchangeContext): Promise<ExchangeAnswer> {
  const { request, databases, config } = ctx
  // Verified before this handler runs, or refused with the challenge (basic-auth.ts).
  const basic = request.basicAuthorization
  if (basic.kind === 'none') return basicChallenge(messages.credentialsMissing)
  if (basic.kind !== 'verified') return basicChallenge(messages.credentialsWrong)
  const { found } = basic
  request.logFields['integrationId'] = found.integration.id
  if (!isActive(found.integration)) return failure(messages.integrationOff(found.integration.name))

  // Every checkauth opens a new session (PROTOCOL.md §3.1); earlier ones live on until they expire. The Basic check
  // opened it already when the password was verified recently (basic-auth.ts).
  const opened =
    basic.opened ??
    (await openSession(databases.db, {
    integrationId: found.integration.id,
    ttlSeconds: config.sessionTtlSeconds,
      clientAddress: request.ip,
    }))
  request.logFields['sessionId'] = opened.sessionId
  return checkauthSuccess(opened.cookieValue, opened.sessid)
}
