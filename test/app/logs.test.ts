/**
 * Logs (PROTOCOL.md §7.2 point 9): one line per 1C request carrying integration, session, mode, batch,
 * orders, bytes, duration and outcome; and no secret anywhere in the output (the password, the Basic header, the
 * session cookie value, the sessid), captured from the pino logger of a real app through whole exchanges.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { supplierIntegration } from '../helpers/integrations.js'
import { buildTestApp, capturingLogger } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient, type OneCStep } from '../helpers/onec-client.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'

/** Every line the app logs, at the most verbose level, so nothing a secret could hide in is filtered out. */
const { lines: captured, logger } = capturingLogger()
const { app, databases } = await buildTestApp(t, { env: { ...HS256_ENV, LOG_LEVEL: 'trace' }, logger })

const supplier = await createSupplier(databases.olvery)
await createOrder(databases.olvery, supplier)
await createOrder(databases.olvery, supplier)
const created = await supplierIntegration(databases.db, supplier, { name: `Журнал ${randomUUID().slice(0, 8)}` })
const integrationId = created.integration.id

/** УНФ, so every request carries `&sessid=` in its URL as well as the cookie. */
const client = new OneCClient({ inject: app, login: created.login, password: created.password, profile: 'unf' })
const secrets: Record<string, string> = {}
const steps: OneCStep[] = []

const download = await client.exchange()
steps.push(...download.steps)
secrets['password'] = created.password
secrets['Basic credentials'] = Buffer.from(`${created.login}:${created.password}`).toString('base64')
secrets['cookie value'] = client.session!.cookieValue
secrets['sessid'] = client.session!.line4.replace('sessid=', '')
const upload = await client.uploadCycle('orders-1b0c7a4e_1.xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07"/>'))
steps.push(...upload.steps)
secrets['cookie value of the upload session'] = client.session!.cookieValue
secrets['sessid of the upload session'] = client.session!.line4.replace('sessid=', '')
// A wrong password: refused, and not logged either.
const wrong = await new OneCClient({ inject: app, login: created.login, password: 'Wrong-Password-123' }).checkauth()
secrets['wrong password'] = 'Wrong-Password-123'
await new Promise((resolve) => setTimeout(resolve, 50)) // onResponse lines of the last request
/** The lines of the exchanges above; the failed requests below are only searched for secrets. */
const exchangeLineCount = captured.length

// Failed requests whose answers must not quote what they were sent either: an expired session (cookie and sessid),
// wrong Basic credentials on a session, a forged and an expired admin token.
const failedAnswers: string[] = [wrong.response.text]
const expiredClient = new OneCClient({ inject: app, login: created.login, password: created.password, profile: 'unf' })
await expiredClient.checkauth()
secrets['cookie value of the expired session'] = expiredClient.session!.cookieValue
secrets['sessid of the expired session'] = expiredClient.session!.line4.replace('sessid=', '')
await databases.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 60_000) }).execute()
failedAnswers.push((await expiredClient.request('type=sale&mode=query&' + expiredClient.session!.line4)).text)
secrets['wrong password on a session'] = 'Another-Wrong-Password-456'
failedAnswers.push(
  (await expiredClient.request('type=sale&mode=init', { headers: { authorization: `Basic ${Buffer.from(`${created.login}:Another-Wrong-Password-456`).toString('base64')}` } })).text,
)
const forged = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"system_operator","exp":9999999999}').toString('base64url')}.Forged-Signature-0123456789abcdef`
const expired = await systemOperatorToken({ expiresIn: -3600 })
secrets['forged admin token'] = forged
secrets['expired admin token'] = expired
for (const token of [forged, expired, 'not-a-jwt-but-secret-looking-9876']) {
  const res = await app.inject({ method: 'GET', url: '/api/v1/integrations', headers: { authorization: `Bearer ${token}` } })
  failedAnswers.push(res.body, String(res.headers['www-authenticate']))
}
secrets['bearer garbage'] = 'not-a-jwt-but-secret-looking-9876'
await new Promise((resolve) => setTimeout(resolve, 50)) // onResponse lines of the last request

const lines = captured.slice(0, exchangeLineCount).map((line) => JSON.parse(line) as Record<string, unknown>)
const requestLines = lines.filter((l) => l['msg'] === 'request completed' && String(l['url']).startsWith('/1c_exchange'))

t.test('the exchanges went through (the log is of a real run)', async (t) => {
  t.same(download.problems, [])
  t.equal(download.documentCount, 2)
  t.ok(upload.ok)
  t.notOk(wrong.ok)
})

t.test('one log line per 1C request', async (t) => {
  t.equal(requestLines.length, steps.length + 1, 'every step and the refused checkauth')
  t.same(
    requestLines.map((l) => l['mode']),
    [...steps.map((s) => s.mode), 'checkauth'],
  )
  t.equal(new Set(requestLines.map((l) => l['reqId'])).size, requestLines.length, 'one line per request id')
})

t.test('every line of a session carries the integration, the session, the mode, the duration and the outcome', async (t) => {
  for (const line of requestLines.slice(0, -1)) {
    t.equal(line['integrationId'], integrationId, `${String(line['mode'])}: integration`)
    t.match(line['sessionId'], /^[0-9a-f-]{36}$/, `${String(line['mode'])}: session`)
    t.type(line['durationMs'], 'number', `${String(line['mode'])}: duration`)
    t.match(line['outcome'], /^(success|progress)$/, `${String(line['mode'])}: outcome (the first line of the answer)`)
    t.equal(line['statusCode'], 200)
  }
  const sessions = new Set(requestLines.slice(0, -1).map((l) => l['sessionId']))
  t.equal(sessions.size, 2, 'the download and the upload are two sessions')
})

t.test('the query line names the batch, its orders and its bytes; the success line the batch and its orders', async (t) => {
  const query = requestLines.find((l) => l['mode'] === 'query')!
  const bytes = download.steps.find((s) => s.mode === 'query')!.response.body.length
  t.type(query['batchId'], 'number')
  t.equal(query['orders'], 2)
  t.equal(query['bytes'], bytes)
  const success = requestLines.find((l) => l['mode'] === 'success')!
  t.equal(success['batchId'], query['batchId'])
  t.equal(success['orders'], 2)
})

t.test('the upload lines name the file and its bytes', async (t) => {
  const file = requestLines.find((l) => l['mode'] === 'file')!
  t.equal(file['filename'], 'orders-1b0c7a4e_1.xml')
  t.type(file['bytes'], 'number')
})

t.test('a refused checkauth is logged as a 401 failure with no integration', async (t) => {
  const refused = requestLines.at(-1)!
  t.equal(refused['outcome'], 'failure')
  t.equal(refused['statusCode'], 401)
  t.equal(refused['integrationId'], undefined)
})

t.test('no secret appears anywhere in the log output', async (t) => {
  t.ok(captured.length > requestLines.length, 'more than the request lines was captured')
  const output = captured.join('')
  for (const [name, value] of Object.entries(secrets)) {
    t.ok(value.length >= 8, `${name} is long enough to search for`)
    t.notOk(output.includes(value), `${name} is not logged`)
  }
  t.notMatch(output, /sessid=[A-Za-z0-9]{8,}/, 'URLs are logged with sessid redacted')
})

t.test('no secret appears in the answers of failed requests (wrong password, expired session, bad tokens)', async (t) => {
  t.equal(failedAnswers.length, 9, 'every failed request was answered')
  t.match(failedAnswers[1], /^failure\nexchange session unknown or expired/)
  t.match(failedAnswers[2], /^failure\n/)
  const answers = failedAnswers.join('\n')
  for (const [name, value] of Object.entries(secrets)) t.notOk(answers.includes(value), `${name} is not in any answer`)
})
