/**
 * `GET /health`: the process is alive (for restarts). `GET /ready`: the databases answer and every migration is
 * applied (for load balancers and the container HEALTHCHECK); 503 with the failing check otherwise.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Databases } from '../olvery/databases.js'
import { pendingMigrations } from '../db/migrate.js'
import { withTimeout } from '../unavailable.js'

export interface HealthOptions {
  databases: Databases
  /** How long a readiness probe waits for the database. */
  timeoutMs?: number
}

type Check = 'ok' | 'failing'

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, { databases, timeoutMs = 3000 }) => {
  app.get('/health', async () => ({ status: 'ok' }))

  app.get('/ready', async (request, reply) => {
    const checks: { database: Check; migrations: Check | 'unknown' } = { database: 'ok', migrations: 'unknown' }
    let reason: string | undefined
    try {
      await withTimeout(databases.ping(), timeoutMs)
      const pending = await withTimeout(pendingMigrations(databases), timeoutMs)
      checks.migrations = pending.length ? 'failing' : 'ok'
      if (pending.length) reason = `migrations not applied: ${pending.map((m) => m.name).join(', ')}`
    } catch (error) {
      checks.database = 'failing'
      reason = 'database unreachable'
      request.log.warn({ err: error }, 'readiness check failed')
    }
    const ready = checks.database === 'ok' && checks.migrations === 'ok'
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready', checks } : { status: 'unavailable', reason, checks })
  })
}
