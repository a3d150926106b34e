/**
 * Exchange sessions (PROTOCOL.md §2, EXPORT-SEMANTICS.md "Exchange session"): every mode but checkauth is bound to the
 * session named by the cookie of the checkauth answer, or by its sessid. Basic credentials on those modes are
 * checked too, but never stand in for the session.
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { basicAuthorization as basic, standaloneIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { OneCClient } from '../helpers/onec-client.js'

const INIT = /^zip=no\nfile_limit=\d+$/
const SESSION_FAILURE = /^failure\nexchange session unknown or expired; run checkauth again/

const { app, databases } = await buildTestApp(t)
const newIntegration = (name: string) => standaloneIntegration(databases.db, { name })
const a = await newIntegration('Интеграция A')
const b = await newIntegration('Интеграция B')

/** A checkauth of integration A; returns what 1C keeps from the answer. */
async function openSession(who = a): Promise<{ cookie: string; cookieValue: string; sessid: string }> {
  const client = new OneCClient({ inject: app, login: who.login, password: who.password })
  const step = await client.checkauth()
  if (!step.ok) throw new Error(step.problem)
  return {
    cookie: `${step.cookieName}=${step.cookieValue}`,
    cookieValue: step.cookieValue!,
    sessid: step.line4!.replace('sessid=', ''),
  }
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex')

const init = (query: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/1c_exchange?type=sale&mode=init${query}`, headers })

t.test('the session cookie of checkauth authenticates the next request', async (t) => {
  const s = await openSession()
  const res = await init('', { cookie: s.cookie })
  t.equal(res.statusCode, 200)
  t.match(res.body, INIT)
})

t.test('the sessid alone authenticates a request without the cookie', async (t) => {
  const s = await openSession()
  const res = await init(`&sessid=${s.sessid}`)
  t.match(res.body, INIT)
})

t.test('cookie and sessid of the same session are accepted together', async (t) => {
  const s = await openSession()
  const res = await init(`&sessid=${s.sessid}`, { cookie: s.cookie })
  t.match(res.body, INIT)
})

t.test('a sessid of another session than the cookie is refused', async (t) => {
  const s1 = await openSession()
  const s2 = await openSession()
  const res = await init(`&sessid=${s2.sessid}`, { cookie: s1.cookie })
  t.equal(res.statusCode, 200)
  t.match(res.body, SESSION_FAILURE)
})

t.test('a request without cookie or sessid is refused, even with valid Basic credentials', async (t) => {
  // EXPORT-SEMANTICS.md: Basic credentials never stand in for the session (success must find its own query's batch).
  const res = await init('', { authorization: basic(a.login, a.password) })
  t.equal(res.statusCode, 200)
  t.match(res.body, SESSION_FAILURE)
  const bare = await init('')
  t.match(bare.body, SESSION_FAILURE)
})

t.test('an unknown cookie or sessid is refused', async (t) => {
  t.match((await init('', { cookie: 'OLVERY1C=NoSuchSession0123456789abcdef' })).body, SESSION_FAILURE)
  t.match((await init('&sessid=NoSuchSession0123456789abcdef')).body, SESSION_FAILURE)
})

t.test('the success mode uses the exact wording of PROTOCOL.md §3.4 for an unknown session', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: '/1c_exchange?type=sale&mode=success',
    headers: { cookie: 'OLVERY1C=NoSuchSession0123456789abcdef' },
  })
  t.equal(res.statusCode, 200)
  t.equal(res.body, 'failure\nexchange session unknown or expired')
})

t.test('an expired session is refused', async (t) => {
  const s = await openSession()
  await databases.db
    .updateTable('sessions')
    .set({ expires_at: sql<Date>`now() - interval '1 second'` })
    .where('cookie_hash', '=', hashOf(s.cookieValue))
    .execute()
  const res = await init('', { cookie: s.cookie })
  t.match(res.body, SESSION_FAILURE)
})

t.test('using a session extends its idle expiry', async (t) => {
  const s = await openSession()
  const hash = hashOf(s.cookieValue)
  await databases.db
    .updateTable('sessions')
    .set({ expires_at: sql<Date>`now() + interval '1 minute'` })
    .where('cookie_hash', '=', hash)
    .execute()
  t.match((await init('', { cookie: s.cookie })).body, INIT)
  const row = await databases.db
    .selectFrom('sessions')
    .select(['expires_at', 'last_seen_at'])
    .where('cookie_hash', '=', hash)
    .executeTakeFirstOrThrow()
  t.ok(row.expires_at.getTime() - Date.now() > 30 * 60 * 1000, 'expiry moved a full TTL ahead')
})

t.test('requests soon after the last extension do not write the session again', async (t) => {
  const s = await openSession()
  const hash = hashOf(s.cookieValue)
  const read = () =>
    databases.db.selectFrom('sessions').select(['expires_at', 'last_seen_at']).where('cookie_hash', '=', hash).executeTakeFirstOrThrow()
  const opened = await read()
  for (let i = 0; i < 3; i++) t.match((await init('', { cookie: s.cookie })).body, INIT)
  t.same(await read(), opened, "an exchange's requests seconds apart leave the session row as checkauth wrote it")
})

t.test('a session opened before the password was rotated is refused and revoked; a new checkauth works', async (t) => {
  const rotated = await newIntegration('Сменили пароль')
  const s = await openSession(rotated)
  await databases.db
    .updateTable('credentials')
    .set({ rotated_at: sql<Date>`now()` })
    .where('integration_id', '=', rotated.integration.id)
    .execute()
  const res = await init('', { cookie: s.cookie })
  t.match(res.body, SESSION_FAILURE)
  const revoked = await databases.db
    .selectFrom('sessions')
    .select('revoked_at')
    .where('integration_id', '=', rotated.integration.id)
    .executeTakeFirstOrThrow()
  t.not(revoked.revoked_at, null)
  // A checkauth after the rotation (same password here; a real rotation changes it) opens a session that works.
  const fresh = await openSession(rotated)
  t.match((await init('', { cookie: fresh.cookie })).body, INIT)
})

t.test('a session of an integration disabled after checkauth is refused with the "switched off" failure', async (t) => {
  const later = await newIntegration('Выключат потом')
  const s = await openSession(later)
  await databases.db.updateTable('integrations').set({ enabled: false }).where('id', '=', later.integration.id).execute()
  const res = await init('', { cookie: s.cookie })
  t.equal(res.statusCode, 200)
  t.match(res.body, /^failure\n.*switched off/)
})

t.test('Basic credentials sent with a session must belong to its integration (A session + B login is refused)', async (t) => {
  const s = await openSession(a)
  const own = await init('', { cookie: s.cookie, authorization: basic(a.login, a.password) })
  t.match(own.body, INIT, 'A session with A credentials')
  const foreign = await init('', { cookie: s.cookie, authorization: basic(b.login, b.password) })
  t.equal(foreign.statusCode, 200, 'no 401 outside checkauth')
  t.match(foreign.body, SESSION_FAILURE, 'A session with B credentials')
  const wrong = await init('', { cookie: s.cookie, authorization: basic(a.login, 'wrong') })
  t.match(wrong.body, SESSION_FAILURE, 'A session with a wrong password')
  const bearer = await init('', { cookie: s.cookie, authorization: 'Bearer proxy-token' })
  t.match(bearer.body, INIT, 'another scheme is no Basic credentials and is ignored')
})

t.test('a session of integration B cannot be used by integration A (sessions are per integration)', async (t) => {
  const sb = await openSession(b)
  const res = await init('', { cookie: sb.cookie, authorization: basic(a.login, a.password) })
  t.match(res.body, SESSION_FAILURE)
})

t.test('the session cookie is found among other cookies, with spaces, quotes or any case of its name', async (t) => {
  const s = await openSession()
  for (const cookie of [
    `PHPSESSID=abc; ${s.cookie}; other=1`,
    `  ${s.cookie}  `,
    `OLVERY1C="${s.cookieValue}"`,
    `olvery1c=${s.cookieValue}`,
  ]) {
    t.match((await init('', { cookie })).body, INIT, cookie.replace(s.cookieValue, '<value>'))
  }
})

t.test('the 1C client keeps its session: ut11 by cookie (with and without sessid), unf by cookie and "&" + line 4', async (t) => {
  for (const options of [{ profile: 'ut11' as const }, { profile: 'ut11' as const, useSessionId: true }, { profile: 'unf' as const }]) {
    const client = new OneCClient({ inject: app, login: a.login, password: a.password, basicOnEveryRequest: false, ...options })
    t.ok((await client.checkauth()).ok)
    const step = await client.init('upload')
    t.ok(step.ok, JSON.stringify(options))
    t.equal(step.fileLimit, 1024 * 1024)
    if (options.profile === 'unf' || options.useSessionId) t.match(step.url, /&sessid=[A-Za-z0-9]+/)
    else t.notMatch(step.url, /sessid/)
  }
})
