/**
 * checkauth of a password verified recently opens its session in the statement that reads the credentials
 * (src/auth/onec-credentials.ts, `recentlyVerifiedHash`; src/exchange/sessions.repository.ts,
 * `openSessionForVerifiedLogin`). That shortcut must refuse whatever the usual way refuses.
 */
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { THROTTLE } from '../../src/auth/login-throttle.js'
import { hashPassword } from '../../src/auth/onec-credentials.js'
import { basicAuthorization, standaloneIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'

async function setup(t: Test) {
  const { app, databases } = await buildTestApp(t)
  const integration = await standaloneIntegration(databases.db, { name: `Бухгалтерия ${randomUUID().slice(0, 8)}` })
  const checkauth = (password: string, address = '127.0.0.20') =>
    app.inject({
      method: 'GET',
      url: '/1c_exchange?type=sale&mode=checkauth',
      remoteAddress: address,
      headers: { authorization: basicAuthorization(integration.login, password) },
    })
  // Verified once, as every 1C that polls has been.
  t.match((await checkauth(integration.password)).body, /^success\n/)
  return { databases, integration, checkauth }
}

t.test('a password verified before the password changed opens no session after it', async (t) => {
  const { databases, integration, checkauth } = await setup(t)
  await databases.db
    .updateTable('credentials')
    .set({ password_hash: await hashPassword('новый пароль'), rotated_at: new Date() })
    .where('integration_id', '=', integration.integration.id)
    .execute()
  const old = await checkauth(integration.password)
  t.equal(old.statusCode, 401)
  t.match(old.body, /^failure\n/)
  t.match((await checkauth('новый пароль')).body, /^success\n/, 'the new one is accepted')
})

t.test('a password verified before its address was locked is refused by the throttle', async (t) => {
  const { integration, checkauth } = await setup(t)
  for (let i = 0; i < THROTTLE.pairFailuresBeforeLock; i++) t.equal((await checkauth('wrong')).statusCode, 401)
  t.match((await checkauth(integration.password)).body, /^failure\nToo many failed logins from this address/)
})

t.test('a password verified before the integration was disabled opens no session', async (t) => {
  const { databases, integration, checkauth } = await setup(t)
  await databases.db.updateTable('integrations').set({ enabled: false }).where('id', '=', integration.integration.id).execute()
  t.match((await checkauth(integration.password)).body, /^failure\n/)
  t.equal(await databases.db.selectFrom('sessions').select('id').where('integration_id', '=', integration.integration.id).execute().then((r) => r.length), 1, 'only the session of the first checkauth exists')
})
