import t from 'tap'
import { buildTestApp } from '../helpers/build-app.js'

t.test('GET /health answers while the process runs', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /ready is 200 when the database answers and migrations are applied', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ready', checks: { database: 'ok', migrations: 'ok' } })
})

t.test('GET /ready is 503 naming the migrations that are not applied', async (t) => {
  const { app } = await buildTestApp(t, { database: { migrate: false } })
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 'unavailable', checks: { migrations: 'failing' }, reason: /0001_initial\.sql/ })
})

t.test('GET /ready is 503 when the database is down', async (t) => {
  const { app, databases } = await buildTestApp(t)
  await databases.close()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 'unavailable', reason: 'database unreachable', checks: { database: 'failing' } })
})
