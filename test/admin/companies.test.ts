/**
 * GET /companies: the drop-down of the admin screen, from the platform data, limited to the caller's location.
 */
import t from 'tap'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createSupplier } from '../helpers/factories.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const first = await createSupplier(databases.olvery, { name: 'ООО «Яблоко»' })
const second = await createSupplier(databases.olvery, { locationId: first.locationId, name: 'ИП «Арбуз»' })
const far = await createSupplier(databases.olvery, { name: 'ООО «Далёкое»' })
const api = new AdminApi(app, await locationAdminToken(first.locationId))
const COMPANIES = '/api/v1/companies'

t.test("a location_admin gets the companies of its location only, by name", async (t) => {
  const res = await api.get(t, COMPANIES)
  t.equal(res.statusCode, 200)
  t.same(res.json.companies.map((c: { id: string }) => c.id), [second.companyId, first.companyId])
  t.same(res.json.companies[1], {
    id: first.companyId,
    locationId: first.locationId,
    kind: 'legal',
    name: 'ООО «Яблоко»',
    shortName: null,
    inn: '7707083893',
    kpp: '773601001',
  })
})

t.test('a location_admin asking for another location gets nothing', async (t) => {
  const res = await api.get(t, COMPANIES, { query: { locationId: far.locationId } })
  t.same(res.json, { companies: [] })
})

t.test('a system_operator gets every location, or the one asked for', async (t) => {
  const operator = await systemOperatorToken()
  const all = await api.get(t, COMPANIES, { token: operator })
  const ids = all.json.companies.map((c: { id: string }) => c.id)
  t.ok([first.companyId, second.companyId, far.companyId].every((id) => ids.includes(id)))
  const one = await api.get(t, COMPANIES, { token: operator, query: { locationId: far.locationId } })
  t.same(one.json.companies.map((c: { id: string }) => c.id), [far.companyId])
})

t.test('a locationId that is not a UUID is refused', async (t) => {
  const res = await api.get(t, COMPANIES, { query: { locationId: 'moscow' } })
  t.equal(res.statusCode, 400)
  t.match(res.json.error.message, /query\.locationId must be a UUID/)
})
