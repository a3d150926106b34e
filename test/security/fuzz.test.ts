/**
 * Hostile input: a few thousand random and malformed requests to every route of the app, generated from a seed.
 * The routes come from the app itself (`routeList`, plus the hidden Swagger UI pages), so a new route is fuzzed
 * without touching this file.
 *
 * Most requests go through `inject` (volume); a share goes over a real listening socket with `node:http`, and a list
 * of malformed request lines, headers and framings is written byte by byte with `net` (inject bypasses Node's HTTP
 * parser). Every answer must be:
 *   - never a 5xx, never the exchange's "internal error" failure (a 500 in 1C's clothes), never a secret echoed;
 *   - on the 1C paths: HTTP 200 with a protocol answer (`failure\n<text>` unless a live session was sent), or the
 *     401 Basic challenge of `checkauth` (PROTOCOL.md §2);
 *   - on the admin API: a status openapi.yaml documents for the operation, with a body matching its schema; a
 *     method or path the API does not have: a 4xx `{ "error": { code, message } }`;
 *   - elsewhere: a 4xx/2xx/3xx, JSON errors in the catalogue's shape.
 * Afterwards the service still works: /ready, a full 1C exchange (checkauth → query → success) that delivers a new
 * order, over inject and over the socket, and an admin call; and nothing was logged at error level.
 *
 * Reproduce a failure: `FUZZ_SEED=<seed> npx tap test/security/fuzz.test.ts` (the seed and each failing request are
 * printed); `FUZZ_REQUESTS=<n>` changes the count.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { parseQueryString } from '../../src/exchange/exchange.plugin.js'
import { messages, SESSION_COOKIE_NAME } from '../../src/exchange/replies.js'
import { createIntegration } from '../helpers/integrations.js'
import { checkAgainstDocument, openApiDocument, resolve } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp, capturingLogger } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import {
  exchangeQuery,
  ODD_CONTENT_TYPES,
  ODD_METHODS,
  ODD_VALUES,
  oddAuthorization,
  oddBearer,
  oddBody,
  oddCookie,
  Rng,
  type FuzzRequest,
} from '../helpers/fuzz.js'
import { OneCClient } from '../helpers/onec-client.js'

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x1c0ffee)
const COUNT = Number(process.env['FUZZ_REQUESTS'] ?? 2000)
const HTTP_SHARE = 0.1 // of the generated requests also sent over the socket with node:http
const FILE_LIMIT = 8192
t.comment(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays this run), ${COUNT} requests`)

// --- the app, its data, and everything it logs ------------------------------------------------------------------

const { lines: logLines, logger } = capturingLogger()
const { app, databases } = await buildTestApp(t, { env: { ...HS256_ENV, LOG_LEVEL: 'trace', FILE_LIMIT_BYTES: String(FILE_LIMIT) }, logger })

const supplier = await createSupplier(databases.olvery)
for (let i = 0; i < 3; i++) await createOrder(databases.olvery, supplier)
const order = await createOrder(databases.olvery, supplier)
/** The integration 1C uses, and the one the final exchange must still reach. The admin fuzz never changes it. */
const target = await createIntegration(databases.db, { name: 'Fuzz target', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
/** An integration the admin fuzz may rename, disable, archive and rotate. */
const victim = await createIntegration(databases.db, { name: 'Fuzz victim', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
const token = await systemOperatorToken()

/** Values that must never come back in an answer or a log line: every credential, real or made up by the fuzz. */
const secrets = new Set<string>([target.password, victim.password, token, Buffer.from(`${target.login}:${target.password}`).toString('base64')])
const secret = (value: string) => {
  secrets.add(value)
  return value
}

// Live sessions (from 127.0.0.1, an address the fuzz never uses), one of them with a batch to acknowledge.
const sessions: Array<{ cookie: string; sessid: string }> = []
for (let i = 0; i < 4; i++) {
  const client = new OneCClient({ inject: app, login: target.login, password: target.password })
  const step = await client.checkauth()
  // No assertion at the top level before the subtests: tap would end the root test (and close the app) while
  // the setup still awaits.
  if (!step.ok) throw new Error(`no session for the fuzz: ${step.problem}`)
  const sessid = (step.line4 ?? '').replace('sessid=', '')
  sessions.push({ cookie: `${step.cookieName}=${step.cookieValue}`, sessid })
  secrets.add(step.cookieValue!)
  secrets.add(sessid)
  if (i === 0) await client.request('type=sale&mode=query')
}
const batchIds = (await databases.db.selectFrom('batches').select('id').execute()).map((b) => String(b.id))

// --- routes and request generation ---------------------------------------------------------------------------

const EXCHANGE_PATHS = app.routeList.filter((r) => r.startsWith('POST ') && /1c_exchange/.test(r)).map((r) => r.slice(5))
/** Every route the app has, and the Swagger UI pages routeList leaves out on purpose. */
const ROUTES = [...new Set([...app.routeList, 'GET /docs', 'GET /docs/json', 'GET /docs/yaml', 'GET /docs/static/index.html'])]
const ADMIN_ROUTES = ROUTES.filter((r) => r.includes(' /api/'))
const OTHER_ROUTES = ROUTES.filter((r) => !r.includes(' /api/') && !EXCHANGE_PATHS.some((p) => r.endsWith(` ${p}`)))

const rng = new Rng(SEED)
/** Few, so that the login throttle locks them soon and most guesses cost no scrypt (20 failures per address). */
const addresses = Array.from({ length: 3 }, (_, i) => `10.66.${i}.${1 + i}`)
const logins = [target.login, victim.login, 'admin', 'demo-1c', '1c-unknownlg']

const encode = (value: string) => (rng.chance(0.5) ? encodeURIComponent(value) : value)

function fillParams(template: string, method: string): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'id') {
      const mutating = method !== 'GET' && method !== 'HEAD'
      const ids = [victim.integration.id, randomUUIDFrom(rng), victim.integration.id.toUpperCase(), 'not-a-uuid', 'x'.repeat(150)]
      if (!mutating) ids.push(target.integration.id, target.integration.id)
      return rng.chance(0.8) ? rng.pick(ids) : encode(rng.pick(ODD_VALUES).slice(0, 120))
    }
    if (name === 'batchId') return rng.chance(0.7) ? rng.pick([...batchIds, '0', '-1', '1.5', '99999999999999999999', 'abc']) : encode(rng.pick(ODD_VALUES).slice(0, 120))
    if (name === 'orderIdOrNumber') return rng.chance(0.6) ? rng.pick([order.number, order.id, ' ', 'T-%00']) : encode(rng.pick(ODD_VALUES).slice(0, 120))
    return encode(rng.pick(ODD_VALUES))
  })
}

function randomUUIDFrom(r: Rng): string {
  const hex = r.bytes(16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function oddJson(): Buffer {
  const pick = () =>
    rng.pick<unknown>([
      null,
      true,
      -1,
      1e308,
      '',
      'x'.repeat(20000),
      [],
      {},
      { __proto__: { admin: true } },
      JSON.parse('{"__proto__":{"polluted":1}}'),
      { constructor: { prototype: { polluted: 1 } } },
      '«Ромашка»',
      '{"paymentrules":[{"status":"purchased"}],"paymentmethod_name":"x"}',
      '{“paymentrules”: []}',
      { paymentrules: 'x', paymentmethod_name: 1, batch_size: -5, export_from: '2026-02-30', timezone: 'Mars/Base' },
      { paymentrules: [{ status: 'purchased', gateway: 'CKassa' }], paymentmethod_name: 'x', encoding: 'koi8-r', currency: 'рубль' },
      randomUUIDFrom(rng),
      [randomUUIDFrom(rng), order.id, 'x'],
      '2026-13-45',
      '0001-01-01',
    ])
  const body: Record<string, unknown> = {}
  for (const key of ['name', 'companyId', 'settings', 'enabled', 'login', 'from', 'orderIds', 'extra', '__proto__']) {
    if (rng.chance(0.4)) body[key] = key === 'companyId' && rng.chance(0.5) ? supplier.companyId : pick()
  }
  const text = rng.chance(0.85) ? JSON.stringify(body) : rng.pick(['{', '[', '"x"', '1', 'null', '{"a":1,}', '{"name":"\\ud800"}', ''])
  return Buffer.from(text)
}

type Generator = () => FuzzRequest

/** A request without headers of its own (typed, so the two arms of a choice have one type). */
const noHeaders = (): Record<string, string> => ({})

const generators: Record<string, [weight: number, Generator]> = {
  /** No session: odd query strings on the 1C paths. */
  'exchange query string': [
    20,
    () => ({ kind: '', method: rng.pick(['GET', 'GET', 'POST']), url: `${rng.pick(EXCHANGE_PATHS)}?${exchangeQuery(rng, rng.chance(0.3) ? secret(rng.token(32)) : undefined)}`, headers: {}, remoteAddress: rng.pick(addresses) }),
  ],
  /** checkauth with every kind of wrong Authorization header. */
  'exchange checkauth credentials': [
    8,
    () => ({
      kind: '',
      method: 'GET',
      url: `${rng.pick(EXCHANGE_PATHS)}?type=${rng.pick(['sale', 'catalog'])}&mode=checkauth${rng.chance(0.2) ? `&mode=${rng.pick(ODD_VALUES)}` : ''}`,
      headers: { authorization: oddAuthorization(rng, logins, secret) },
      remoteAddress: rng.pick(addresses),
    }),
  ],
  /** Cookies and sessid values that name no session. */
  'exchange bad session': [
    10,
    () => {
      const sessid = rng.chance(0.5) ? `&sessid=${secret(rng.token(32))}` : ''
      return {
        kind: '',
        method: rng.pick(['GET', 'POST']),
        url: `${rng.pick(EXCHANGE_PATHS)}?type=sale&mode=${rng.pick(['init', 'query', 'success', 'file', 'import'])}${sessid}&filename=orders-1_1.xml`,
        headers: rng.chance(0.85) ? { cookie: oddCookie(rng, SESSION_COOKIE_NAME, secret) } : noHeaders(),
        ...(rng.chance(0.3) ? { body: oddBody(rng, FILE_LIMIT) ?? Buffer.alloc(0) } : {}),
        remoteAddress: rng.pick(addresses),
      }
    },
  ],
  /** A live session with odd parameters, sessids of another session, odd Basic credentials, bodies. */
  'exchange live session': [
    14,
    () => {
      const session = rng.pick(sessions)
      const other = rng.pick(sessions)
      const headers: Record<string, string> = { cookie: rng.chance(0.8) ? session.cookie : `x=y; ${session.cookie}` }
      if (rng.chance(0.04)) headers['authorization'] = oddAuthorization(rng, logins, secret)
      if (rng.chance(0.2)) headers['content-type'] = rng.pick(ODD_CONTENT_TYPES)
      const method = rng.pick(['GET', 'POST', 'POST'])
      const body = method === 'POST' ? oddBody(rng, FILE_LIMIT) : undefined
      return {
        kind: '',
        method,
        url: `${rng.pick(EXCHANGE_PATHS)}?${exchangeQuery(rng, rng.chance(0.8) ? session.sessid : other.sessid)}`,
        headers,
        ...(body ? { body } : {}),
        withSession: true,
        remoteAddress: rng.pick(addresses),
      }
    },
  ],
  /** Odd content types and binary or oversized bodies on every route. */
  'odd body and content type': [
    8,
    () => {
      const route = rng.pick(ROUTES)
      const path = fillParams(route.slice(route.indexOf(' ') + 1), 'POST')
      const headers: Record<string, string> = rng.chance(0.8) ? { 'content-type': rng.pick(ODD_CONTENT_TYPES) } : {}
      if (path.startsWith('/api/') && rng.chance(0.7)) headers['authorization'] = `Bearer ${token}`
      const body = rng.chance(0.3) ? oddJson() : (oddBody(rng, rng.chance(0.5) ? FILE_LIMIT : 1024 * 1024) ?? Buffer.alloc(0))
      const query = path.includes('1c_exchange') ? `?${exchangeQuery(rng)}` : ''
      return { kind: '', method: rng.pick(['POST', 'POST', 'PATCH', 'PUT']), url: `${path}${query}`, headers, body, remoteAddress: rng.pick(addresses) }
    },
  ],
  /** Methods the route does not have (or has, with nothing else right). */
  'wrong method': [
    10,
    () => {
      const route = rng.pick(ROUTES)
      const path = fillParams(route.slice(route.indexOf(' ') + 1), 'DELETE')
      const headers: Record<string, string> = path.startsWith('/api/') && rng.chance(0.5) ? { authorization: `Bearer ${token}` } : {}
      return { kind: '', method: rng.pick(ODD_METHODS), url: path + (rng.chance(0.5) ? `?${exchangeQuery(rng)}` : ''), headers, remoteAddress: rng.pick(addresses) }
    },
  ],
  /** The admin API without a usable token. */
  'admin bad token': [
    10,
    () => {
      const route = rng.pick(ADMIN_ROUTES)
      const [method, template] = route.split(' ') as [string, string]
      const headers: Record<string, string> = rng.chance(0.9) ? { authorization: oddBearer(rng, secret) } : {}
      if (method !== 'GET') headers['content-type'] = 'application/json'
      return { kind: '', method, url: fillParams(template, method), headers, ...(method !== 'GET' ? { body: oddJson() } : {}), remoteAddress: rng.pick(addresses) }
    },
  ],
  /** The admin API with a valid token and odd path parameters, query strings and bodies. */
  'admin valid token': [
    12,
    () => {
      const route = rng.pick(ADMIN_ROUTES)
      const [method, template] = route.split(' ') as [string, string]
      const pairs: string[] = []
      for (const name of ['companyId', 'includeArchived', 'limit', 'cursor', 'format', 'locationId', 'from']) {
        if (rng.chance(0.2)) pairs.push(`${name}=${rng.chance(0.5) ? rng.pick(['true', '0', '5000', 'xml', 'json', supplier.companyId, supplier.locationId]) : rng.pick(ODD_VALUES)}`)
        if (rng.chance(0.05)) pairs.push(`${name}=${rng.pick(ODD_VALUES)}`) // the same name twice
      }
      const headers: Record<string, string> = { authorization: `Bearer ${token}` }
      if (method !== 'GET' && rng.chance(0.9)) headers['content-type'] = rng.chance(0.85) ? 'application/json' : rng.pick(ODD_CONTENT_TYPES)
      return {
        kind: '',
        method,
        url: fillParams(template, method) + (pairs.length ? `?${pairs.join('&')}` : ''),
        headers,
        ...(method !== 'GET' && rng.chance(0.9) ? { body: oddJson() } : {}),
        remoteAddress: rng.pick(addresses),
      }
    },
  ],
  /** Bad percent-encodings, bad UTF-8, dot segments and long paths, on every route. */
  'odd path': [
    8,
    () => {
      const route = rng.pick(ROUTES)
      const [method, template] = route.split(' ') as [string, string]
      let path = fillParams(template, method)
      const mutation = rng.int(8)
      if (mutation === 0) path += rng.pick(['%', '%zz', '%E0%A4%A', '%C3%28', '%FF', '%00', '%ED%A0%80'])
      else if (mutation === 1) path = path.replace(/\/([^/]*)$/, `/${rng.pick(['%', '%zz', '%C3%28'])}$1`)
      else if (mutation === 2) path = `/${path.slice(1).replace(/\//g, rng.pick(['//', '/./', '/%2f', '/%2F', '\\']))}`
      else if (mutation === 3) path = `${path}/..`
      else if (mutation === 4) path = `${path}/${'a'.repeat(4000)}`
      else if (mutation === 5) path = path.toUpperCase()
      else if (mutation === 6) path = `${path}/`
      else path = `${path};jsessionid=${rng.token(24)}`
      const sessid = rng.chance(0.3) ? `&sessid=${secret(rng.token(32))}` : ''
      const headers: Record<string, string> = path.startsWith('/api/') && rng.chance(0.5) ? { authorization: `Bearer ${token}` } : {}
      return { kind: '', method, url: `${path}?type=sale&mode=${rng.pick(['query', 'checkauth'])}${sessid}`, headers, remoteAddress: rng.pick(addresses) }
    },
  ],
  /** Many, long, duplicated and odd headers on any route. */
  'odd headers': [
    6,
    () => {
      const route = rng.pick(ROUTES)
      const [method, template] = route.split(' ') as [string, string]
      const headers: Record<string, string> = {}
      const count = 1 + rng.int(40)
      for (let i = 0; i < count; i++) headers[`x-fuzz-${i}`] = rng.chance(0.1) ? 'v'.repeat(8000) : rng.token(1 + rng.int(30))
      if (rng.chance(0.3)) headers['x-forwarded-for'] = rng.pick(['1.2.3.4', '::1, 127.0.0.1', 'garbage', '999.999.1.1'])
      if (rng.chance(0.3)) headers['accept'] = rng.pick(['application/xml', '*/*;q=x', 'text/html'.repeat(100)])
      if (rng.chance(0.3)) headers['accept-encoding'] = rng.pick(['gzip, br', 'identity;q=0', 'x'.repeat(500)])
      if (rng.chance(0.3)) headers['content-length'] = rng.pick(['0', '5'])
      if (rng.chance(0.2)) headers['transfer-encoding'] = 'chunked'
      if (rng.chance(0.3)) headers['cookie'] = oddCookie(rng, SESSION_COOKIE_NAME, secret)
      if (template.startsWith('/api/') && rng.chance(0.5)) headers['authorization'] = `Bearer ${token}`
      const query = template.includes('1c_exchange') ? `?${exchangeQuery(rng)}` : ''
      return { kind: '', method, url: `${fillParams(template, method)}${query}`, headers, remoteAddress: rng.pick(addresses) }
    },
  ],
  /** Health, readiness, metrics and docs with odd query strings. */
  'other routes': [
    3,
    () => {
      const route = rng.pick(OTHER_ROUTES)
      const [method, template] = route.split(' ') as [string, string]
      return { kind: '', method, url: `${template}?${exchangeQuery(rng)}`, headers: rng.chance(0.3) ? { authorization: oddAuthorization(rng, logins, secret) } : noHeaders(), remoteAddress: rng.pick(addresses) }
    },
  ],
}

const totalWeight = Object.values(generators).reduce((sum, [w]) => sum + w, 0)
function generate(): FuzzRequest {
  let roll = rng.int(totalWeight)
  for (const [kind, [weight, make]] of Object.entries(generators)) {
    if (roll < weight) return { ...make(), kind }
    roll -= weight
  }
  throw new Error('unreachable')
}

const requests = Array.from({ length: COUNT }, generate)

// --- what every answer must be -----------------------------------------------------------------------------------

interface Answer {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: Buffer
}

/** The path as the router sees it: dot segments resolved (as inject and clients do), no trailing slash. */
function pathOf(url: string): string {
  const raw = url.split('?')[0]!
  let path = raw
  try {
    path = new URL(raw, 'http://x').pathname
  } catch {
    /* left as it is */
  }
  return path.replace(/\/+$/, '') || '/'
}
const isExchange = (url: string) => EXCHANGE_PATHS.includes(pathOf(url))

/** The documented operation a request reaches, if any (path templates of openapi.yaml, `{x}` = one segment). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an openapi.yaml operation, read as JSON
function documentedOperation(method: string, url: string): { template: string; operation: Record<string, any> } | null {
  const path = pathOf(url)
  for (const [template, item] of Object.entries<Record<string, unknown>>(openApiDocument['paths'])) {
    if (!template.startsWith('/api/')) continue
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`)
    if (!pattern.test(path)) continue
    const operation = resolve(item)[(method === 'HEAD' ? 'GET' : method).toLowerCase()]
    return operation ? { template, operation } : null
  }
  return null
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON an answer may hold
const ERROR_SHAPE = (json: any) =>
  json && typeof json === 'object' && json.error && typeof json.error.code === 'string' && typeof json.error.message === 'string'

/** The problems of one answer; empty when it is as it should be. */
function judge(request: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = []
  const { statusCode } = answer
  const text = answer.body.toString('utf8')
  const contentType = String(answer.headers['content-type'] ?? '')
  // /ready says 503 when the database does not answer within its timeout (documented); under the fuzz's load on one
  // PGlite connection that can happen. Every other 5xx is a bug.
  const readiness = pathOf(request.url) === '/ready' && statusCode === 503 && /"status":"unavailable"/.test(text)
  if (statusCode >= 500 && !readiness) problems.push(`answered ${statusCode}`)
  for (const value of secrets) {
    if (text.includes(value)) problems.push(`the answer echoes a secret (${value.slice(0, 6)}…)`)
    if (JSON.stringify(answer.headers).includes(value)) problems.push(`a response header echoes a secret (${value.slice(0, 6)}…)`)
  }
  if (isExchange(request.url) && request.method !== 'HEAD') {
    // Clients drop leading and trailing spaces and controls, tabs and line breaks from a URL (WHATWG URL).
    const params = parseQueryString(request.url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, ''))
    if (statusCode === 401) {
      if (params?.get('mode') !== 'checkauth') problems.push('401 outside checkauth')
      if (!/^Basic realm=/.test(String(answer.headers['www-authenticate'] ?? ''))) problems.push('401 without the Basic challenge')
      if (!text.startsWith('failure\n')) problems.push('401 without a failure body')
    } else if (statusCode !== 200) {
      problems.push(`a 1C path answered ${statusCode}, not 200`)
    }
    const keyword = /^(failure|success|progress)\n/.exec(text)?.[1] ?? (text.startsWith('zip=no\nfile_limit=') ? 'init' : text.startsWith('<?xml') ? 'document' : null)
    if (keyword === null) problems.push(`not a protocol answer: ${JSON.stringify(text.slice(0, 80))}`)
    if (!request.withSession && keyword !== 'failure') problems.push(`a request without a session got ${keyword}`)
    if (keyword === 'failure') {
      if (!/^failure\n[^\n]{1,246}$/.test(text)) problems.push('a failure that is not one short line')
      if (text === `failure\n${messages.internal}`) problems.push('an internal error (a 500 answered as failure)')
      if (!contentType.startsWith('text/plain')) problems.push(`failure as ${contentType}`)
    }
  } else if (pathOf(request.url).startsWith('/api/')) {
    const documented = documentedOperation(request.method, request.url)
    let json: unknown
    if (contentType.startsWith('application/json') && request.method !== 'HEAD') {
      try {
        json = JSON.parse(text)
      } catch {
        problems.push('a JSON answer that is not JSON')
      }
    }
    if (documented && statusCode !== 200 && statusCode !== 201) {
      const collected: string[] = []
      const checker = { fail: (message: string) => void collected.push(message) }
      if (request.method === 'HEAD') {
        if (!documented.operation['responses']?.[String(statusCode)]) collected.push(`HEAD answered ${statusCode}, not documented`)
      } else {
        checkAgainstDocument(checker, request.method, documented.template, { statusCode, contentType, json })
      }
      problems.push(...collected)
    } else if (!documented) {
      if (statusCode < 400) problems.push(`no documented operation, yet ${statusCode}`)
      if (request.method !== 'HEAD' && !ERROR_SHAPE(json)) problems.push(`an error that is not {error:{code,message}}: ${text.slice(0, 120)}`)
    }
  } else if (statusCode >= 400 && !readiness && request.method !== 'HEAD' && contentType.startsWith('application/json')) {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      /* reported below */
    }
    if (!ERROR_SHAPE(json)) problems.push(`an error that is not {error:{code,message}}: ${text.slice(0, 120)}`)
  }
  return problems
}

function describe(request: FuzzRequest, index: number): string {
  const body = request.body ? `${request.body.length} bytes, base64 ${request.body.subarray(0, 120).toString('base64')}` : 'none'
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.length > 200 ? `${v.slice(0, 200)}… (${v.length})` : v]))
  return `#${index} [${request.kind}] ${request.method} ${request.url.slice(0, 400)} headers=${JSON.stringify(headers)} body=${body} from ${request.remoteAddress} (seed ${SEED})`
}

// --- running them ---------------------------------------------------------------------------------------------------

const failures: string[] = []
const timing = new Map<string, number>()
const counts = new Map<string, number>()
const count = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1)

async function viaInject(request: FuzzRequest): Promise<Answer | null> {
  try {
    const res = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      remoteAddress: request.remoteAddress,
      ...(request.body ? { payload: request.body } : {}),
    })
    return { statusCode: res.statusCode, headers: res.headers, body: res.rawPayload }
  } catch {
    // light-my-request refuses some requests on the client side (a method or header it cannot build); the socket
    // runs take those.
    return null
  }
}

let listening: AddressInfo

function viaHttp(request: FuzzRequest, localAddress: string): Promise<Answer | null> {
  return new Promise((resolvePromise) => {
    let req: http.ClientRequest
    // node:http frames a GET or DELETE body with neither Content-Length nor chunked encoding (its bytes would be read
    // as a next request): give the length, as a client sending a body must.
    const headers = { ...request.headers }
    if (request.body && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) headers['content-length'] = String(request.body.length)
    try {
      req = http.request(
        { host: '127.0.0.1', port: listening.port, method: request.method, path: request.url, headers, localAddress, agent: false },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolvePromise({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
          res.on('error', () => resolvePromise({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
        },
      )
    } catch {
      resolvePromise(null) // node:http refuses to send it (unescaped characters, invalid header): not a server answer
      return
    }
    // The server may answer (413) and close before the whole body is written.
    req.on('error', () => resolvePromise(null))
    req.end(request.body)
  })
}

async function runAll<T>(items: T[], parallel: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const index = next++
        await run(items[index]!, index)
      }
    }),
  )
}

t.test(`${COUNT} fuzzed requests through inject: no 5xx, and every answer is one the route documents`, async (t) => {
  t.ok(EXCHANGE_PATHS.length >= 2 && ADMIN_ROUTES.length >= 10 && OTHER_ROUTES.length >= 3, `routes from the app: ${ROUTES.join(', ')}`)
  let skipped = 0
  await runAll(requests, 4, async (request, index) => {
    const started = performance.now()
    const answer = await viaInject(request)
    timing.set(request.kind, (timing.get(request.kind) ?? 0) + performance.now() - started)
    if (!answer) {
      skipped++
      return
    }
    count(`inject: ${request.kind}`)
    const problems = judge(request, answer)
    if (problems.length) failures.push(`${problems.join('; ')} <- ${describe(request, index)} -> ${answer.statusCode} ${answer.body.subarray(0, 200).toString('utf8')}`)
  })
  if (process.env['FUZZ_TIMING']) t.comment([...timing].map(([k, ms]) => `${k}: ${Math.round(ms)} ms`).join('\n'))
  t.ok(skipped < COUNT * 0.05, `requests inject could not build: ${skipped}`)
})

t.test('a share of them over a real socket with node:http, huge headers and bodies included', async (t) => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  listening = app.server.address() as AddressInfo
  const picked = requests.filter(() => rng.chance(HTTP_SHARE))
  // Larger than Node's 16 KiB header limit, and bodies over the 1 MiB body limit of the admin API.
  const bigOnes: FuzzRequest[] = [
    { kind: 'huge header', method: 'GET', url: '/api/v1/integrations', headers: { authorization: `Bearer ${token}`, 'x-big': 'h'.repeat(20_000) }, remoteAddress: '' },
    { kind: 'huge header', method: 'GET', url: `${EXCHANGE_PATHS[0]}?type=sale&mode=checkauth`, headers: { cookie: `${SESSION_COOKIE_NAME}=${'c'.repeat(70_000)}` }, remoteAddress: '' },
    { kind: 'huge header', method: 'GET', url: `${EXCHANGE_PATHS[0]}?type=sale&mode=query&${'p=1&'.repeat(5000)}`, headers: {}, remoteAddress: '' },
    { kind: 'oversized body', method: 'POST', url: '/api/v1/integrations', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: Buffer.alloc(1024 * 1024 + 10, 0x20), remoteAddress: '' },
    { kind: 'oversized body', method: 'POST', url: `${EXCHANGE_PATHS[1] ?? EXCHANGE_PATHS[0]}?type=sale&mode=file&filename=a.xml`, headers: { cookie: sessions[1]!.cookie }, body: Buffer.alloc(FILE_LIMIT * 3, 0x41), withSession: true, remoteAddress: '' },
    { kind: 'oversized body', method: 'POST', url: `${EXCHANGE_PATHS[0]}?type=sale&mode=file&filename=a.xml`, headers: { cookie: sessions[2]!.cookie, 'transfer-encoding': 'chunked' }, body: Buffer.alloc(2 * 1024 * 1024, 0x42), withSession: true, remoteAddress: '' },
  ]
  let refused = 0
  await runAll([...picked, ...bigOnes], 3, async (request, index) => {
    const answer = await viaHttp(request, `127.0.0.${2 + (index % 6)}`)
    if (!answer) {
      refused++
      return
    }
    count(`http: ${request.kind}`)
    // Node's HTTP parser answers what it cannot read (431 for headers over 16 KiB) before any route sees it.
    const problems = answer.statusCode === 431 ? [] : judge(request, answer)
    if (problems.length) failures.push(`${problems.join('; ')} <- over HTTP ${describe(request, index)} -> ${answer.statusCode} ${answer.body.subarray(0, 200).toString('utf8')}`)
  })
  t.ok(counts.get('http: huge header'), 'the huge headers were answered')
  t.ok(picked.length > COUNT * HTTP_SHARE * 0.5, `${picked.length} requests over HTTP (${refused} refused by node:http or cut off)`)
})

/** Bytes written straight to the socket: request lines and framings no HTTP client would produce. */
const RAW: Array<[kind: string, bytes: string | Buffer]> = [
  ['bad request line', 'GET\r\n\r\n'],
  ['bad request line', 'GET /1c_exchange?type=sale&mode=checkauth HTTP/9.9\r\nHost: x\r\n\r\n'],
  ['bad request line', 'GET /1c_exchange?type=sale&mode=checkauth\r\n\r\n'],
  ['bad request line', 'G E T / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', 'BREW /1c_exchange HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['bad request line', 'GET /1c_exchange?type=sale&mode=query&sessid=\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', Buffer.concat([Buffer.from('GET /1c_exchange?type=sale&mode='), Buffer.from([0xc3, 0x28, 0xff, 0x00]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])],
  ['bad request line', Buffer.concat([Buffer.from('GET /api/v1/integrations/'), Buffer.from([0xd0, 0x9f, 0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])],
  ['bad request line', 'GET /1c_exchange?a=b c HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', 'GET http://evil.example/1c_exchange?type=sale&mode=checkauth HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad request line', 'GET /1c_exchange?type=sale&mode=checkauth HTTP/1.0\r\n\r\n'],
  ['bad request line', '\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad header', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'],
  ['bad header', 'GET /health HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n'],
  ['bad header', 'GET /health HTTP/1.1\r\nHost: x\r\n folded: y\r\n\r\n'],
  ['bad header', 'GET /health HTTP/1.1\r\nHost: x\nX: lf-only\n\n'],
  ['bad header', `GET /api/v1/integrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'t'.repeat(40_000)}\r\n\r\n`],
  ['bad header', `GET /health HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: v`).join('\r\n')}\r\n\r\n`],
  ['bad header', Buffer.concat([Buffer.from('GET /1c_exchange?type=sale&mode=checkauth HTTP/1.1\r\nHost: x\r\nAuthorization: Basic '), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('\r\n\r\n')])],
  ['bad header', Buffer.concat([Buffer.from(`GET /1c_exchange?type=sale&mode=query HTTP/1.1\r\nHost: x\r\nCookie: ${SESSION_COOKIE_NAME}=`), Buffer.from([0xd0, 0x9f, 0x00, 0x7f]), Buffer.from('\r\n\r\n')])],
  ['bad header', 'GET /1c_exchange?type=sale&mode=checkauth HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YQ==\r\nAuthorization: Basic Yjpj\r\n\r\n'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nx'],
  ['bad framing', 'POST /api/v1/integrations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n'],
  ['bad framing', 'POST /api/v1/integrations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc\r\n'],
  ['bad framing', 'POST /1c_exchange?type=sale&mode=file&filename=a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'], // body cut short
  ['bad framing', 'GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n'], // pipelined
  ['bad framing', 'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad framing', 'POST /api/v1/integrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}'],
]

t.test('malformed request lines, headers and framings written raw to the socket', async (t) => {
  // Some random garbage too: bytes that are no HTTP at all, and a valid request line followed by noise.
  const raw = [...RAW]
  for (let i = 0; i < 30; i++) raw.push(['random bytes', rng.bytes(1 + rng.int(600))])
  for (let i = 0; i < 30; i++) {
    const route = rng.pick(ROUTES)
    raw.push(['valid line, random headers', Buffer.concat([Buffer.from(`${route.split(' ')[0]} ${route.split(' ')[1]} HTTP/1.1\r\nHost: x\r\n`), rng.bytes(rng.int(300)), Buffer.from('\r\n\r\n')])])
  }
  await runAll(raw, 3, async ([kind, bytes], index) => {
    const response = await new Promise<string>((resolvePromise) => {
      const chunks: Buffer[] = []
      const socket = net.connect({ host: '127.0.0.1', port: listening.port, localAddress: `127.0.0.${2 + (index % 6)}` })
      socket.setTimeout(5000, () => socket.destroy()) // a request the parser still waits on (a cut body): closed by us
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      socket.on('close', () => resolvePromise(Buffer.concat(chunks).toString('latin1')))
      socket.on('error', () => undefined)
      socket.write(bytes, () => socket.end())
    })
    count(`raw: ${kind}`)
    for (const match of response.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
      if (Number(match[1]) >= 500) failures.push(`answered ${match[1]} to raw bytes #${index} [${kind}] ${JSON.stringify(Buffer.from(bytes).subarray(0, 300).toString('latin1'))} (seed ${SEED}) -> ${response.slice(0, 300)}`)
    }
  })
  t.pass(`${raw.length} raw requests written`)
})

t.test('no request of the fuzz got a 5xx or an answer its route does not document', async (t) => {
  const report = [...counts.entries()].sort().map(([kind, n]) => `${kind}: ${n}`)
  t.comment(`requests by kind:\n  ${report.join('\n  ')}`)
  if (process.env['FUZZ_REPORT']) (await import('node:fs')).writeFileSync(process.env['FUZZ_REPORT'], failures.join('\n'))
  if (failures.length) t.comment(`seed ${SEED}: ${failures.length} failing requests; the first ones:\n${failures.slice(0, 15).join('\n')}`)
  t.same(failures.slice(0, 15), [], `seed ${SEED}: every answer as documented`)
})

t.test('afterwards the service works: /ready, a full 1C exchange over inject and over HTTP, an admin call', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200)
  const fresh = await createOrder(databases.olvery, supplier)
  // From 127.0.0.1, an address the fuzz never used: the login throttle has nothing against it.
  const client = new OneCClient({ inject: app, login: target.login, password: target.password })
  const exchange = await client.exchange()
  t.same(exchange.problems, [], 'a clean exchange')
  t.ok(exchange.documents.some((d) => d.number === fresh.number), 'the order created after the fuzz is delivered')
  t.same(exchange.steps.map((s) => s.mode), ['checkauth', 'query', 'success'])
  const again = await client.exchange()
  t.notOk(again.documents.some((d) => d.number === fresh.number), 'acknowledged: not sent again')

  const another = await createOrder(databases.olvery, supplier)
  const overHttp = new OneCClient({ baseUrl: `http://127.0.0.1:${listening.port}`, login: target.login, password: target.password })
  const viaSocket = await overHttp.exchange()
  t.same(viaSocket.problems, [], 'a clean exchange over a real socket')
  t.ok(viaSocket.documents.some((d) => d.number === another.number))

  const admin = await app.inject({ method: 'GET', url: `/api/v1/integrations/${target.integration.id}`, headers: { authorization: `Bearer ${token}` } })
  t.equal(admin.statusCode, 200, admin.body)
  t.equal(admin.json().id, target.integration.id)
})

t.test('nothing was logged at error level, and no secret reached the log', async (t) => {
  await new Promise((r) => setTimeout(r, 50)) // the last onResponse lines
  const errors = logLines.filter((line) => JSON.parse(line).level >= 50)
  t.same(errors.slice(0, 5), [], 'no error lines (a handled 4xx is no error)')
  const output = logLines.join('')
  const leaked = [...secrets].filter((value) => value.length >= 16 && output.includes(value))
  if (process.env['FUZZ_REPORT']) {
    const fs = await import('node:fs')
    fs.writeFileSync(`${process.env['FUZZ_REPORT']}.log`, leaked.map((v) => logLines.filter((l) => l.includes(v)).map((l) => l.slice(0, 1500)).join('\n')).join('\n---\n'))
  }
  t.same(leaked.map((v) => `${v.slice(0, 6)}…`), [], `none of ${secrets.size} credentials sent was logged`)
})
