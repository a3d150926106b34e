/**
 * Whether an error means "the database cannot be reached now" (refused, reset, timed out, terminated, not accepting
 * connections) rather than a fault of the request or of our code. Callers answer it as a temporary outage: 503 on
 * the admin API, a `failure` 1C retries later on the exchange; never a 500.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** PostgreSQL SQLSTATEs of an unavailable server: connection exceptions (08…), shutdown and recovery (57P0…), too many connections. */
const SQLSTATE = /^(08...|57P0[1-4]|53300)$/

/** node-postgres's own words for a connection that failed or died (it sets no code on these). */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'is not currently accepting connections',
]

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true
  if (PG_MESSAGES.some((text) => error.message.includes(text))) return true
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1)
}

/** The database's answer, or an error once `ms` pass without one (a probe or a scrape must not hang on it). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
