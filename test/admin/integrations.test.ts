/**
 * Integrations over the admin API: create (201 with the 1C password once), read, list, change, archive, and the
 * validation errors an administrator can act on.
 */
import t from 'tap'
import { startOfDayIn } from '../../src/export/wall-clock.js'
import { AdminApi, createIntegrationViaApi, SEED_SETTINGS_TEXT, type Checker } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const supplier = await createSupplier(databases.olvery, { timezone: 'Asia/Novosibirsk' })
const neighbour = await createSupplier(databases.olvery, { locationId: supplier.locationId, name: 'ООО «Сосед»' })
const elsewhere = await createSupplier(databases.olvery, { name: 'ООО «Далеко»' })
const api = new AdminApi(app, await locationAdminToken(supplier.locationId))
const operator = await systemOperatorToken()

const INTEGRATIONS = '/api/v1/integrations'
const ONE = '/api/v1/integrations/{id}'

/** POST /integrations with these settings; the answer of a refusal. */
async function createWithSettings(t: Checker, settings: unknown) {
  return api.post(t, INTEGRATIONS, { body: { name: `Проверка ${Math.random()}`, companyId: supplier.companyId, settings } })
}

t.test('creating an integration answers 201 with its 1C login and password, which open a 1C session', async (t) => {
  const res = await api.post(t, INTEGRATIONS, {
    body: { name: 'Бухгалтерия ООО «Ромашка»', companyId: supplier.companyId, settings: SEED_SETTINGS },
  })
  t.equal(res.statusCode, 201)
  t.equal(res.headers['location'], `/api/v1/integrations/${res.json.id}`)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.json, {
    name: 'Бухгалтерия ООО «Ромашка»',
    class: 'CommerceML',
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: SEED_SETTINGS,
    enabled: true,
    archivedAt: null,
    login: /^1c-[a-z0-9]{10}$/,
    password: /^[A-Za-z0-9]{24}$/,
  })
  const auth = await new OneCClient({ inject: app, login: res.json.login, password: res.json.password }).checkauth()
  t.ok(auth.ok, 'the password works in 1C')
})

t.test('the password is shown once: reading the integration never returns it, and only its hash is stored', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const read = await api.get(t, ONE, { params: { id: created.id } })
  t.notOk('password' in read.json)
  t.notOk(read.text.includes(created.password))
  const row = await databases.db.selectFrom('credentials').selectAll().where('integration_id', '=', created.id).executeTakeFirstOrThrow()
  t.notOk(row.password_hash.includes(created.password))
  t.match(row.password_hash, /^scrypt\$/)
})

t.test('settings given as a string holding JSON are stored as the JSON object', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, settings: SEED_SETTINGS_TEXT })
  t.same(created.json.settings, SEED_SETTINGS)
  const row = await databases.db.selectFrom('integrations').select('settings').where('id', '=', created.id).executeTakeFirstOrThrow()
  t.same(row.settings, SEED_SETTINGS)
})

t.test('settings with typographic quotes are refused with a hint to use plain double quotes', async (t) => {
  const res = await createWithSettings(t, '{«paymentrules»:[{«status»:«purchased»}],«paymentmethod_name»:«Оплата картой»}')
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'INVALID_SETTINGS')
  t.match(res.json.error.message, /typographic quotes .*replace them with plain double quotes/)
  t.match(res.json.error.details.problems, [{ path: '', message: /typographic quotes/ }])
})

t.test('curly quotes “” get the same hint', async (t) => {
  const res = await createWithSettings(t, '{“paymentrules”:[{“status”:“purchased”}],“paymentmethod_name”:“Оплата картой”}')
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /typographic quotes/)
})

t.test('a gateway that is not a string is named by its JSON path: paymentrules[0].gateway must be a string', async (t) => {
  const res = await createWithSettings(t, { paymentrules: [{ status: 'purchased', gateway: 42 }], paymentmethod_name: 'Оплата картой' })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'INVALID_SETTINGS')
  t.match(res.json.error.message, /paymentrules\[0\]\.gateway must be a string/)
  t.same(res.json.error.details.problems, [{ path: 'paymentrules[0].gateway', message: 'must be a string' }])
})

t.test('an unknown setting is refused by name', async (t) => {
  const res = await createWithSettings(t, { ...SEED_SETTINGS, payment_rules: [] })
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems, [{ path: 'payment_rules', message: 'is not a known setting; check its spelling' }])
})

t.test('a missing required setting is named', async (t) => {
  const res = await createWithSettings(t, { paymentrules: SEED_SETTINGS.paymentrules })
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems, [{ path: 'paymentmethod_name', message: 'is required' }])
})

t.test('export_from that is not written YYYY-MM-DD is refused', async (t) => {
  const res = await createWithSettings(t, { ...SEED_SETTINGS, export_from: '01.03.2026' })
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems, [{ path: 'export_from', message: 'must be a date written YYYY-MM-DD' }])
})

t.test('export_from that is not a real calendar date is refused', async (t) => {
  const res = await createWithSettings(t, { ...SEED_SETTINGS, export_from: '2026-02-30' })
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems, [{ path: 'export_from', message: 'is not a real calendar date' }])
})

t.test('text that is not JSON is refused saying so', async (t) => {
  const res = await createWithSettings(t, '{"paymentrules": [')
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /not valid JSON/)
})

t.test("export_from starts the new integration at that date's midnight in the location's time zone", async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, settings: { ...SEED_SETTINGS, export_from: '2026-03-01' } })
  const state = await databases.db.selectFrom('export_state').select('watermark').where('integration_id', '=', created.id).executeTakeFirstOrThrow()
  t.same(state.watermark, startOfDayIn('2026-03-01', 'Asia/Novosibirsk'))
  t.equal(state.watermark?.toISOString(), '2026-02-28T17:00:00.000Z')
})

t.test('without export_from a new integration starts with all history', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const state = await databases.db.selectFrom('export_state').select('watermark').where('integration_id', '=', created.id).executeTakeFirstOrThrow()
  t.equal(state.watermark, null)
})

t.test('a duplicate name within the company is refused with 409, whatever the letter case', async (t) => {
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Дубль' })
  const res = await api.post(t, INTEGRATIONS, { body: { name: 'дУБЛЬ', companyId: supplier.companyId, settings: SEED_SETTINGS } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'CONFLICT')
  t.match(res.json.error.message, /already has an integration named "дУБЛЬ"/)
})

t.test('the same name is fine for another company', async (t) => {
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Общее имя' })
  await createIntegrationViaApi(t, api, { companyId: neighbour.companyId, name: 'Общее имя' })
})

t.test('an unknown company is refused with UNKNOWN_COMPANY pointing at GET /companies', async (t) => {
  const res = await api.post(t, INTEGRATIONS, {
    body: { name: 'Никто', companyId: '00000000-0000-4000-8000-000000000000', settings: SEED_SETTINGS },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'UNKNOWN_COMPANY')
  t.match(res.json.error.message, /No company 00000000-0000-4000-8000-000000000000 in your location; GET \/api\/v1\/companies/)
})

t.test('a request body with missing, unknown and mistyped fields lists every problem', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { body: { nam: 'x', companyId: 'ромашка', settings: 7, enabled: 'yes' } })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'BAD_REQUEST')
  t.same(
    res.json.error.details.problems.map((p: { path: string }) => p.path).sort(),
    ['body.companyId', 'body.enabled', 'body.nam', 'body.name', 'body.settings'],
  )
  t.match(res.json.error.message, /body\.name is required/)
  t.match(res.json.error.message, /body\.companyId must be a UUID/)
  t.match(res.json.error.message, /body\.nam is not a known field/)
})

t.test('a request without a body names the required fields', async (t) => {
  const res = await api.post(t, INTEGRATIONS)
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems.map((p: { path: string }) => p.path), ['body.name', 'body.companyId', 'body.settings'])
})

t.test('an empty JSON body is refused with 400', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'BAD_REQUEST')
})

t.test('a body that is not valid JSON is refused with 400', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { headers: { 'content-type': 'application/json' }, payload: '{"name": «x»}' })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'BAD_REQUEST')
})

t.test('a body that is not JSON is refused with 415', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(res.statusCode, 415)
  t.equal(res.json.error.code, 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('a body over the size limit is refused with 413', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { body: { name: 'x'.repeat(2 * 1024 * 1024), companyId: supplier.companyId, settings: SEED_SETTINGS } })
  t.equal(res.statusCode, 413)
  t.equal(res.json.error.code, 'PAYLOAD_TOO_LARGE')
})

t.test('a class other than CommerceML is refused', async (t) => {
  const res = await api.post(t, INTEGRATIONS, { body: { name: 'XML', class: 'Bitrix', companyId: supplier.companyId, settings: SEED_SETTINGS } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /body\.class must be one of "CommerceML"/)
})

t.test('the list holds the integrations of the caller location, oldest first, with a company filter', async (t) => {
  const a = await createIntegrationViaApi(t, api, { companyId: neighbour.companyId, name: 'Список А' })
  const b = await createIntegrationViaApi(t, api, { companyId: neighbour.companyId, name: 'Список Б' })
  const far = await createIntegrationViaApi(t, api, { companyId: elsewhere.companyId, name: 'Список далеко' }, operator)
  const all = await api.get(t, INTEGRATIONS)
  const ids = all.json.integrations.map((i: { id: string }) => i.id)
  t.ok(ids.includes(a.id) && ids.includes(b.id))
  t.notOk(ids.includes(far.id), 'nothing of another location')
  t.ok(ids.indexOf(a.id) < ids.indexOf(b.id), 'oldest first')
  const filtered = await api.get(t, INTEGRATIONS, { query: { companyId: neighbour.companyId } })
  t.ok(filtered.json.integrations.every((i: { companyId: string }) => i.companyId === neighbour.companyId))
  const everything = await api.get(t, INTEGRATIONS, { token: operator })
  t.ok(everything.json.integrations.some((i: { id: string }) => i.id === far.id), 'a system_operator sees every location')
})

t.test('PATCH changes the name, the settings and enabled', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const settings = { ...SEED_SETTINGS, paymentmethod_name: 'Эквайринг', batch_size: 100 }
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { name: 'Новое имя', settings: JSON.stringify(settings), enabled: false } })
  t.equal(res.statusCode, 200)
  t.match(res.json, { name: 'Новое имя', settings, enabled: false })
  t.ok(res.json.updatedAt > created.json.updatedAt, 'updatedAt moves')
  const read = await api.get(t, ONE, { params: { id: created.id } })
  t.same(read.json, res.json)
})

t.test('PATCH refuses to move an integration to another company, saying why', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { companyId: neighbour.companyId } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /companyId cannot be changed/)
  const same = await api.patch(t, ONE, { params: { id: created.id }, body: { companyId: supplier.companyId, enabled: true } })
  t.equal(same.statusCode, 200, 'the current company is accepted')
})

t.test('PATCH refuses to change export_from and points at re-export', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, settings: { ...SEED_SETTINGS, export_from: '2026-01-01' } })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { settings: { ...SEED_SETTINGS, export_from: '2025-01-01' } } })
  t.equal(res.statusCode, 400)
  t.equal(res.json.error.code, 'INVALID_SETTINGS')
  t.match(res.json.error.message, /export_from applies when an integration is created.*\/reexport/)
  const unchanged = await api.patch(t, ONE, {
    params: { id: created.id },
    body: { settings: { ...SEED_SETTINGS, paymentmethod_name: 'Другое', export_from: '2026-01-01' } },
  })
  t.equal(unchanged.statusCode, 200, 'the same export_from is accepted')
})

t.test('PATCH validates settings like creation does', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { settings: { paymentrules: [{ gateway: 1 }], paymentmethod_name: 'x' } } })
  t.equal(res.statusCode, 400)
  t.same(res.json.error.details.problems, [{ path: 'paymentrules[0].gateway', message: 'must be a string' }])
})

t.test('PATCH to a name the company already uses is refused with 409', async (t) => {
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Занято' })
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { name: 'ЗАНЯТО' } })
  t.equal(res.statusCode, 409)
})

t.test('PATCH with nothing to change is refused', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: {} })
  t.equal(res.statusCode, 400)
})

t.test('a disabled integration makes 1C fail with a failure naming it', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Выключаемая' })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  t.ok((await client.checkauth()).ok)
  await api.patch(t, ONE, { params: { id: created.id }, body: { enabled: false } })
  const query = await client.query()
  t.notOk(query.ok)
  t.match(query.response.text, /^failure\nThe Olvery integration "Выключаемая" is switched off/)
})

t.test('DELETE archives: enabled false, archivedAt set, and the list leaves it out unless asked', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.delete(t, ONE, { params: { id: created.id } })
  t.equal(res.statusCode, 200)
  t.equal(res.json.enabled, false)
  t.type(res.json.archivedAt, 'string')
  const list = await api.get(t, INTEGRATIONS)
  t.notOk(list.json.integrations.some((i: { id: string }) => i.id === created.id))
  const withArchived = await api.get(t, INTEGRATIONS, { query: { includeArchived: true } })
  t.ok(withArchived.json.integrations.some((i: { id: string }) => i.id === created.id))
  t.equal((await api.get(t, ONE, { params: { id: created.id } })).statusCode, 200, 'still readable')
})

t.test('DELETE again changes nothing and answers the same', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const first = await api.delete(t, ONE, { params: { id: created.id } })
  const second = await api.delete(t, ONE, { params: { id: created.id } })
  t.equal(second.statusCode, 200)
  t.equal(second.json.archivedAt, first.json.archivedAt)
})

t.test('an archived integration rejects 1C: checkauth and an open session both get the failure text', async (t) => {
  await createOrder(databases.olvery, supplier)
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Архивная' })
  const open = new OneCClient({ inject: app, login: created.login, password: created.password })
  t.ok((await open.checkauth()).ok)
  await api.delete(t, ONE, { params: { id: created.id } })

  const query = await open.query()
  t.notOk(query.ok, 'the open session is refused')
  t.match(query.response.text, /^failure\n/)
  const fresh = await new OneCClient({ inject: app, login: created.login, password: created.password }).checkauth()
  t.notOk(fresh.ok, 'a new checkauth is refused')
  t.equal(fresh.response.text, 'failure\nThe Olvery integration "Архивная" is switched off (disabled or archived); ask the Olvery administrator to enable it.')
})

t.test('the journal of an archived integration stays readable', async (t) => {
  await createOrder(databases.olvery, supplier)
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const exchange = await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()
  t.same(exchange.problems, [])
  await api.delete(t, ONE, { params: { id: created.id } })
  const batches = await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id: created.id } })
  t.equal(batches.statusCode, 200)
  t.equal(batches.json.batches.length, 1)
  const document = await api.get(t, '/api/v1/integrations/{id}/batches/{batchId}/document', {
    params: { id: created.id, batchId: batches.json.batches[0].id },
  })
  t.same(document.rawPayload, exchange.steps.find((s) => s.mode === 'query')!.response.body)
})

t.test('an archived integration cannot be changed, and its name can be used again', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Возвращённое имя' })
  await api.delete(t, ONE, { params: { id: created.id } })
  const res = await api.patch(t, ONE, { params: { id: created.id }, body: { enabled: true } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'INTEGRATION_ARCHIVED')
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Возвращённое имя' })
})

t.test('an id that names no integration answers 404, UUID or not', async (t) => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
    const res = await api.get(t, ONE, { params: { id } })
    t.equal(res.statusCode, 404, id)
    t.equal(res.json.error.code, 'NOT_FOUND', id)
  }
})

t.test('an unknown route under /api/v1 answers a JSON 404', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { authorization: `Bearer ${operator}` } })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: { code: 'NOT_FOUND', message: 'No route GET /api/v1/nothing-here' } })
})

t.test('a failure inside a handler answers 500 without its details', async (t) => {
  const { app: broken, databases: brokenDatabases } = await buildTestApp(t, { env: HS256_ENV })
  await brokenDatabases.db.schema.withSchema('commerceml').dropTable('export_state').cascade().execute()
  const brokenApi = new AdminApi(broken, operator)
  const res = await brokenApi.get(t, INTEGRATIONS)
  t.equal(res.statusCode, 500)
  t.same(res.json, { error: { code: 'INTERNAL', message: 'Internal error; the details are in the service log.' } })
  t.notMatch(res.text, /export_state|relation|does not exist/)
})
