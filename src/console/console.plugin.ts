/**
 * The web console for location administrators at CONSOLE_PATH (default `/admin`): one HTML page for every screen
 * (the list, `/integrations/<id>`) and its built ES modules and stylesheet under `/assets/`, all from `dist/console/web`
 * (`npm run build`: index.html there, the rest in its `assets/`). The page talks to the service only through the admin REST API, with the platform's token; this
 * plugin serves files and nothing else, and none of its routes is part of the API (hidden from openapi.yaml's routes).
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import type { Config } from '../config.js'
import { errorBody } from '../errors.js'
import { consoleSecurityHeaders } from './console-headers.js'

/** The built console: `dist/console/web/`, two levels up from both src/console/ and dist/console/. */
export const CONSOLE_ASSETS_URL = new URL('../../dist/console/web/', import.meta.url)

export interface ConsolePluginOptions {
  config: Readonly<Config>
  /** Where the built console is (tests build it elsewhere). */
  assetsDir?: URL
}

const hidden = { schema: { hide: true } }

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * index.html with what the page cannot learn from the API: where it is served, the exchange URL to give 1C,
 * whether to show the development hints (`npm run token`) on the sign-in screen, and how long empty polls are kept.
 */
function renderIndex(template: string, config: Readonly<Config>): string {
  const values: Record<string, string> = {
    CONSOLE_BASE: config.consolePath,
    // Without PUBLIC_URL the page puts its own origin in front of the path.
    EXCHANGE_URL: `${config.publicUrl?.replace(/\/+$/, '') ?? ''}${config.exchangePath}`,
    // The embedded demo is a developer's machine; a configured server is not.
    DEV_HINTS: String(config.demoSeed),
    // The journal's chart says from which day on empty polls are no longer counted (they were pruned).
    EMPTY_POLLS_KEPT_SECONDS: String(config.retention.emptyPollsSeconds),
  }
  return template.replace(/%([A-Z_]+)%/g, (whole, name: string) => (name in values ? escapeAttribute(values[name]!) : whole))
}

export const consolePlugin: FastifyPluginAsync<ConsolePluginOptions> = async (app, { config, assetsDir = CONSOLE_ASSETS_URL }) => {
  const headers = consoleSecurityHeaders(config)
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(headers)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `No console page ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`)),
  )

  const indexFile = new URL('index.html', assetsDir)
  if (!fs.existsSync(indexFile)) {
    // The exchange and the API must never depend on the console: say what is missing, loudly, and go on.
    app.log.error({ path: fileURLToPath(assetsDir) }, 'the web console is not built: run npm run build')
    const unavailable = async (_request: unknown, reply: FastifyReply) =>
      reply.code(503).send(errorBody('UNAVAILABLE', 'The web console is not built in this copy of the service: run npm run build'))
    app.get('', hidden, unavailable)
    app.get('/integrations/:id', hidden, unavailable)
    return
  }
  const index = renderIndex(fs.readFileSync(indexFile, 'utf8'), config)
  const page = async (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(index)
  app.get('', hidden, page)
  app.get('/integrations/:id', hidden, page)

  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('assets/', assetsDir)),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    list: false,
    schemaHide: true,
    // File names carry no hash: the browser asks again each time, and gets 304 while nothing changed.
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'no-cache')
    },
  })
}
