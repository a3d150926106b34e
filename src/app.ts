/**
 * Builds the Fastify application. Read it as the service's table of contents: each module registers its routes here,
 * in order. `server.ts` runs it as a process; tests build the same app and call `inject`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Databases } from './olvery/databases.js'
import { errorBody, jsonErrorHandler } from './errors.js'
import { healthPlugin } from './health/health.plugin.js'
import { metricsPlugin } from './metrics/metrics.plugin.js'
import { exchangeMethodNotUsed, exchangePlugin } from './exchange/exchange.plugin.js'
import { ADMIN_API_PREFIX, adminPlugin } from './admin/admin.plugin.js'
import { docsPlugin } from './docs/docs.plugin.js'
import { consolePlugin } from './console/console.plugin.js'
import { LOGIN_FAILURES_MATTER_SECONDS } from './auth/login-throttle.js'
import { Pruner } from './maintenance/pruner.js'

export interface AppOptions {
  config: Readonly<Config>
  databases: Databases
  /** A pino logger: Fastify's app and request loggers are its children. */
  logger?: Logger
  /** Where the built web console is; default dist/console/web (tests build it elsewhere). */
  consoleAssetsDir?: URL
  /** Prune the journal every RETENTION_INTERVAL while the app is up (the server does; tests run `app.pruner` by hand). */
  pruneInBackground?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, as `METHOD path`: what openapi.yaml must describe. */
    routeList: string[]
    /** The query-string schema of each route of routeList that has one: what openapi.yaml's query parameters say. */
    routeQueries: Map<string, unknown>
    /** Retention (EXPORT-SEMANTICS.md rule 11): the journal's pruner, counted by the metrics. */
    pruner: Pruner
  }
  interface FastifyRequest {
    /** Fields added to the one log line written when the response is sent. */
    logFields: Record<string, unknown>
  }
}

/**
 * Removes secrets (sessid) from a URL before it is logged: every query parameter whose name reads `sessid` once
 * decoded (`%73essid`, any letter case), with `&` or `;` as the separator a client may have used.
 */
export function redactUrl(url: string): string {
  const question = url.indexOf('?')
  if (question < 0) return url
  const query = url.slice(question + 1).replace(/(^|[&;])([^&;=]*)=([^&;]*)/g, (pair: string, separator: string, name: string) =>
    isSessidName(name) ? `${separator}${name}=[redacted]` : pair,
  )
  return `${url.slice(0, question + 1)}${query}`
}

function isSessidName(raw: string): boolean {
  let name = raw
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    // a name with bad percent-encoding is compared as written
  }
  return name.trim().toLowerCase() === 'sessid'
}

/** The path of a URL as quoted in a 404: no query string (it may hold sessid), no controls, at most 200 characters. */
function plainPath(url: string): string {
  const path = url.split('?')[0]!.replace(/[\u0000-\u001f\u007f]/g, '?')
  return path.length > 200 ? `${path.slice(0, 199)}…` : path
}

/**
 * What Node's HTTP parser cannot read (a malformed request line, both Content-Length and Transfer-Encoding, headers
 * over 16 KiB, a timeout) never reaches a route. Fastify's default answer is not our error shape, and it logs the
 * parser's error whole, `rawPacket` included: the raw request bytes, Authorization and Cookie headers with them.
 */
function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are larger than 16 KiB']
        : [400, 'The request is not valid HTTP/1.1']
  this.log.debug({ code: error.code, status }, 'unreadable HTTP request refused') // the code only: no raw bytes
  if (socket.writable) {
    const body = JSON.stringify(errorBody('BAD_REQUEST', message))
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
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
    // A path Fastify's router cannot read (bad percent-encoding: FST_ERR_BAD_URL; a segment over 100 characters:
    // FST_ERR_MAX_PARAM_LENGTH, a 414 by default) is answered before any route or error handler runs. Fastify's own
    // body for it is not our error shape and quotes the whole URL, query string (sessid) included.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      const code = (error as { code?: string }).code
      request.log.info({ code, url: redactUrl(request.url).slice(0, 200) }, 'request URL refused')
      const message =
        code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path segment is too long: no id or order number of this API is longer than 100 characters'
          : 'The request path is malformed (bad percent-encoding); encode it as RFC 3986 says'
      void (reply as FastifyReply).code(400).send(errorBody('BAD_REQUEST', message))
    },
  }
  const app: FastifyInstance = options.logger
    ? // The cast picks Fastify's overload for a logger instance (its inference otherwise lands on the HTTP/2 one).
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      Fastify({ ...fastifyOptions, loggerInstance: options.logger as FastifyBaseLogger })
    : Fastify({ ...fastifyOptions, logger: false })

  const routeList: string[] = []
  const routeQueries = new Map<string, unknown>()
  app.decorate('routeList', routeList)
  app.decorate('routeQueries', routeQueries)
  app.addHook('onRoute', (route) => {
    // Swagger UI's own pages and assets are hidden from the description they serve.
    if (route.schema?.hide) return
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      routeList.push(`${method} ${route.url}`)
      if (route.schema?.querystring) routeQueries.set(`${method} ${route.url}`, route.schema.querystring)
    }
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
  const exchangeNotFound = exchangeMethodNotUsed(config)
  app.setNotFoundHandler(
    (request, reply) =>
      // 1C paths answer in 1C's text protocol whatever the method (PROTOCOL.md §2).
      exchangeNotFound(request, reply) ??
      reply.code(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${plainPath(request.url)}`)),
  )

  // Retention runs beside the routes, stopped (the step in flight finished) before the databases close.
  const pruner = new Pruner({
    db: databases.db,
    retention: config.retention,
    logger: app.log,
    loginFailuresMatterSeconds: LOGIN_FAILURES_MATTER_SECONDS,
  })
  app.decorate('pruner', pruner)
  if (options.pruneInBackground) app.addHook('onReady', async () => pruner.start())
  app.addHook('onClose', async () => pruner.stop())

  // First, so its onResponse hook (durations, 1C counters from logFields) sees every route; serves GET /metrics.
  await app.register(metricsPlugin, { databases, pruner })
  await app.register(healthPlugin, { databases })
  await app.register(exchangePlugin, { config, databases })
  await app.register(adminPlugin, { config, databases, prefix: ADMIN_API_PREFIX })
  await app.register(docsPlugin)
  await app.register(consolePlugin, {
    config,
    prefix: config.consolePath,
    ...(options.consoleAssetsDir ? { assetsDir: options.consoleAssetsDir } : {}),
  })

  return app
}
