/**
 * The shape of the exchange endpoint (PROTOCOL.md §2, §3, §4): paths, parameters in any order, exact init answer,
 * failure texts for unknown modes and types, malformed query strings, every answer HTTP 200 plain text without BOM,
 * errors of the database, and the one log line per request without secrets.
 */
import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { basicAuthorization as basic, standaloneIntegration } from '../helpers/integrations.js'
import { createLogger } from '../../src/logger.js'
import { buildTestApp, testConfig } from '../helpers/build-app.js'
import { OneCClient } from '../helpers/onec-client.js'
import { createTestDatabases } from '../helpers/test-database.js'

const TEXT = 'text/plain; charset=UTF-8'

const { app, databases, config } = await buildTestApp(t)
const created = await standaloneIntegration(databases.db, { name: 'Бухгалтерия' })

async function openSession(): Promise<{ cookie: string; sessid: string }> {
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  const step = await client.checkauth()
  if (!step.ok) throw new Error(step.problem)
  return { cookie: `${step.cookieName}=${step.cookieValue}`, sessid: step.line4!.replace('sessid=', '') }
}

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

t.test('init answers exactly "zip=no\\nfile_limit=<n>", with or without version and cmlVersion', async (t) => {
  const s = await openSession()
  const expected = `zip=no\nfile_limit=${config.fileLimitBytes}`
  for (const query of [
    'type=sale&mode=init',
    'type=sale&mode=init&version=2.09',
    'type=sale&mode=init&cmlVersion=2.10',
    `type=sale&sessid=${s.sessid}&version=2.09&cmlVersion=2.10&mode=init`,
  ]) {
    const res = await get(`/1c_exchange?${query}`, { cookie: s.cookie })
    t.equal(res.statusCode, 200, query.replace(s.sessid, '<sessid>'))
    t.equal(res.body, expected)
    t.equal(res.headers['content-type'], TEXT)
  }
})

t.test('parameters are read by name whatever their order', async (t) => {
  const s = await openSession()
  for (const query of ['mode=init&type=sale', `sessid=${s.sessid}&mode=init&type=sale`, 'type=sale&&mode=init&']) {
    t.match((await get(`/1c_exchange?${query}`, { cookie: s.cookie })).body, /^zip=no\n/)
  }
})

t.test('an unknown mode is answered 200 with a failure listing the known modes', async (t) => {
  const s = await openSession()
  const res = await get('/1c_exchange?type=sale&mode=frobnicate', { cookie: s.cookie })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], TEXT)
  t.equal(res.body, 'failure\nUnknown mode frobnicate; known modes: checkauth, init, query, success, file, import.')
  const missing = await get('/1c_exchange?type=sale', { cookie: s.cookie })
  t.equal(missing.statusCode, 200)
  t.match(missing.body, /^failure\nUnknown mode \(none\); known modes: /)
})

t.test('a mode of another type than sale is answered "failure\\nUnknown command type."', async (t) => {
  const s = await openSession()
  for (const query of ['type=catalog&mode=init', 'type=catalog&mode=import&filename=import.xml', 'mode=query', 'type=SALE&mode=query']) {
    const res = await get(`/1c_exchange?${query}`, { cookie: s.cookie })
    t.equal(res.statusCode, 200, query)
    t.equal(res.body, 'failure\nUnknown command type.', query)
  }
})

t.test('mode=info is answered "failure\\nnot supported"', async (t) => {
  const s = await openSession()
  const res = await get(`/bitrix/admin/1c_exchange.php?type=sale&mode=info&sessid=${s.sessid}`, { cookie: s.cookie })
  t.equal(res.statusCode, 200)
  t.equal(res.body, 'failure\nnot supported')
})

t.test('a malformed query string gets a failure text with status 200, not an error page', async (t) => {
  const s = await openSession()
  for (const url of [
    '/1c_exchange?type=sale&mode=init&x=%E0%A4%A',
    '/1c_exchange?type=sale&mode=checkauth&filename=%',
    '/1c_exchange?type=%zz&mode=query',
  ]) {
    const res = await get(url, { cookie: s.cookie, authorization: basic(created.login, created.password) })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], TEXT)
    t.match(res.body, /^failure\nMalformed query string/, url)
  }
})

t.test('both exchange paths serve the same sessions, with or without a trailing slash', async (t) => {
  const bitrix = new OneCClient({ inject: app, path: '/bitrix/admin/1c_exchange.php', login: created.login, password: created.password })
  t.ok((await bitrix.checkauth()).ok)
  const cookie = `${bitrix.session!.cookieName}=${bitrix.session!.cookieValue}`
  for (const path of ['/1c_exchange', '/1c_exchange/', '/bitrix/admin/1c_exchange.php']) {
    const res = await get(`${path}?type=sale&mode=init`, { cookie })
    t.equal(res.statusCode, 200, path)
    t.match(res.body, /^zip=no\n/, path)
  }
})

t.test('every mode is served by POST as well as GET', async (t) => {
  const s = await openSession()
  const res = await app.inject({ method: 'POST', url: '/1c_exchange?type=sale&mode=init', headers: { cookie: s.cookie } })
  t.match(res.body, /^zip=no\nfile_limit=\d+$/)
})

t.test('text answers are UTF-8 plain text without BOM, LF only, failures shorter than 255 characters', async (t) => {
  const s = await openSession()
  const answers = await Promise.all([
    get('/1c_exchange?type=sale&mode=checkauth', { authorization: basic(created.login, created.password) }),
    get('/1c_exchange?type=sale&mode=checkauth'),
    get('/1c_exchange?type=sale&mode=init', { cookie: s.cookie }),
    get('/1c_exchange?type=sale&mode=nothing', { cookie: s.cookie }),
    get('/1c_exchange?type=sale&mode=%3Cb%3Ehi%3C%2Fb%3E%0D%0Ax', { cookie: s.cookie }),
    get('/1c_exchange?type=catalog&mode=file'),
    get('/1c_exchange?type=sale&mode=import&filename=none.xml', { cookie: s.cookie }),
    get('/1c_exchange?type=sale&mode=query'),
  ])
  for (const res of answers) {
    t.equal(res.headers['content-type'], TEXT)
    t.not(res.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'no BOM')
    t.notOk(res.body.includes('\r'), 'no CR')
    t.notOk(/<[a-z!]/i.test(res.body), 'no HTML')
    t.match(res.body, /^(success|failure|zip=no)\n/)
    if (res.body.startsWith('failure')) t.ok(res.body.length < 255, res.body)
  }
})

t.test('a configured EXCHANGE_PATH is served beside /bitrix/admin/1c_exchange.php', async (t) => {
  const other = await buildTestApp(t, { env: { EXCHANGE_PATH: '/exchange/1c' } })
  const integration = await standaloneIntegration(other.databases.db, { name: 'Путь' })
  const auth = { authorization: basic(integration.login, integration.password) }
  for (const path of ['/exchange/1c', '/bitrix/admin/1c_exchange.php']) {
    const res = await other.app.inject({ method: 'GET', url: `${path}?type=sale&mode=checkauth`, headers: auth })
    t.match(res.body, /^success\n/, path)
  }
  const old = await other.app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: auth })
  t.equal(old.statusCode, 404, 'the default path is not served when another is configured')
})

t.test('with the database down, every mode answers 200 with a failure text (never a 500 or a JSON error)', async (t) => {
  const down = await buildTestApp(t)
  const integration = await standaloneIntegration(down.databases.db, { name: 'Упала база' })
  const client = new OneCClient({ inject: down.app, login: integration.login, password: integration.password })
  t.ok((await client.checkauth()).ok)
  const cookie = `${client.session!.cookieName}=${client.session!.cookieValue}`
  await down.databases.close()
  const answers = [
    await down.app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: basic(integration.login, integration.password) } }),
    await down.app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=query', headers: { cookie } }),
    await down.app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=success', headers: { cookie } }),
    await down.app.inject({ method: 'POST', url: '/1c_exchange?type=sale&mode=file&filename=a.xml', headers: { cookie }, payload: Buffer.from('<x/>') }),
  ]
  for (const res of answers) {
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], TEXT)
    t.match(res.body, /^failure\n[^\n]+$/)
  }
})

t.test('one log line per request carries mode, type, integration, session and outcome, and no secret', async (t) => {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      callback()
    },
  })
  const logDatabases = await createTestDatabases(t)
  const logged = await buildApp({ config: testConfig(), databases: logDatabases, logger: createLogger({ logLevel: 'info' }, destination) })
  t.teardown(() => logged.close())
  const integration = await standaloneIntegration(logDatabases.db, { name: 'Журнал' })
  const client = new OneCClient({ inject: logged, login: integration.login, password: integration.password, profile: 'unf' })
  const auth = await client.checkauth()
  await client.init('upload')
  await client.upload('orders-1_1.xml', Buffer.from('<?xml version="1.0"?><КоммерческаяИнформация/>'))
  await client.import('orders-1_1.xml')
  await client.request('type=sale&mode=nonsense')
  await client.request('type=sale&mode=init', { cookie: false, basic: false })

  const completed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['msg'] === 'request completed')
  t.equal(completed.length, 6, 'one line per request')
  t.match(completed[0], { mode: 'checkauth', type: 'sale', integrationId: integration.integration.id, outcome: 'success' })
  t.type(completed[0]?.['sessionId'], 'string')
  t.match(completed[1], { mode: 'init', outcome: 'success', sessionId: completed[0]?.['sessionId'] })
  t.match(completed[2], { mode: 'file', outcome: 'success', bytes: Number, filename: 'orders-1_1.xml' })
  t.match(completed[3], { mode: 'import', outcome: 'success', sha256: /^[0-9a-f]{64}$/ })
  t.match(completed[4], { mode: 'nonsense', outcome: 'failure', reason: /Unknown mode/ })
  t.match(completed[5], { mode: 'init', outcome: 'failure', reason: /exchange session unknown/ })
  t.ok(lines.some((l) => l.includes('"level":40') && l.includes('exchange session unknown or expired')), 'warning logged')

  const everything = lines.join('\n')
  for (const secret of [auth.cookieValue!, auth.line4!.replace('sessid=', ''), integration.password]) {
    t.notOk(everything.includes(secret), 'no cookie value, sessid or password in the log')
  }
  t.notOk(everything.includes(Buffer.from(`${integration.login}:${integration.password}`).toString('base64')), 'no Authorization header')
})
