/**
 * Calls the admin API as a client would (`app.inject`) and checks every answer against openapi.yaml: the status must
 * be documented for the operation, the Content-Type must be one of its media types, and a JSON body must validate
 * against the document's schema (OpenAPI 3.1 schemas are JSON Schema 2020-12, compiled with ajv).
 */
import fs from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { Kysely } from 'kysely'
import { parse } from 'yaml'
import type { OlveryDatabase } from '../../src/olvery/olvery.schema.js'
import { locationAdminToken } from './admin-token.js'
import { createSupplier, SEED_SETTINGS, type Supplier } from './factories.js'
import { OneCClient } from './onec-client.js'

// ajv-formats is CommonJS: at run time the default import is the plugin function, NodeNext types it as the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const openApiDocument: Json = parse(fs.readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'))
const DOCUMENT_ID = 'https://olvery-1c-exchange.test/openapi.yaml'

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }))
ajv.addFormat('binary', true)
ajv.addSchema(openApiDocument, DOCUMENT_ID)

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** Follows `#/components/...` references within the document. */
export function resolve(node: Json): Json {
  let current = node
  while (current && typeof current['$ref'] === 'string') {
    current = current['$ref']
      .replace(/^#\//, '')
      .split('/')
      .reduce((n: Json, key: string) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], openApiDocument)
  }
  return current
}

/** The JSON pointer of a schema inside the document, so ajv compiles it with the document's `$ref`s resolvable. */
function schemaValidator(pointer: string) {
  const validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer}`)
  if (!validate) throw new Error(`openapi.yaml has no schema at ${pointer}`)
  return validate
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** Every documented operation under `prefix`, as `METHOD /path/{param}`. */
export function documentedOperations(prefix = '/api/v1'): string[] {
  const out: string[] = []
  for (const [path, item] of Object.entries<Json>(openApiDocument['paths'])) {
    if (!path.startsWith(prefix)) continue
    for (const method of METHODS) if (resolve(item)[method]) out.push(`${method.toUpperCase()} ${path}`)
  }
  return out.sort()
}

/** Operations answered in this process, with their statuses: `GET /api/v1/integrations/{id} 200`. */
export const exercised = new Set<string>()

/** What the checks need of a tap `t`. */
export interface Checker {
  fail(...args: [message: string, extra: Record<string, unknown>]): unknown
}

/** A tap `t` as the arranging helpers use it: checks, and `equal` on what they expect. */
export type CheckingTest = Checker & { equal(...args: [found: unknown, wanted: unknown, message: string]): unknown }

export interface CheckedResponse {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  contentType: string
  rawPayload: Buffer
  /** The parsed body when it is JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string
}

/**
 * Checks one answer of `METHOD path` against the document; reports problems through `t.fail` (so a test fails where
 * the service and openapi.yaml disagree). Returns the names of the problems found.
 */
export function checkAgainstDocument(
  t: Checker,
  method: string,
  path: string,
  res: { statusCode: number; contentType: string; json: unknown },
): string[] {
  const problems: string[] = []
  const item = openApiDocument['paths'][path]
  const operation = item ? resolve(item)[method.toLowerCase()] : undefined
  if (!operation) {
    problems.push(`${method} ${path} is not in openapi.yaml`)
  } else {
    const status = String(res.statusCode)
    const documented = operation.responses?.[status]
    if (!documented) {
      problems.push(`${method} ${path} answered ${status}, which openapi.yaml does not document`)
    } else {
      exercised.add(`${method} ${path} ${status}`)
      const response = resolve(documented)
      const mediaType = res.contentType.split(';')[0]!.trim()
      const content = response.content ?? {}
      if (!(mediaType in content)) {
        problems.push(`${method} ${path} ${status} answered ${mediaType}; openapi.yaml documents ${Object.keys(content).join(', ') || 'no body'}`)
      } else if (mediaType === 'application/json') {
        // The pointer of the schema: through the response's $ref when it has one.
        const base = documented['$ref']
          ? String(documented['$ref']).replace(/^#/, '')
          : `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${status}`
        const validate = schemaValidator(`${base}/content/${escapePointer(mediaType)}/schema`)
        if (!validate(res.json)) {
          problems.push(`${method} ${path} ${status} body does not match openapi.yaml: ${ajv.errorsText(validate.errors)}`)
        }
      }
    }
  }
  for (const problem of problems) t.fail(problem, { body: res.json })
  return problems
}

export interface ApiCall {
  /** Path parameters of the template. */
  params?: Record<string, string | number>
  query?: Record<string, string | number | boolean>
  body?: unknown
  /** A raw payload instead of JSON `body`. */
  payload?: string | Buffer
  /** The bearer token; null sends no Authorization header. */
  token?: string | null
  headers?: Record<string, string>
}

/** `/integrations/{id}` with `{ id }` → `/api/v1/integrations/<id>` (values URL-encoded). */
function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for {${name}} in ${template}`)
    return encodeURIComponent(String(params[name]))
  })
}

export class AdminApi {
  constructor(
    /** The app every call goes to (`inject`). */
    readonly app: FastifyInstance,
    /** The default token of this client. */
    public token: string | null = null,
  ) {}

  /** One request; `path` is the documented template, e.g. `/api/v1/integrations/{id}`. */
  async call(t: Checker, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, call: ApiCall = {}): Promise<CheckedResponse> {
    const url = fillPath(path, call.params)
    const search = new URLSearchParams(Object.entries(call.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString()
    const headers: Record<string, string> = { ...call.headers }
    const token = call.token === undefined ? this.token : call.token
    if (token !== null) headers['authorization'] ??= `Bearer ${token}`
    let payload: string | Buffer | undefined = call.payload
    if (payload === undefined && call.body !== undefined) {
      payload = JSON.stringify(call.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await this.app.inject({ method, url: search ? `${url}?${search}` : url, headers, ...(payload !== undefined ? { payload } : {}) })
    const contentType = String(res.headers['content-type'] ?? '')
    let json: unknown = undefined
    if (contentType.startsWith('application/json')) json = JSON.parse(res.body)
    checkAgainstDocument(t, method, path, { statusCode: res.statusCode, contentType, json })
    return { statusCode: res.statusCode, headers: res.headers, contentType, rawPayload: res.rawPayload, json, text: res.body }
  }

  get(t: Checker, path: string, call?: ApiCall) {
    return this.call(t, 'GET', path, call)
  }
  post(t: Checker, path: string, call?: ApiCall) {
    return this.call(t, 'POST', path, call)
  }
  put(t: Checker, path: string, call?: ApiCall) {
    return this.call(t, 'PUT', path, call)
  }
  patch(t: Checker, path: string, call?: ApiCall) {
    return this.call(t, 'PATCH', path, call)
  }
  delete(t: Checker, path: string, call?: ApiCall) {
    return this.call(t, 'DELETE', path, call)
  }
}

// --- fixtures ----------------------------------------------------------------------------------------------------

/** The seed's settings JSON, exactly as the Olvery admin screen shows it. */
export const SEED_SETTINGS_TEXT =
  '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'

export interface CreatedViaApi {
  id: string
  login: string
  password: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

let integrationCounter = 0

/** Creates an integration through the API (201 expected) and returns its id and 1C credentials. */
export async function createIntegrationViaApi(
  t: CheckingTest,
  api: AdminApi,
  body: { companyId: string; name?: string; settings?: unknown; enabled?: boolean },
  token?: string,
): Promise<CreatedViaApi> {
  const res = await api.post(t, '/api/v1/integrations', {
    body: { name: body.name ?? `Бухгалтерия ${++integrationCounter}`, settings: SEED_SETTINGS_TEXT, ...body },
    ...(token !== undefined ? { token } : {}),
  })
  t.equal(res.statusCode, 201, `created: ${res.text}`)
  return { id: res.json.id, login: res.json.login, password: res.json.password, json: res.json }
}

export interface SupplierViaApi {
  supplier: Supplier
  created: CreatedViaApi
  id: string
  /** A 1C client of the integration's credentials, through the same app. */
  client: OneCClient
}

/**
 * What most admin tests start from: a supplier company of a new location, `api` signed in as that location's
 * administrator (the token's `sub` if given), and an integration of the company created through the API (the seed's
 * settings unless others are given), with a 1C client of its credentials.
 */
export async function supplierIntegrationViaApi(
  t: CheckingTest,
  api: AdminApi,
  olvery: Kysely<OlveryDatabase>,
  options: { sub?: string; name?: string; settings?: object } = {},
): Promise<SupplierViaApi> {
  const supplier = await createSupplier(olvery)
  api.token = await locationAdminToken(supplier.locationId, options.sub !== undefined ? { sub: options.sub } : {})
  const created = await createIntegrationViaApi(t, api, {
    companyId: supplier.companyId,
    settings: options.settings ?? SEED_SETTINGS,
    ...(options.name !== undefined ? { name: options.name } : {}),
  })
  const client = new OneCClient({ inject: api.app, login: created.login, password: created.password })
  return { supplier, created, id: created.id, client }
}
