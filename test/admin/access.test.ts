/**
 * Who may call the admin API, driven from one table of every endpoint: tokens that are missing, malformed, wrongly
 * signed, of another algorithm, unsecured, expired, without `exp`, from the future; roles of the caller's own
 * location, of another location, the system operator, and roles that may not manage integrations.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createIntegration } from '../helpers/integrations.js'
import {
  AdminApi,
  createIntegrationViaApi,
  documentedOperations,
  SEED_SETTINGS_TEXT,
  type ApiCall,
  type Checker,
  type CheckedResponse,
} from '../helpers/admin-api.js'
import {
  ecKeys,
  HS256_ENV,
  locationAdminToken,
  OTHER_SECRET,
  rsaKeys,
  signToken,
  systemOperatorToken,
  TEST_ADMIN_SECRET,
  unsecuredToken,
} from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS, type Supplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)
const own = await createSupplier(databases.olvery, { name: 'ООО «Своя локация»' })
const other = await createSupplier(databases.olvery, { name: 'ООО «Чужая локация»' })
const ownAdmin = await locationAdminToken(own.locationId)
const operator = await systemOperatorToken()

/** What a route needs to address: an integration with a journal and an order. */
interface Target {
  supplier: Supplier
  integrationId: string
  batchId: number
  orderId: string
  orderNumber: string
}

let counter = 0
async function freshIntegration(supplier: Supplier): Promise<string> {
  const created = await createIntegration(databases.db, {
    name: `Доступ ${++counter}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: SEED_SETTINGS,
  })
  return created.integration.id
}

/** An integration of the supplier's company after one real exchange, so it has a batch and an acknowledged order. */
async function target(supplier: Supplier): Promise<Target> {
  const order = await createOrder(databases.olvery, supplier)
  const created = await createIntegration(databases.db, {
    name: 'Бухгалтерия',
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: SEED_SETTINGS,
  })
  const exchange = await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()
  if (exchange.problems.length) throw new Error(exchange.problems.join('; '))
  const batch = await databases.db.selectFrom('batches').select('id').where('integration_id', '=', created.integration.id).executeTakeFirstOrThrow()
  return { supplier, integrationId: created.integration.id, batchId: batch.id, orderId: order.id, orderNumber: order.number }
}

const ownTarget = await target(own)
const otherTarget = await target(other)

/** A fresh integration whose latest batch 1C queried and never acknowledged: what an acknowledgement by hand needs. */
async function unacknowledgedBatch(supplier: Supplier): Promise<Partial<Target> & { integrationId: string }> {
  const created = await createIntegration(databases.db, {
    name: `Без подтверждения ${++counter}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: SEED_SETTINGS,
  })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  await client.checkauth()
  await client.query()
  const batch = await databases.db.selectFrom('batches').select('id').where('integration_id', '=', created.integration.id).executeTakeFirstOrThrow()
  return { integrationId: created.integration.id, batchId: batch.id }
}

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  /** The status of a caller allowed to do it. */
  success: number
  /** Changes state: every allowed call gets an integration of its own. */
  mutates?: boolean
  /** What that integration needs for the call to succeed (default: nothing but itself). */
  arrange?: (supplier: Supplier) => Promise<Partial<Target> & { integrationId: string }>
  call: (target: Target, integrationId: string) => ApiCall
  /** What a location administrator of another location gets: 404 for an integration, or a narrower answer. */
  otherLocation: { status: number; check?: (res: CheckedResponse, target: Target) => boolean }
}

const p = (target: Target, integrationId: string) => ({
  id: integrationId,
  batchId: target.batchId,
  orderIdOrNumber: target.orderNumber,
})

const ROUTES: RouteCase[] = [
  {
    method: 'GET',
    path: '/api/v1/companies',
    success: 200,
    call: () => ({}),
    otherLocation: { status: 200, check: (res, target) => !res.json.companies.some((c: { id: string }) => c.id === target.supplier.companyId) },
  },
  {
    method: 'GET',
    path: '/api/v1/integrations',
    success: 200,
    call: () => ({}),
    otherLocation: { status: 200, check: (res, target) => !res.json.integrations.some((i: { id: string }) => i.id === target.integrationId) },
  },
  {
    method: 'POST',
    path: '/api/v1/integrations',
    success: 201,
    call: (target) => ({ body: { name: `Новая ${++counter}`, companyId: target.supplier.companyId, settings: SEED_SETTINGS_TEXT } }),
    otherLocation: { status: 400, check: (res) => res.json.error.code === 'UNKNOWN_COMPANY' },
  },
  { method: 'GET', path: '/api/v1/integrations/{id}', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  {
    method: 'PATCH',
    path: '/api/v1/integrations/{id}',
    success: 200,
    mutates: true,
    call: (t, id) => ({ params: p(t, id), body: { name: `Переименована ${++counter}` } }),
    otherLocation: { status: 404 },
  },
  { method: 'DELETE', path: '/api/v1/integrations/{id}', success: 200, mutates: true, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  {
    method: 'POST',
    path: '/api/v1/integrations/{id}/credentials',
    success: 200,
    mutates: true,
    call: (t, id) => ({ params: p(t, id), body: {} }),
    otherLocation: { status: 404 },
  },
  { method: 'GET', path: '/api/v1/integrations/{id}/batches', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  { method: 'GET', path: '/api/v1/integrations/{id}/batches/{batchId}', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  {
    method: 'GET',
    path: '/api/v1/integrations/{id}/batches/{batchId}/document',
    success: 200,
    call: (t, id) => ({ params: p(t, id) }),
    otherLocation: { status: 404 },
  },
  {
    method: 'GET',
    path: '/api/v1/integrations/{id}/orders/{orderIdOrNumber}',
    success: 200,
    call: (t, id) => ({ params: p(t, id) }),
    otherLocation: { status: 404 },
  },
  { method: 'GET', path: '/api/v1/integrations/{id}/uploads', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  { method: 'GET', path: '/api/v1/integrations/{id}/preview', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
  {
    method: 'POST',
    path: '/api/v1/integrations/{id}/reexport',
    success: 200,
    mutates: true,
    call: (t, id) => ({ params: p(t, id), body: { orderIds: [t.orderId] } }),
    otherLocation: { status: 404 },
  },
  {
    method: 'POST',
    path: '/api/v1/integrations/{id}/batches/{batchId}/acknowledge',
    success: 200,
    mutates: true,
    arrange: unacknowledgedBatch,
    call: (t, id) => ({ params: p(t, id) }),
    otherLocation: { status: 404 },
  },
  {
    method: 'PUT',
    path: '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion',
    success: 200,
    mutates: true,
    call: (t, id) => ({ params: p(t, id), body: { reason: 'Тестовый заказ' } }),
    otherLocation: { status: 404 },
  },
  {
    method: 'DELETE',
    path: '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion',
    success: 200,
    mutates: true,
    call: (t, id) => ({ params: p(t, id) }),
    otherLocation: { status: 404 },
  },
  { method: 'GET', path: '/api/v1/integrations/{id}/audit', success: 200, call: (t, id) => ({ params: p(t, id) }), otherLocation: { status: 404 } },
]

const label = (route: RouteCase) => `${route.method} ${route.path}`

/** Calls a route as an allowed caller would, on an integration of its own when the route changes state. */
async function callAllowed(tt: Checker, route: RouteCase, target: Target, token: string) {
  if (!route.mutates) return api.call(tt, route.method, route.path, { ...route.call(target, target.integrationId), token })
  const arranged = route.arrange ? await route.arrange(target.supplier) : { integrationId: await freshIntegration(target.supplier) }
  return api.call(tt, route.method, route.path, { ...route.call({ ...target, ...arranged }, arranged.integrationId), token })
}

t.test('the table drives every endpoint of the admin API in openapi.yaml', async (t) => {
  t.same(ROUTES.map(label).sort(), documentedOperations('/api/v1'))
})

// --- refused tokens ---------------------------------------------------------------------------------------------

interface Refusal {
  name: string
  /** The Authorization header (a bearer token unless it starts with a scheme). */
  authorization: () => Promise<string | null>
  status: 401 | 403
  message: RegExp
}

const bearer = (token: Promise<string> | string) => async () => `Bearer ${await token}`

const REFUSALS: Refusal[] = [
  { name: 'a request without a token', authorization: async () => null, status: 401, message: /Authorization: Bearer/ },
  { name: 'Basic credentials instead of a token', authorization: async () => 'Basic ZGVtbzpkZW1v', status: 401, message: /not "Bearer <token>"/ },
  { name: 'a bearer value that is not a JWT', authorization: bearer('not-a-jwt'), status: 401, message: /malformed/ },
  { name: 'a token signed with another secret', authorization: bearer(signToken({ key: OTHER_SECRET })), status: 401, message: /signature/ },
  { name: 'an unsecured token (alg none)', authorization: bearer(unsecuredToken()), status: 401, message: /not signed with HS256/ },
  { name: 'an RS256 token when HS256 is configured', authorization: bearer(signToken({ alg: 'RS256' })), status: 401, message: /not signed with HS256/ },
  { name: 'an ES256 token when HS256 is configured', authorization: bearer(signToken({ alg: 'ES256' })), status: 401, message: /not signed with HS256/ },
  { name: 'a token expired longer ago than the allowed skew', authorization: bearer(signToken({ expiresIn: -120 })), status: 401, message: /expired/ },
  { name: 'a token without exp', authorization: bearer(signToken({ expiresIn: null })), status: 401, message: /no "exp" claim/ },
  { name: 'a token not valid until later than the allowed skew', authorization: bearer(signToken({ notBeforeIn: 120 })), status: 401, message: /not valid yet/ },
  { name: 'a token issued later than the allowed skew', authorization: bearer(signToken({ issuedIn: 120 })), status: 401, message: /issued in the future/ },
  { name: 'a token without sub', authorization: bearer(signToken({ sub: null })), status: 401, message: /"sub"/ },
  { name: 'a token without role', authorization: bearer(signToken({ role: null })), status: 401, message: /"role"/ },
  {
    name: 'a location_admin token without location_id',
    authorization: bearer(signToken({ role: 'location_admin' })),
    status: 401,
    message: /location_id/,
  },
  { name: 'a token of a role that may not manage integrations', authorization: bearer(signToken({ role: 'resident', locationId: own.locationId })), status: 403, message: /Role "resident" may not/ },
]

for (const refusal of REFUSALS) {
  t.test(`${refusal.name} is refused with ${refusal.status} on every endpoint`, async (t) => {
    const authorization = await refusal.authorization()
    for (const route of ROUTES) {
      const call = route.call(ownTarget, ownTarget.integrationId)
      const res = await api.call(t, route.method, route.path, {
        ...call,
        token: null,
        headers: authorization === null ? {} : { authorization },
      })
      t.equal(res.statusCode, refusal.status, label(route))
      t.equal(res.json?.error?.code, refusal.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', label(route))
      t.match(res.json?.error?.message, refusal.message, label(route))
      if (refusal.status === 401) t.match(res.headers['www-authenticate'], /^Bearer realm="olvery-1c-exchange"/, `${label(route)}: Bearer challenge`)
    }
  })
}

/** What an administrator's call may change: integrations, acknowledgements, order states, the audit trail. */
const snapshot = async () => ({
  integrations: await databases.db.selectFrom('integrations').select(['id', 'name', 'enabled', 'archived_at']).orderBy('id').execute(),
  batches: await databases.db.selectFrom('batches').select(['id', 'acknowledged_at', 'acknowledged_by']).orderBy('id').execute(),
  states: await databases.db.selectFrom('order_state').selectAll().orderBy('integration_id').orderBy('order_id').execute(),
  audit: await databases.db.selectFrom('audit_events').select('id').orderBy('id').execute(),
})

t.test('a refused token changes nothing: no integration, batch, order state or audit event is created or changed', async (t) => {
  const before = await snapshot()
  const expired = await signToken({ expiresIn: -3600 })
  for (const route of ROUTES.filter((r) => r.method !== 'GET')) {
    await api.call(t, route.method, route.path, { ...route.call(ownTarget, ownTarget.integrationId), token: expired })
  }
  t.same(await snapshot(), before)
})

// --- allowed callers ----------------------------------------------------------------------------------------------

t.test('a location_admin reaches every endpoint for its own location', async (t) => {
  for (const route of ROUTES) {
    const res = await callAllowed(t, route, ownTarget, ownAdmin)
    t.equal(res.statusCode, route.success, `${label(route)}: ${res.text.slice(0, 200)}`)
  }
})

t.test("a location_admin gets another location's integrations answered as if they did not exist", async (t) => {
  for (const route of ROUTES) {
    const arranged = !route.mutates ? { integrationId: otherTarget.integrationId } : route.arrange ? await route.arrange(other) : { integrationId: await freshIntegration(other) }
    const before = await snapshot()
    const res = await api.call(t, route.method, route.path, { ...route.call({ ...otherTarget, ...arranged }, arranged.integrationId), token: ownAdmin })
    t.equal(res.statusCode, route.otherLocation.status, label(route))
    if (res.statusCode === 404) t.same(await snapshot(), before, `${label(route)}: nothing of the other location changed`)
    if (res.statusCode === 404) t.match(res.json.error.message, /^No integration /, `${label(route)}: the same message as for none`)
    if (route.otherLocation.check) t.ok(route.otherLocation.check(res, otherTarget), `${label(route)}: nothing of the other location`)
  }
})

t.test("another location's integration and an integration that does not exist get the same answer", async (t) => {
  const absent = randomUUID()
  for (const route of ROUTES.filter((r) => r.path.includes('{id}'))) {
    const foreign = await api.call(t, route.method, route.path, { ...route.call(otherTarget, otherTarget.integrationId), token: ownAdmin })
    const none = await api.call(t, route.method, route.path, { ...route.call(otherTarget, absent), token: ownAdmin })
    t.equal(foreign.statusCode, 404, label(route))
    t.equal(none.statusCode, 404, label(route))
    t.equal(foreign.json.error.message.replace(otherTarget.integrationId, 'ID'), none.json.error.message.replace(absent, 'ID'), label(route))
  }
})

t.test('a system_operator reaches every endpoint for every location', async (t) => {
  for (const target of [ownTarget, otherTarget]) {
    for (const route of ROUTES) {
      const res = await callAllowed(t, route, target, operator)
      t.equal(res.statusCode, route.success, `${label(route)} (${target === ownTarget ? 'one' : 'another'} location): ${res.text.slice(0, 200)}`)
    }
  }
})

t.test('a token expired less than the allowed skew ago is still accepted on every endpoint', async (t) => {
  const token = await signToken({ role: 'system_operator', expiresIn: -30 })
  for (const route of ROUTES) {
    const res = await callAllowed(t, route, ownTarget, token)
    t.equal(res.statusCode, route.success, label(route))
  }
})

t.test('a token issued slightly in the future (within the skew) is accepted on every endpoint', async (t) => {
  const token = await signToken({ role: 'system_operator', issuedIn: 30, notBeforeIn: 30 })
  for (const route of ROUTES) {
    const res = await callAllowed(t, route, ownTarget, token)
    t.equal(res.statusCode, route.success, label(route))
  }
})

t.test('the bearer scheme is matched without regard to case', async (t) => {
  const res = await api.get(t, '/api/v1/integrations', { token: null, headers: { authorization: `bearer ${operator}` } })
  t.equal(res.statusCode, 200)
})

t.test('a location_admin creating an integration for a company of another location gets UNKNOWN_COMPANY', async (t) => {
  const res = await api.post(t, '/api/v1/integrations', {
    token: ownAdmin,
    body: { name: 'Чужая', companyId: other.companyId, settings: SEED_SETTINGS_TEXT },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'UNKNOWN_COMPANY')
  t.match(res.json.error.message, /in your location; GET \/api\/v1\/companies lists/)
  const made = await createIntegrationViaApi(t, api, { companyId: other.companyId, name: 'Чужая' }, operator)
  t.ok(made.id, 'the same request of a system_operator succeeds')
})

// --- other algorithms and no configuration ------------------------------------------------------------------------

/** Every endpoint with a random integration id: the token check comes before any lookup. */
async function everyEndpoint(t: Checker, appApi: AdminApi, authorization: string | null) {
  const results: Array<{ route: string; res: CheckedResponse }> = []
  for (const route of ROUTES) {
    const res = await appApi.call(t, route.method, route.path, {
      ...route.call(ownTarget, randomUUID()),
      token: null,
      headers: authorization === null ? {} : { authorization },
    })
    results.push({ route: label(route), res })
  }
  return results
}

for (const algorithm of ['RS256', 'ES256'] as const) {
  t.test(`with ADMIN_JWT_PUBLIC_KEY for ${algorithm}`, async (t) => {
    const keys = algorithm === 'RS256' ? rsaKeys() : ecKeys()
    const env: Record<string, string> = { ADMIN_JWT_PUBLIC_KEY: keys.publicPem }
    if (algorithm === 'ES256') env['ADMIN_JWT_ALGORITHM'] = 'ES256'
    const { app: keyed } = await buildTestApp(t, { env, databases })
    const keyedApi = new AdminApi(keyed)

    t.test(`a valid ${algorithm} token is accepted`, async (t) => {
      const token = await signToken({ alg: algorithm })
      t.equal((await keyedApi.get(t, '/api/v1/integrations', { token })).statusCode, 200)
      t.equal((await keyedApi.get(t, '/api/v1/companies', { token })).statusCode, 200)
    })

    const wrong: Array<{ name: string; token: () => Promise<string> }> = [
      { name: 'an HS256 token', token: () => signToken({ alg: 'HS256', key: TEST_ADMIN_SECRET }) },
      // The classic key confusion: the public key's PEM text used as an HMAC secret.
      { name: 'an HS256 token signed with the public key as its secret', token: () => signToken({ alg: 'HS256', key: keys.publicPem }) },
      {
        name: `a token of the other asymmetric algorithm`,
        token: () => signToken({ alg: algorithm === 'RS256' ? 'ES256' : 'RS256' }),
      },
      { name: 'an unsecured token (alg none)', token: async () => unsecuredToken() },
    ]
    for (const { name, token } of wrong) {
      t.test(`${name} is refused with 401 on every endpoint`, async (t) => {
        for (const { route, res } of await everyEndpoint(t, keyedApi, `Bearer ${await token()}`)) {
          t.equal(res.statusCode, 401, route)
          t.match(res.json.error.message, new RegExp(`not signed with ${algorithm}`), route)
        }
      })
    }

    t.test(`an ${algorithm} token signed with another key is refused with 401 on every endpoint`, async (t) => {
      const stranger = algorithm === 'RS256' ? (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }) : (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const token = await signToken({ alg: algorithm, key: stranger.privateKey })
      for (const { route, res } of await everyEndpoint(t, keyedApi, `Bearer ${token}`)) {
        t.equal(res.statusCode, 401, route)
        t.match(res.json.error.message, /signature/, route)
      }
    })
  })
}

t.test('without ADMIN_JWT_SECRET or ADMIN_JWT_PUBLIC_KEY', async (t) => {
  const { app: bare } = await buildTestApp(t, { databases })
  const bareApi = new AdminApi(bare)

  t.test('every endpoint answers 503 saying what to configure, even with a valid token', async (t) => {
    for (const { route, res } of await everyEndpoint(t, bareApi, `Bearer ${operator}`)) {
      t.equal(res.statusCode, 503, route)
      t.equal(res.json.error.code, 'ADMIN_API_NOT_CONFIGURED', route)
      t.match(res.json.error.message, /set ADMIN_JWT_SECRET .* or ADMIN_JWT_PUBLIC_KEY/, route)
    }
  })

  t.test('the 1C exchange still works', async (t) => {
    const supplier = await createSupplier(databases.olvery)
    await createOrder(databases.olvery, supplier)
    const created = await createIntegration(databases.db, {
      name: 'Без админки',
      companyId: supplier.companyId,
      locationId: supplier.locationId,
      settings: SEED_SETTINGS,
    })
    const result = await new OneCClient({ inject: bare, login: created.login, password: created.password }).exchange()
    t.same(result.problems, [])
    t.equal(result.documentCount, 1)
  })
})
