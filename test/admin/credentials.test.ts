/**
 * POST /integrations/{id}/credentials: a new password (and optionally login). The old password and every session
 * opened with it stop working at once; the new password works.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const supplier = await createSupplier(databases.olvery)
await createOrder(databases.olvery, supplier)
const api = new AdminApi(app, await locationAdminToken(supplier.locationId))
const CREDENTIALS = '/api/v1/integrations/{id}/credentials'

t.test('rotation answers a new password, once, and keeps the login', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.json.login, created.login)
  t.not(res.json.password, created.password)
  t.match(res.json.password, /^[A-Za-z0-9]{24}$/)
  const read = await api.get(t, '/api/v1/integrations/{id}', { params: { id: created.id } })
  t.equal(read.json.credentialsRotatedAt, res.json.rotatedAt)
})

t.test('after rotation the old password gets the 401 checkauth failure', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  await api.post(t, CREDENTIALS, { params: { id: created.id } })
  const old = await new OneCClient({ inject: app, login: created.login, password: created.password }).checkauth()
  t.notOk(old.ok)
  t.equal(old.statusCode, 401)
  t.match(old.response.text, /^failure\nWrong login or password/)
})

t.test('after rotation a session opened with the old password fails its next query', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password, basicOnEveryRequest: false })
  t.ok((await client.checkauth()).ok)
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id } })
  t.equal(res.json.revokedSessions, 1, 'the open session is revoked')
  const query = await client.query()
  t.notOk(query.ok)
  t.match(query.response.text, /^failure\nexchange session unknown or expired; run checkauth again/)
  const batches = await databases.db.selectFrom('batches').select('id').where('integration_id', '=', created.id).execute()
  t.same(batches, [], 'nothing was sent with the old session')
})

t.test('after rotation the new password runs a whole exchange', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id } })
  const result = await new OneCClient({ inject: app, login: res.json.login, password: res.json.password }).exchange()
  t.same(result.problems, [])
  t.ok(result.documentCount >= 1)
})

t.test('rotation may set a new login; the old login stops working', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id }, body: { login: 'romashka-1c' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json.login, 'romashka-1c')
  t.ok((await new OneCClient({ inject: app, login: 'romashka-1c', password: res.json.password }).checkauth()).ok)
  t.notOk((await new OneCClient({ inject: app, login: created.login, password: res.json.password }).checkauth()).ok)
  const read = await api.get(t, '/api/v1/integrations/{id}', { params: { id: created.id } })
  t.equal(read.json.login, 'romashka-1c')
})

t.test('a login taken by another integration is refused with 409 and nothing changes', async (t) => {
  const first = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const second = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.post(t, CREDENTIALS, { params: { id: second.id }, body: { login: first.login } })
  t.equal(res.statusCode, 409)
  t.match(res.json.error.message, /is taken by another integration/)
  t.ok((await new OneCClient({ inject: app, login: second.login, password: second.password }).checkauth()).ok, 'the old password still works')
})

t.test('a login outside [A-Za-z0-9._-]{3,64} is refused', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id }, body: { login: 'логин с пробелом' } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.details.problems, [{ path: 'body.login' }])
})

t.test('rotating the credentials of an archived integration is refused', async (t) => {
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId })
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id: created.id } })
  const res = await api.post(t, CREDENTIALS, { params: { id: created.id } })
  t.equal(res.statusCode, 409)
  t.equal(res.json.error.code, 'INTEGRATION_ARCHIVED')
})
