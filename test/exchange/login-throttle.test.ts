/**
 * Password guessing on checkauth is limited per login and address, per address and per login
 * (src/auth/login-throttle.ts), without locking out the real 1C at another address.
 */
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { THROTTLE } from '../../src/auth/login-throttle.js'
import { basicAuthorization, standaloneIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { SEED_SETTINGS } from '../helpers/factories.js'

async function setup(t: Test) {
  const { app, databases } = await buildTestApp(t)
  const integration = async () => standaloneIntegration(databases.db, { name: `Бухгалтерия ${randomUUID().slice(0, 8)}`, settings: SEED_SETTINGS })
  const checkauth = (login: string, password: string, address: string) =>
    app.inject({
      method: 'GET',
      url: '/1c_exchange?type=sale&mode=checkauth',
      remoteAddress: address,
      headers: { authorization: basicAuthorization(login, password) },
    })
  return { app, databases, integration, checkauth }
}

t.test('after 5 wrong passwords the login is blocked from that address, even with the right password', async (t) => {
  const { integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock; i++) {
    t.equal((await checkauth(login, 'wrong', '127.0.0.10')).statusCode, 401)
  }
  const blocked = await checkauth(login, password, '127.0.0.10')
  t.equal(blocked.statusCode, 200)
  t.match(blocked.body, /^failure\nToo many failed logins from this address; login is blocked for 1 min\./)
  const elsewhere = await checkauth(login, password, '127.0.0.11')
  t.match(elsewhere.body, /^success\n/, 'the real 1C at another address is not affected')
})

t.test('a successful login clears the count of its address', async (t) => {
  const { integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock - 1; i++) await checkauth(login, 'wrong', '127.0.0.12')
  t.match((await checkauth(login, password, '127.0.0.12')).body, /^success\n/)
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock - 1; i++) await checkauth(login, 'wrong', '127.0.0.12')
  t.match((await checkauth(login, password, '127.0.0.12')).body, /^success\n/, 'four more failures do not lock')
})

t.test('an address that fails on many logins is blocked for every login', async (t) => {
  const { integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  for (let i = 0; i < THROTTLE.addressFailures; i++) await checkauth(`guess-${i}`, 'wrong', '127.0.0.13')
  t.match((await checkauth(login, password, '127.0.0.13')).body, /^failure\nToo many failed logins/)
  t.match((await checkauth(login, password, '127.0.0.14')).body, /^success\n/)
})

t.test('a login attacked from many addresses refuses those addresses, not a clean one', async (t) => {
  const { integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  for (let i = 0; i < THROTTLE.loginFailures; i++) await checkauth(login, 'wrong', `127.0.1.${i + 1}`)
  t.match((await checkauth(login, password, '127.0.1.1')).body, /^failure\nToo many failed logins/)
  t.match((await checkauth(login, password, '127.0.2.1')).body, /^success\n/, 'the real 1C never failed, so it gets in')
})

t.test('a lock ends when its time is up', async (t) => {
  const { databases, integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock; i++) await checkauth(login, 'wrong', '127.0.0.15')
  t.match((await checkauth(login, password, '127.0.0.15')).body, /^failure\n/)
  await databases.db.updateTable('login_failures').set({ locked_until: new Date(Date.now() - 1000) }).execute()
  t.match((await checkauth(login, password, '127.0.0.15')).body, /^success\n/)
})

t.test('neither logins nor addresses are stored in clear', async (t) => {
  const { databases, checkauth } = await setup(t)
  await checkauth('visible-login', 'wrong', '127.0.0.16')
  const rows = await databases.db.selectFrom('login_failures').selectAll().execute()
  t.equal(rows.length, 3)
  t.notMatch(JSON.stringify(rows), /visible-login|127\.0\.0\.16/)
})

t.test('behind a trusted proxy the throttle counts the client address from X-Forwarded-For', async (t) => {
  const { app } = await buildTestApp(t, { env: { TRUST_PROXY: '127.0.0.1' } })
  const checkauth = (password: string, client: string) =>
    app.inject({
      method: 'GET',
      url: '/1c_exchange?type=sale&mode=checkauth',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': client, authorization: `Basic ${Buffer.from(`nobody:${password}`).toString('base64')}` },
    })
  for (let i = 0; i < THROTTLE.addressFailures; i++) await checkauth('wrong', '127.0.3.1')
  t.match((await checkauth('wrong', '127.0.3.1')).body, /^failure\nToo many failed logins/, 'the attacking client is blocked')
  t.equal((await checkauth('wrong', '127.0.3.2')).statusCode, 401, 'another client behind the same proxy is not')
})

t.test('wrong Basic passwords sent on a live session count as failed logins and are locked the same way', async (t) => {
  const { app, integration, checkauth } = await setup(t)
  const { login, password } = await integration()
  const opened = await checkauth(login, password, '127.0.0.20')
  const [, cookieName, cookieValue] = opened.body.split('\n')
  const query = (pass: string) =>
    app.inject({
      method: 'GET',
      url: '/1c_exchange?type=sale&mode=init',
      remoteAddress: '127.0.0.20',
      headers: {
        cookie: `${cookieName}=${cookieValue}`,
        authorization: `Basic ${Buffer.from(`${login}:${pass}`).toString('base64')}`,
      },
    })
  t.match((await query(password)).body, /^zip=no\n/, 'the right password on the session works')
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock; i++) {
    t.match((await query(`guess-${i}`)).body, /^failure\n/)
  }
  t.match((await query('one more guess')).body, /^failure\nToo many failed logins/, 'further guesses are refused before any hash')
  t.match((await query(password)).body, /^zip=no\n/, 'the password verified before still passes: no scrypt, no guess')
  t.match((await checkauth(login, password, '127.0.0.20')).body, /^failure\nToo many failed logins/, 'checkauth from there is locked too')
})
