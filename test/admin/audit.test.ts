/**
 * The audit trail of an integration (GET …/audit): every administrator action through the admin API, with when, who
 * (the token's `sub` and `role`) and what changed, newest first and paged like the journal; never a password or its
 * hash; nothing for a request that changed nothing or failed.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi, supplierIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)

const AUDIT = '/api/v1/integrations/{id}/audit'
const ONE = '/api/v1/integrations/{id}'
const ADMIN = 'ivanova@example.ru'

type T = CheckingTest

const setup = (t: T) => supplierIntegrationViaApi(t, api, databases.olvery, { sub: ADMIN, name: 'Бухгалтерия' })

/** The whole audit trail, newest first. */
async function events(t: T, id: string, query: Record<string, string | number> = {}) {
  const res = await api.get(t, AUDIT, { params: { id }, query })
  t.equal(res.statusCode, 200, res.text)
  return res.json.events as Array<{ id: number; at: string; sub: string; role: string; action: string; changes: Record<string, unknown> }>
}

t.test('creating an integration is recorded with who, their role, and what was created, without the password', async (t) => {
  const { created, id } = await setup(t)
  const [event, ...rest] = await events(t, id)
  t.same(rest, [])
  t.match(event, { sub: ADMIN, role: 'location_admin', action: 'create' })
  t.same(event!.changes, { name: 'Бухгалтерия', companyId: created.json.companyId, settings: created.json.settings, enabled: true, login: created.login })
  t.ok(Math.abs(Date.parse(event!.at) - Date.parse(created.json.createdAt)) < 5_000, 'at: when it happened')
  t.notMatch(JSON.stringify(event), created.password)
})

t.test('a change of name and settings is recorded with both values; enable and disable each as their own action', async (t) => {
  const { id } = await setup(t)
  const settings = { ...SEED_SETTINGS, paymentmethod_name: 'Эквайринг' }
  t.equal((await api.patch(t, ONE, { params: { id }, body: { name: 'Бухгалтерия 2', settings, enabled: false } })).statusCode, 200)
  t.equal((await api.patch(t, ONE, { params: { id }, body: { enabled: true } })).statusCode, 200)
  const [enabled, disabled, updated] = await events(t, id)
  t.match(enabled, { action: 'enable', sub: ADMIN, changes: { enabled: { from: false, to: true } } })
  t.match(disabled, { action: 'disable', changes: { enabled: { from: true, to: false } } })
  t.match(updated, { action: 'update', changes: { name: { from: 'Бухгалтерия', to: 'Бухгалтерия 2' } } })
  t.match(updated!.changes['settings'], { from: { paymentmethod_name: 'Оплата картой внешняя' }, to: { paymentmethod_name: 'Эквайринг' } })
})

t.test('a change to what already is, or one refused, records nothing', async (t) => {
  const { supplier, id } = await setup(t)
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Занято' })
  const before = await events(t, id)
  // The same settings with their keys in another order (the database keeps its own order) are no change.
  const reordered = { paymentmethod_name: SEED_SETTINGS.paymentmethod_name, paymentrules: SEED_SETTINGS.paymentrules }
  t.equal((await api.patch(t, ONE, { params: { id }, body: { name: 'Бухгалтерия', settings: reordered, enabled: true } })).statusCode, 200)
  t.equal((await api.patch(t, ONE, { params: { id }, body: { name: 'Занято' } })).statusCode, 409)
  t.equal((await api.patch(t, ONE, { params: { id }, body: { settings: { paymentrules: [] } } })).statusCode, 400)
  t.same(await events(t, id), before)
})

t.test('a credential rotation is recorded with the login change and the sessions ended, never the password or its hash', async (t) => {
  const { created, id } = await setup(t)
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  t.ok((await client.checkauth()).ok)
  const res = await api.post(t, '/api/v1/integrations/{id}/credentials', { params: { id }, body: { login: 'romashka-audit' } })
  t.equal(res.statusCode, 200)
  const [event] = await events(t, id)
  t.match(event, { action: 'rotate_credentials', sub: ADMIN })
  t.same(event!.changes, { login: { from: created.login, to: 'romashka-audit' }, revokedSessions: 1 })
  const { password_hash } = await databases.db.selectFrom('credentials').select('password_hash').where('integration_id', '=', id).executeTakeFirstOrThrow()
  const stored = JSON.stringify(await databases.db.selectFrom('audit_events').selectAll().where('integration_id', '=', id).execute())
  for (const secret of [res.json.password, created.password, password_hash, password_hash.split('$').pop()!]) t.notOk(stored.includes(secret), 'no secret in the audit trail')
})

t.test('archiving is recorded once; a repeated DELETE records nothing', async (t) => {
  const { id } = await setup(t)
  const archived = await api.delete(t, ONE, { params: { id } })
  await api.delete(t, ONE, { params: { id } })
  const [event, ...older] = await events(t, id)
  t.match(event, { action: 'archive', changes: { enabled: { from: true, to: false }, archivedAt: archived.json.archivedAt, revokedSessions: 0 } })
  t.same(older.map((e) => e.action), ['create'])
})

t.test('a re-export is recorded with what was asked and how many orders it cleared', async (t) => {
  const { supplier, created, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier)
  t.same((await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()).problems, [])
  await api.post(t, '/api/v1/integrations/{id}/reexport', { params: { id }, body: { orderIds: [order.id] } })
  const byDate = await api.post(t, '/api/v1/integrations/{id}/reexport', { params: { id }, body: { from: '2026-03-01' } })
  const [fromDate, byOrders] = await events(t, id)
  t.match(byOrders, { action: 'reexport', changes: { orderIds: [order.id], from: null, cleared: 1 } })
  t.match(fromDate, { action: 'reexport', changes: { orderIds: null, from: byDate.json.from, watermark: byDate.json.watermark } })
})

t.test('an acknowledgement by hand, an exclusion and an inclusion are recorded with what they acted on', async (t) => {
  const { supplier, created, id } = await setup(t)
  const order = await createOrder(databases.olvery, supplier, { number: 'A-555' })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  await client.checkauth()
  await client.query()
  const [batch] = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches
  // A system operator does one of them: the role recorded is the token's.
  const operator = await systemOperatorToken({ sub: 'ops-on-duty' })
  t.equal((await api.post(t, '/api/v1/integrations/{id}/batches/{batchId}/acknowledge', { params: { id, batchId: batch.id }, token: operator })).statusCode, 200)
  const excluded = await api.put(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion', { params: { id, orderIdOrNumber: 'A-555' }, body: { reason: 'Тест' } })
  await api.delete(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion', { params: { id, orderIdOrNumber: 'A-555' } })
  const [included, exclusion, acknowledged] = await events(t, id)
  t.match(acknowledged, { action: 'acknowledge', sub: 'ops-on-duty', role: 'system_operator' })
  t.same(acknowledged!.changes, { batchId: batch.id, orderCount: 1 })
  t.match(exclusion, { action: 'exclude', sub: ADMIN, role: 'location_admin' })
  t.same(exclusion!.changes, { orderId: order.id, number: 'A-555', reason: 'Тест' })
  t.match(included, { action: 'include', sub: ADMIN })
  t.same(included!.changes, { orderId: order.id, number: 'A-555', exclusion: { at: excluded.json.excluded.at, by: ADMIN, reason: 'Тест' } })
})

t.test('a refused acknowledgement records nothing', async (t) => {
  const { supplier, created, id } = await setup(t)
  await createOrder(databases.olvery, supplier)
  t.same((await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()).problems, [])
  const [batch] = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches
  const before = await events(t, id)
  t.equal((await api.post(t, '/api/v1/integrations/{id}/batches/{batchId}/acknowledge', { params: { id, batchId: batch.id } })).statusCode, 409)
  t.same(await events(t, id), before)
})

t.test('the audit trail is newest first, a page at a time, and holds only its integration', async (t) => {
  const { supplier, id } = await setup(t)
  const other = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Другая' })
  for (let i = 1; i <= 4; i++) await api.patch(t, ONE, { params: { id }, body: { name: `Имя ${i}` } })
  const all = await events(t, id)
  t.same(all.map((e) => e.action), ['update', 'update', 'update', 'update', 'create'])
  t.same(all.map((e) => (e.changes['name'] as { to?: string } | undefined)?.to ?? null), ['Имя 4', 'Имя 3', 'Имя 2', 'Имя 1', null])
  const first = await api.get(t, AUDIT, { params: { id }, query: { limit: 2 } })
  t.same(first.json.events.map((e: { id: number }) => e.id), all.slice(0, 2).map((e) => e.id))
  t.equal(first.json.nextCursor, String(all[1]!.id))
  const second = await api.get(t, AUDIT, { params: { id }, query: { limit: 2, cursor: first.json.nextCursor } })
  t.same(second.json.events.map((e: { id: number }) => e.id), all.slice(2, 4).map((e) => e.id))
  const last = await api.get(t, AUDIT, { params: { id }, query: { limit: 2, cursor: second.json.nextCursor } })
  t.same(last.json.events.map((e: { id: number }) => e.id), [all[4]!.id])
  t.equal(last.json.nextCursor, null)
  t.same((await events(t, other.id)).map((e) => e.action), ['create'], 'the other integration has its own')
  t.equal((await api.get(t, AUDIT, { params: { id }, query: { limit: 0 } })).statusCode, 400)
})
