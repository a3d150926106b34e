/**
 * `/docs`: Swagger UI for openapi.yaml, and the document itself, open to anyone (it holds no data).
 */
import t from 'tap'
import { parse } from 'yaml'
import { openApiDocument } from '../helpers/admin-api.js'
import { buildTestApp } from '../helpers/build-app.js'

const { app } = await buildTestApp(t)

t.test('/docs serves Swagger UI', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.body, /swagger-ui/i)
  const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
  t.equal(initializer.statusCode, 200)
  const bundle = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' })
  t.equal(bundle.statusCode, 200, 'the UI assets are served locally')
})

t.test('/docs/json serves openapi.yaml, with the serving host as the first server', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json', headers: { host: 'exchange.example.ru' } })
  t.equal(res.statusCode, 200)
  const spec = res.json()
  t.same(spec.servers[0], { url: 'http://exchange.example.ru', description: 'this service' })
  t.same({ ...spec, servers: spec.servers.slice(1) }, openApiDocument)
})

t.test('/docs/yaml serves the same document as YAML', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/yaml' })
  t.equal(res.statusCode, 200)
  t.same(parse(res.body).paths, openApiDocument['paths'])
})

t.test('the documentation pages are not routes the document must describe', async (t) => {
  t.notOk(app.routeList.some((route) => route.includes('/docs')))
})

t.test('without openapi.yaml the service still starts, and /docs answers 503 saying what is missing', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { docsPlugin } = await import('../../src/docs/docs.plugin.js')
  const bare = Fastify({ logger: false })
  t.teardown(() => bare.close())
  await bare.register(docsPlugin, { documentUrl: new URL('file:///nonexistent/openapi.yaml') })
  const res = await bare.inject({ method: 'GET', url: '/docs' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { error: { code: 'UNAVAILABLE', message: /openapi\.yaml is not shipped/ } })
})
