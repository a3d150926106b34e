/**
 * mode=checkauth (PROTOCOL.md §2, §3.1): Basic credentials open a new exchange session; the answer is exactly four
 * LF-terminated lines; missing or wrong credentials get the 401 challenge with a failure body.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { basicAuthorization as basic, standaloneIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { OneCClient } from '../helpers/onec-client.js'

const CHECKAUTH_ANSWER = /^success\nOLVERY1C\n([A-Za-z0-9]{22,})\nsessid=([A-Za-z0-9]{16,})\n$/

const { app, databases, config } = await buildTestApp(t)
const created = await standaloneIntegration(databases.db, { name: 'Бухгалтерия' })
const goodAuth = basic(created.login, created.password)
const checkauth = (authorization: string) =>
  app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization } })

t.test('checkauth answers exactly four LF-terminated lines: success, cookie name, cookie value, sessid=<token>', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: goodAuth } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; charset=UTF-8')
  t.equal(res.rawPayload[0], 's'.charCodeAt(0), 'no BOM')
  t.notOk(res.body.includes('\r'), 'no CR')
  const match = CHECKAUTH_ANSWER.exec(res.body)
  t.ok(match, `shape of ${JSON.stringify(res.body)}`)
  t.equal(res.body.split('\n').length, 5, 'four lines, each ending in LF')
  t.not(match?.[1], match?.[2], 'sessid is independent of the cookie value')
  t.ok((match?.[1]?.length ?? 0) * Math.log2(62) >= 128, 'cookie value carries at least 128 bits')
})

t.test('checkauth stores only hashes of the cookie value and sessid, and opens a session with the configured TTL', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: goodAuth } })
  const [, cookieValue, sessid] = CHECKAUTH_ANSWER.exec(res.body) ?? []
  const sha = (s: string) => createHash('sha256').update(s).digest('hex')
  const row = await databases.db
    .selectFrom('sessions')
    .selectAll()
    .where('cookie_hash', '=', sha(cookieValue!))
    .executeTakeFirstOrThrow()
  t.equal(row.integration_id, created.integration.id)
  t.equal(row.sessid_hash, sha(sessid!))
  t.equal(row.revoked_at, null)
  const ttlMs = row.expires_at.getTime() - row.created_at.getTime()
  t.ok(Math.abs(ttlMs - config.sessionTtlSeconds * 1000) < 5000, `expires ${config.sessionTtlSeconds}s after creation`)
  const everything = JSON.stringify(await databases.db.selectFrom('sessions').selectAll().execute())
  t.notOk(everything.includes(cookieValue!), 'cookie value not stored')
  t.notOk(everything.includes(sessid!), 'sessid not stored')
})

t.test('every checkauth opens a new session', async (t) => {
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  const first = await client.checkauth()
  const second = await client.checkauth()
  t.ok(first.ok && second.ok)
  t.not(first.cookieValue, second.cookieValue)
  t.not(first.line4, second.line4)
})

t.test('checkauth works for type=catalog (the 1C node connection test) and without type', async (t) => {
  for (const url of ['/1c_exchange?type=catalog&mode=checkauth', '/1c_exchange?mode=checkauth']) {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: goodAuth } })
    t.equal(res.statusCode, 200, url)
    t.match(res.body, CHECKAUTH_ANSWER, url)
  }
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  t.ok((await client.checkauth({ type: 'catalog' })).ok)
})

t.test('checkauth without credentials gets 401, the Basic challenge and a failure body', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth' })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Basic realm="1c-exchange"')
  t.equal(res.headers['content-type'], 'text/plain; charset=UTF-8')
  t.match(res.body, /^failure\n[^\n]+$/)
  t.ok(res.body.length < 255)
})

t.test('a wrong password and an unknown login get the same 401 answer', async (t) => {
  const wrong = await checkauth(basic(created.login, 'not-the-password'))
  const unknown = await checkauth(basic('1c-nobody', created.password))
  for (const res of [wrong, unknown]) {
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Basic realm="1c-exchange"')
    t.match(res.body, /^failure\n/)
  }
  t.equal(wrong.body, unknown.body, 'the answer does not tell which of the two was wrong')
})

t.test('malformed Basic credentials get 401', async (t) => {
  for (const authorization of ['Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Bearer abc']) {
    const res = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization } })
    t.equal(res.statusCode, 401, authorization)
    t.match(res.body, /^failure\n/)
  }
})

t.test('the Basic scheme name is case-insensitive', async (t) => {
  const res = await checkauth(goodAuth.replace('Basic', 'basic'))
  t.match(res.body, CHECKAUTH_ANSWER)
})

t.test('a disabled integration gets a failure telling the administrator it is switched off, and no session', async (t) => {
  const off = await standaloneIntegration(databases.db, { name: 'Выключенная', enabled: false })
  const res = await checkauth(basic(off.login, off.password))
  t.equal(res.statusCode, 200)
  t.match(res.body, /^failure\n.*switched off/)
  const sessions = await databases.db.selectFrom('sessions').select('id').where('integration_id', '=', off.integration.id).execute()
  t.same(sessions, [])
})

t.test('an archived integration gets the same failure', async (t) => {
  const archived = await standaloneIntegration(databases.db, { name: 'Архивная' })
  await databases.db
    .updateTable('integrations')
    .set({ archived_at: new Date() })
    .where('id', '=', archived.integration.id)
    .execute()
  const res = await checkauth(basic(archived.login, archived.password))
  t.equal(res.statusCode, 200)
  t.match(res.body, /^failure\n.*switched off/)
})

t.test('a disabled integration with a wrong password still gets 401: its state is not revealed', async (t) => {
  const off = await standaloneIntegration(databases.db, { name: 'Выключенная 2', enabled: false })
  const res = await checkauth(basic(off.login, 'wrong'))
  t.equal(res.statusCode, 401, 'the state of an integration is not revealed without its password')
})

t.test('checkauth is served on /bitrix/admin/1c_exchange.php too, by POST as well as GET', async (t) => {
  for (const method of ['GET', 'POST'] as const) {
    const res = await app.inject({
      method,
      url: '/bitrix/admin/1c_exchange.php?type=sale&mode=checkauth',
      headers: { authorization: goodAuth },
    })
    t.equal(res.statusCode, 200, method)
    t.match(res.body, CHECKAUTH_ANSWER, method)
  }
})

t.test('the 1C client reads the checkauth answer as УТ 11 and УНФ do', async (t) => {
  for (const profile of ['ut11', 'unf'] as const) {
    const client = new OneCClient({ inject: app, login: created.login, password: created.password, profile })
    const step = await client.checkauth()
    t.ok(step.ok, profile)
    t.equal(step.cookieName, 'OLVERY1C')
    t.match(step.line4, /^sessid=[A-Za-z0-9]+$/)
    const refused = await new OneCClient({ inject: app, login: created.login, password: 'x', profile }).checkauth()
    t.notOk(refused.ok)
    t.match(refused.problem, /Авторизация не выполнена/)
  }
})
