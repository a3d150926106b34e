/**
 * The admin REST API under `/api/v1` (openapi.yaml describes every route): companies, integrations and their 1C
 * credentials, the exchange journal and the files 1C uploaded, and support (one order's delivery status, the preview
 * of the next `query`, re-export). One routes file per resource; this plugin holds what they share.
 *
 * Every route needs an admin token (src/auth/admin-auth.ts); a location administrator sees the integrations and
 * companies of its own location only (scope.ts). Errors are JSON `{ "error": { "code", "message", "details"? } }`
 * (src/errors.ts); a 5xx never says more than that.
 */
import type { FastifyPluginAsync } from 'fastify'
import { Ajv, type Options as AjvOptions } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { authenticateAdmin, type AdminIdentity } from '../auth/admin-auth.js'
import { AppError } from '../errors.js'
import { companiesRoutes } from './companies.routes.js'
import { integrationsRoutes } from './integrations.routes.js'
import { journalRoutes } from './journal.routes.js'
import type { AdminRoutesOptions } from './scope.js'
import { supportRoutes } from './support.routes.js'

export const ADMIN_API_PREFIX = '/api/v1'

// ajv-formats is CommonJS: at run time the default import is the plugin function, NodeNext types it as the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/**
 * Request validation: bodies strictly as sent (no type coercion, unknown fields refused rather than silently
 * dropped, which Fastify's default would do); query strings and path parameters coerced from their text.
 */
function validatorCompiler() {
  const base: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false }
  const bodyAjv = addFormats(new Ajv({ ...base, coerceTypes: false }))
  const textAjv = addFormats(new Ajv({ ...base, coerceTypes: true }))
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    if (httpPart === 'body') {
      return bodyAjv.compile(schema)
    }
    return textAjv.compile(schema)
  }
}

/** Where a NUL character is in a request's parts (`body.settings.paymentrules[0].gateway`), in keys or values; null if nowhere. */
function findNulCharacter(parts: Record<string, unknown>): string | null {
  const stack: Array<[path: string, value: unknown]> = Object.entries(parts)
  while (stack.length) {
    const [path, value] = stack.pop()!
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([`${path}[${i}]`, item]))
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return path
        stack.push([`${path}.${key}`, item])
      }
    }
  }
  return null
}

export const adminPlugin: FastifyPluginAsync<AdminRoutesOptions> = async (app, { config, databases }) => {
  app.setValidatorCompiler(validatorCompiler())
  app.decorateRequest('admin', null as unknown as AdminIdentity)
  app.addHook('onRequest', authenticateAdmin(config.adminJwt))
  // No body at all (or JSON null) is read as `{}`: a missing field is then reported by name, and an optional body
  // (credentials) may be left out.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {}
    // PostgreSQL refuses U+0000 in text and jsonb: a NUL anywhere in the request is a 400 naming where, before the
    // database would turn it into a 500 (an order number `T-%00`, a name or a settings string with "\u0000").
    const where = findNulCharacter({ path: request.params, query: request.query, body: request.body })
    if (where !== null) {
      throw new AppError('BAD_REQUEST', `Invalid request: ${where} contains a NUL character (U+0000), which no field accepts`, {
        problems: [{ path: where, message: 'contains a NUL character (U+0000)' }],
      })
    }
  })

  // The routes files see the hooks and the validator above (they are registered inside this plugin's context).
  const routes = { config, databases }
  await app.register(companiesRoutes, routes)
  await app.register(integrationsRoutes, routes)
  await app.register(journalRoutes, routes)
  await app.register(supportRoutes, routes)
}
