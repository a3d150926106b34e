/**
 * Builds the Fastify application. Read it as the service's table of contents: each module registers its routes here,
 * in order. `server.ts` runs it as a process; tests build the same app and call `inject`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Databases } from './db/connection.js'
import { errorBody, jsonErrorHandler } from './errors.js'
import { healthPlugin } from './health/health.plugin.js'
import { metricsPlugin } from './metrics/metrics.plugin.js'
import { exchangePlugin } from './exchange/exchange.plugin.js'
import { ADMIN_API_PREFIX, integrationsPlugin } from './integrations/integrations.plugin.js'
import { docsPlugin } from './docs/docs.plugin.js'

export interface AppOptions {
  config: Readonly<Config>
  databases: Databases
  logger?: Logger
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, as `METHOD path`: what openapi.yaml must describe. */
    routeList: string[]
  }
  interface FastifyRequest {
    /** Fields added to the one log line written when the response is sent. */
    logFields: Record<string, unknown>
  }
}

/** Removes secrets (sessid) from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]sessid=)[^&]*/gi, '$1[redacted]')
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, databases } = options
  const fastifyOptions: FastifyServerOptions = {
    // Fastify's two lines per request are replaced by the one line written in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    // 1C sends filename unencoded and parameters in any order (PROTOCOL.md §2); keep the raw query intact.
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: config.trustProxy,
    bodyLimit: Math.max(config.fileLimitBytes, 1024 * 1024),
  }
  const app: FastifyInstance = options.logger
    ? Fastify({ ...fastifyOptions, loggerInstance: options.logger as FastifyBaseLogger })
    : Fastify({ ...fastifyOptions, logger: false })

  const routeList: string[] = []
  app.decorate('routeList', routeList)
  app.addHook('onRoute', (route) => {
    // Swagger UI's own pages and assets are hidden from the description they serve.
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push(`${method} ${route.url}`)
  })
  app.decorateRequest('logFields')
  app.addHook('onRequest', async (request) => {
    request.logFields = {}
  })
  // One line per request, with whatever the route added (integration, mode, batch, bytes, outcome).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
        ...request.logFields,
      },
      'request completed',
    )
  })

  // JSON errors everywhere but the exchange, which answers 1C in its own text protocol (its plugin has its own handler).
  app.setErrorHandler(jsonErrorHandler)
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${redactUrl(request.url).split('?')[0]}`)),
  )

  // First, so its onResponse hook (durations, 1C counters from logFields) sees every route; serves GET /metrics.
  await app.register(metricsPlugin, { databases })
  await app.register(healthPlugin, { databases })
  await app.register(exchangePlugin, { config, databases })
  await app.register(integrationsPlugin, { config, databases, prefix: ADMIN_API_PREFIX })
  await app.register(docsPlugin)

  return app
}
