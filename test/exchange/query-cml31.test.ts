/**
 * The CommerceML 3.1 download (`schema_version: "3.1"`) through HTTP, with the 1C client's `--profile bitrix-module`
 * (the 1C-side «Модуль обмена 1С-Битрикс»): the same exchange cycle as 2.08 with УТ 11, the journal and the preview
 * byte for byte, and switching an integration between the versions through the admin API.
 */
import t, { type Test } from 'tap'
import { runCli } from '../../src/onec-client/onec.cli.js'
import type { SmokeReport } from '../../src/onec-client/report.js'
import type { SchemaVersion } from '../../src/integration/settings.schema.js'
import { AdminApi, supplierIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { checkAnswer } from '../helpers/answer-check.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, SEED_SETTINGS, setOrderComment } from '../helpers/factories.js'
import { OneCClient, type ExchangeResult, type OneCProfile, type QueryStep } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
const api = new AdminApi(app)

const INTEGRATION = '/api/v1/integrations/{id}'
const BATCHES = '/api/v1/integrations/{id}/batches'
const DOCUMENT = '/api/v1/integrations/{id}/batches/{batchId}/document'
const PREVIEW = '/api/v1/integrations/{id}/preview'
const ORDER = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}'

type T = CheckingTest

/** A supplier of its own, an integration of `schemaVersion` made through the admin API, and 1C clients for it. */
async function setup(t: T, schemaVersion: SchemaVersion) {
  const { supplier, created } = await supplierIntegrationViaApi(t, api, databases.olvery, { settings: { ...SEED_SETTINGS, schema_version: schemaVersion } })
  const client = (profile: OneCProfile) => new OneCClient({ inject: app, login: created.login, password: created.password, profile })
  return { supplier, id: created.id, client, login: created.login, password: created.password }
}

const queryOf = (result: ExchangeResult) => result.steps.find((step) => step.mode === 'query') as QueryStep

/**
 * One history, played by `profile` against an integration of `schemaVersion`: three orders delivered, nothing
 * again, a change re-sent, a lost batch (no success) re-served, then nothing. Orders are named by letter so two runs
 * compare; every answer is also checked in the layout of the version (`checkAnswer`).
 */
async function history(t: Test, schemaVersion: SchemaVersion, profile: OneCProfile) {
  const { supplier, client } = await setup(t, schemaVersion)
  const letters = new Map<string, string>()
  const order = async (letter: string, minutesAgo: number) => {
    const created = await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - minutesAgo * 60_000) })
    letters.set(created.number, letter)
    return created
  }
  const trace: string[] = []
  const record = async (label: string, result: ExchangeResult) => {
    const query = queryOf(result)
    t.same(await checkAnswer(query.response.body, schemaVersion), { valid: true, errors: [] }, `${label}: the ${schemaVersion} layout`)
    t.equal(query.unseen, 0, `${label}: ${profile} sees every Документ`)
    t.same(result.problems.filter((p) => !p.startsWith('Загрузка не выполнена')), [], `${label}: no problem but the failed load`)
    trace.push(`${label}: ${result.documents.map((d) => letters.get(d.number!)).join('') || '-'} ${result.successSent ? 'success' : 'no success'}`)
  }
  const a = await order('a', 30)
  await order('b', 20)
  await order('c', 10)
  await record('first', await client(profile).exchange())
  await record('again', await client(profile).exchange())
  await setOrderComment(databases.olvery, a.id, 'Перезвонить')
  await record('changed', await client(profile).exchange())
  await order('d', 0)
  await record('lost', await client(profile).exchange({ load: () => Promise.reject(new Error('1C could not load the batch')) }))
  await record('re-served', await client(profile).exchange())
  await record('last', await client(profile).exchange())
  return trace
}

t.test('the 1C-Bitrix module downloads, acknowledges and re-serves a 3.1 integration exactly as УТ 11 does a 2.08 one', async (t) => {
  const expected = ['first: abc success', 'again: - success', 'changed: a success', 'lost: d no success', 're-served: d success', 'last: - success']
  const cml31 = await history(t, '3.1', 'bitrix-module')
  const cml208 = await history(t, '2.08', 'ut11')
  t.same(cml31, expected)
  t.same(cml208, expected)
})

t.test('a 3.1 answer: the module asks for 3.1 at init and reads each Документ inside its own Контейнер', async (t) => {
  const { supplier, client } = await setup(t, '3.1')
  const orders = [await createOrder(databases.olvery, supplier), await createOrder(databases.olvery, supplier)]
  const result = await client('bitrix-module').exchange()
  t.same(result.problems, [])
  t.match(result.steps.map((s) => s.url), [/mode=checkauth$/, /mode=init&sessid=\w+&version=3\.1$/, /mode=query&sessid=/, /mode=success&sessid=/])
  const query = queryOf(result)
  t.equal(query.response.contentType, 'application/xml; charset=UTF-8')
  const text = query.response.body.toString('utf8')
  t.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<КоммерческаяИнформация xmlns="urn:1C\.ru:commerceml_3" ВерсияСхемы="3\.1" ДатаФормирования="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d">\n {2}<Контейнер>\n {4}<Документ>\n/)
  t.equal(text.match(/<Контейнер>/g)?.length, 2, 'one Контейнер per order')
  t.same(result.documents.map((d) => d.number).sort(), orders.map((o) => o.number).sort())
  t.match(result.documents[0], { operation: 'Заказ товара', role: 'Продавец', currency: 'RUB' })
})

t.test('a 2.x client against a 3.1 integration loads nothing, yet confirms: the setting must match the 1C', async (t) => {
  const { supplier, id, client } = await setup(t, '3.1')
  await createOrder(databases.olvery, supplier)
  const result = await client('ut11').exchange()
  t.equal(result.documentCount, 0, 'УТ 11 reads Документ under the root only')
  t.equal(queryOf(result).unseen, 1, 'the order was in a Контейнер')
  t.ok(result.successSent, 'and 1C still answers success, so the order counts as delivered')
  t.match((await api.get(t, PREVIEW, { params: { id } })).json, { orderCount: 0 })
})

t.test('the journal keeps a 3.1 answer byte for byte, with its Content-Type and size', async (t) => {
  const { supplier, id, client } = await setup(t, '3.1')
  for (let i = 0; i < 3; i++) await createOrder(databases.olvery, supplier)
  const received = queryOf(await client('bitrix-module').exchange()).response
  const [batch] = (await api.get(t, BATCHES, { params: { id } })).json.batches
  t.match(batch, { orderCount: 3, byteCount: received.body.length, contentType: received.contentType, acknowledged: true })
  const res = await api.get(t, DOCUMENT, { params: { id, batchId: batch.id } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], received.contentType)
  t.ok(res.rawPayload.equals(received.body), 'byte for byte')
})

t.test('the preview of a 3.1 integration is the 3.1 document, and its byteCount is what the next query sends', async (t) => {
  const { supplier, id, client } = await setup(t, '3.1')
  for (let i = 0; i < 3; i++) await createOrder(databases.olvery, supplier, { updatedAt: new Date(Date.now() - (10 - i) * 60_000) })
  const whole = (await api.get(t, PREVIEW, { params: { id } })).json
  t.match(whole, { orderCount: 3, documentOrderCount: 3 })
  t.same(await checkAnswer(whole.document, '3.1'), { valid: true, errors: [] })
  const part = (await api.get(t, PREVIEW, { params: { id }, query: { format: 'xml', documentOrders: '1' } })).rawPayload
  t.same(await checkAnswer(part, '3.1'), { valid: true, errors: [] }, 'fewer orders, the same layout')
  t.equal((part.toString('utf8').match(/<Контейнер>/g) ?? []).length, 1)
  const query = queryOf(await client('bitrix-module').exchange()).response
  t.equal(query.body.length, whole.byteCount, 'the next query sends as many bytes as the preview said')
  t.equal(query.body.toString('utf8').replace(/ДатаФормирования="[^"]*"/, ''), whole.document.replace(/ДатаФормирования="[^"]*"/, ''), 'and the same document')
})

t.test('switching an integration between 2.08 and 3.1 through the admin API re-sends nothing; a change comes in the new layout', async (t) => {
  const { supplier, id, client } = await setup(t, '2.08')
  const a = await createOrder(databases.olvery, supplier)
  await createOrder(databases.olvery, supplier)
  t.equal((await client('ut11').exchange()).documentCount, 2)
  const settings = (await api.get(t, INTEGRATION, { params: { id } })).json.settings
  const patched = await api.patch(t, INTEGRATION, { params: { id }, body: { settings: { ...settings, schema_version: '3.1' } } })
  t.equal(patched.statusCode, 200, patched.text)
  t.equal(patched.json.settings.schema_version, '3.1')
  t.match((await api.get(t, ORDER, { params: { id, orderIdOrNumber: a.number } })).json, { pending: false })
  t.match((await api.get(t, PREVIEW, { params: { id } })).json, { orderCount: 0 })
  const idle = await client('bitrix-module').exchange()
  t.same(idle.problems, [])
  t.equal(idle.documentCount, 0, 'the history stays acknowledged')
  await setOrderComment(databases.olvery, a.id, 'после перехода на 3.1')
  const changed = await client('bitrix-module').exchange()
  t.same(changed.documents.map((d) => d.number), [a.number])
  t.same(await checkAnswer(queryOf(changed).response.body, '3.1'), { valid: true, errors: [] })
  t.equal((await api.patch(t, INTEGRATION, { params: { id }, body: { settings: { ...settings, schema_version: '2.08' } } })).statusCode, 200)
  t.equal((await client('ut11').exchange()).documentCount, 0, 'and back to 2.08 sends nothing either')
})

t.test('the smoke CLI over real HTTP: --profile bitrix-module finds a 3.1 integration clean; --profile ut11 would load nothing', async (t) => {
  const { supplier, login, password } = await setup(t, '3.1')
  const orders = [await createOrder(databases.olvery, supplier), await createOrder(databases.olvery, supplier)]
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const cli = async (profile: OneCProfile, success = true) => {
    let stdout = ''
    const argv = ['--url', `${base}/1c_exchange`, '--login', login, '--password', password, '--profile', profile, '--json', ...(success ? [] : ['--no-success'])]
    const code = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true, isTTY: false }, env: {} })
    return { code, report: JSON.parse(stdout) as SmokeReport }
  }
  const wrong = await cli('ut11', false)
  t.equal(wrong.code, 1)
  t.same(wrong.report.problems.map((p) => p.check), ['layout'], 'УТ 11 would miss every order of a 3.1 answer')
  const right = await cli('bitrix-module')
  t.equal(right.code, 0, JSON.stringify(right.report.problems))
  t.same(right.report.problems, [])
  t.same(right.report.documents.map((d) => d.number).sort(), orders.map((o) => o.number).sort())
  t.same((await cli('bitrix-module')).report.documents, [], 'acknowledged: nothing again')
})
