/**
 * Regressions of what the fuzz test (fuzz.test.ts) found, one behaviour each, so that a fix stays fixed whatever
 * seed the fuzz runs with.
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { redactUrl } from '../../src/app.js'
import { createIntegration, supplierIntegration } from '../helpers/integrations.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp, capturingLogger } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'

const { lines: logLines, logger } = capturingLogger()
const { app, databases } = await buildTestApp(t, { env: { ...HS256_ENV, LOG_LEVEL: 'trace' }, logger })
const supplier = await createSupplier(databases.olvery)
await createOrder(databases.olvery, supplier)
const created = await createIntegration(databases.db, { name: 'Regressions', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
const id = created.integration.id
const auth = { authorization: `Bearer ${await systemOperatorToken()}` }
const errorLines = () => logLines.filter((line) => JSON.parse(line).level >= 50)

t.test('Basic credentials with a control character are malformed (RFC 7617 §2), not a database error', async (t) => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
  const failures = async () => Number((await databases.db.selectFrom('login_failures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const before = await failures()
  for (const [text, address] of [
    ['lo\u0000gin:password', '10.9.9.2'],
    ['login:pass\u0000word', '10.9.9.3'],
    ['login:pass\nword', '10.9.9.4'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: basic(text) }, remoteAddress: address })
    t.equal(res.statusCode, 401, JSON.stringify(text))
    t.match(res.body, /^failure\nWrong login or password/)
  }
  t.equal(await failures(), before, 'unreadable credentials are no guess: nothing is counted against a login or an address')
  const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: basic(`${created.login}\u0000:x`) }, remoteAddress: '10.9.9.1' })
  t.equal(res.statusCode, 401)
  t.match(res.body, /^failure\nWrong login or password/)
  t.same(errorLines(), [])
})

t.test('Basic credentials are read as UTF-8: a Cyrillic password logs in', async (t) => {
  const cyrillic = await supplierIntegration(databases.db, supplier, { name: 'Кириллица', password: 'пароль-из-кириллицы' })
  const authorization = `Basic ${Buffer.from(`${cyrillic.login}:пароль-из-кириллицы`, 'utf8').toString('base64')}`
  const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization }, remoteAddress: '10.9.9.5' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /^success\n/)
})

t.test('a NUL anywhere in an admin request is a 400 naming where, not a 500 from PostgreSQL', async (t) => {
  const order = await app.inject({ method: 'GET', url: `/api/v1/integrations/${id}/orders/T-%00`, headers: auth })
  t.equal(order.statusCode, 400)
  t.equal(order.json().error.code, 'BAD_REQUEST')
  t.same(order.json().error.details.problems, [{ path: 'path.orderIdOrNumber', message: 'contains a NUL character (U+0000)' }])
  const patch = await app.inject({ method: 'PATCH', url: `/api/v1/integrations/${id}`, headers: auth, payload: { settings: { ...SEED_SETTINGS, paymentmethod_name: 'x\u0000' } } })
  t.equal(patch.statusCode, 400)
  t.same(patch.json().error.details.problems[0].path, 'body.settings.paymentmethod_name')
  t.same(errorLines(), [])
})

t.test('a path the router cannot read is a 400 in the error shape, quoting neither the URL nor its sessid', async (t) => {
  const sessid = 'Sessid0123456789abcdefXYZ'
  for (const url of [`/api/v1/integrations%E0%A4%A?sessid=${sessid}`, `/docs%zz?sessid=${sessid}`, `/api/v1/integrations/${'x'.repeat(150)}?sessid=${sessid}`]) {
    const res = await app.inject({ method: 'GET', url, headers: auth })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().error.code, 'BAD_REQUEST')
    t.notOk(res.body.includes(sessid), 'no sessid in the answer')
  }
  t.notOk(logLines.join('').includes(sessid), 'no sessid in the log')
})

t.test('a 404 quotes at most 200 characters of the path and never its query string', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/nowhere/${'a'.repeat(1000)}?sessid=secret-sessid-value` })
  t.equal(res.statusCode, 404)
  t.ok(res.json().error.message.length < 240)
  t.notOk(res.body.includes('secret-sessid-value'))
})

t.test('every method on the 1C paths answers HTTP 200 failure, bodies and odd content types included', async (t) => {
  for (const [method, path] of [['PUT', '/1c_exchange'], ['DELETE', '/bitrix/admin/1c_exchange.php'], ['PATCH', '/1c_exchange'], ['OPTIONS', '/1c_exchange'], ['PROPFIND', '/1c_exchange']] as const) {
    const res = await app.inject({ method: method as 'PUT', url: `${path}?type=sale&mode=query`, headers: { 'content-type': 'é/é' }, payload: '{' })
    t.equal(res.statusCode, 200, `${method} ${path}`)
    t.equal(res.headers['content-type'], 'text/plain; charset=UTF-8')
    t.match(res.body, new RegExp(`^failure\\nMethod ${method} is not used by the exchange`))
  }
  t.notOk(app.routeList.some((r) => r.startsWith('PUT ') && r.includes('1c_exchange')), 'the catch-all methods stay out of routeList (openapi.yaml)')
})

t.test('URLs are logged with every spelling of sessid redacted', async (t) => {
  t.equal(redactUrl('/1c_exchange?type=sale;sessid=abc&SESSID=def&%73essid=ghi&x=sessid'), '/1c_exchange?type=sale;sessid=[redacted]&SESSID=[redacted]&%73essid=[redacted]&x=sessid')
  t.equal(redactUrl('/health'), '/health')
})

t.test("what Node's HTTP parser refuses is answered in the error shape and logged without its raw bytes", async (t) => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const secretHeader = 'Basic c2VjcmV0LWxvZ2luOnNlY3JldC1wYXNzd29yZA=='
  const raw = `POST /api/v1/integrations HTTP/1.1\r\nHost: x\r\nAuthorization: ${secretHeader}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`
  const response = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    const socket = net.connect(port, '127.0.0.1', () => socket.end(raw))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', () => undefined)
  })
  t.match(response, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.same(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)), { error: { code: 'BAD_REQUEST', message: 'The request is not valid HTTP/1.1' } })
  const log = logLines.join('')
  t.notOk(log.includes('rawPacket'), 'the raw request is not logged')
  t.notOk(log.includes(secretHeader.slice(6)), 'nor its Authorization header')
})
