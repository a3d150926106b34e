/**
 * `GET /docs`: Swagger UI for openapi.yaml, the hand-written description of every route (the spec itself at
 * `/docs/json` and `/docs/yaml`). The document is served as written (static mode), not generated from the routes;
 * test/app/openapi.test.ts keeps the two in step.
 */
import fs from 'node:fs'
import type { FastifyPluginAsync } from 'fastify'
import swagger, { type StaticDocumentSpec } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { parse } from 'yaml'
import { errorBody } from '../errors.js'

/** openapi.yaml at the project root: two levels up from both src/docs/ and dist/docs/. */
const OPENAPI_URL = new URL('../../openapi.yaml', import.meta.url)

/** The parsed document, or null when the file is not there (an image built without it). */
function readOpenApiDocument(url: URL = OPENAPI_URL): Record<string, unknown> | null {
  if (!fs.existsSync(url)) return null
  return parse(fs.readFileSync(url, 'utf8')) as Record<string, unknown>
}

export interface DocsOptions {
  /** Where openapi.yaml is (tests point it elsewhere). */
  documentUrl?: URL
}

export const docsPlugin: FastifyPluginAsync<DocsOptions> = async (app, { documentUrl = OPENAPI_URL }) => {
  const document = readOpenApiDocument(documentUrl)
  if (!document) {
    // The documentation must never keep the 1C exchange from starting: say what is missing, loudly, and go on.
    app.log.error({ path: documentUrl.pathname }, 'openapi.yaml not found: /docs is unavailable (ship openapi.yaml next to dist/)')
    app.get('/docs', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).send(errorBody('UNAVAILABLE', 'openapi.yaml is not shipped with this build of the service')),
    )
    return
  }
  await app.register(swagger, { mode: 'static', specification: { document: document as unknown as StaticDocumentSpec['document'] } })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, docExpansion: 'list' },
    // "Try it out" calls the host that served the page first, then the servers the document lists.
    transformSpecification: (spec, request) => {
      const servers = Array.isArray(spec['servers']) ? (spec['servers'] as unknown[]) : []
      return { ...spec, servers: [{ url: `${request.protocol}://${request.host}`, description: 'this service' }, ...servers] }
    },
  })
}
