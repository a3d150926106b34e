/**
 * The download (PROTOCOL.md §1.1, §1.2, §3.3, §3.4; EXPORT-SEMANTICS.md rules 1–3) through the exchange endpoint, played
 * by the 1C client as УТ 11 (checkauth → query → success) and УНФ (checkauth → init → query → success).
 * These need the export service (src/export/export-orders.ts).
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient, type OneCProfile } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t)

/** An integration of a fresh supplier, so each test sees only its own orders. */
async function setup(profile: OneCProfile, options: { useSessionId?: boolean } = {}) {
  const supplier = await createSupplier(databases.olvery)
  const created = await createIntegration(databases.db, {
    name: `Бухгалтерия ${randomUUID().slice(0, 8)}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: SEED_SETTINGS,
  })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password, profile, ...options })
  return { supplier, created, client }
}

for (const [profile, options, modes] of [
  ['ut11', {}, ['checkauth', 'query', 'success']],
  ['ut11', { useSessionId: true }, ['checkauth', 'query', 'success']],
  ['unf', {}, ['checkauth', 'init', 'query', 'success']],
] as const) {
  t.test(`${profile}${'useSessionId' in options ? ' with sessid' : ''}: a full download cycle delivers the pending order once`, async (t) => {
    const { supplier, client } = await setup(profile, options)
    const order = await createOrder(databases.olvery, supplier)

    const first = await client.exchange()
    t.same(first.problems, [])
    t.same(first.steps.map((s) => s.mode), modes)
    t.ok(first.successSent)
    t.equal(first.documentCount, 1)
    t.equal(first.documents[0]?.number, order.number)
    t.equal(first.documents[0]?.operation, 'Заказ товара')

    const query = first.steps.find((s) => s.mode === 'query')!
    t.equal(query.statusCode, 200)
    t.equal(query.response.body.subarray(0, 5).toString('latin1'), '<?xml', 'first five bytes')
    t.match(query.response.contentType, /^application\/xml; charset=UTF-8$/, 'charset last')
    t.equal(query.response.headers['content-length'], String(query.response.body.length))
    if (profile === 'unf' || 'useSessionId' in options) t.match(query.url, /&sessid=[A-Za-z0-9]+$/)

    const success = first.steps.find((s) => s.mode === 'success')!
    t.equal(success.response.text, 'success\n')
    t.equal(success.response.contentType, 'text/plain; charset=UTF-8')
    if (profile === 'unf') t.equal(first.steps[1]?.response.text, 'zip=no\nfile_limit=1048576')

    const second = await client.exchange()
    t.same(second.problems, [])
    t.equal(second.documentCount, 0, 'acknowledged: not sent again')
    t.ok(second.document?.startsWith('<?xml'), 'an empty document, not an empty body')
  })
}

t.test('a query without success is served again by the next exchange (1C failed to load)', async (t) => {
  const { supplier, client } = await setup('ut11')
  const order = await createOrder(databases.olvery, supplier)
  const failed = await client.exchange({
    load: () => {
      throw new Error('ЗаполнитьЗаказ failed')
    },
  })
  t.notOk(failed.successSent)
  t.equal(failed.documentCount, 1)
  const again = await client.exchange()
  t.same(again.problems, [])
  t.same(again.documents.map((d) => d.number), [order.number])
})

t.test('success acknowledges only the batch of its own session', async (t) => {
  const { supplier, created, client } = await setup('ut11')
  const order = await createOrder(databases.olvery, supplier)
  t.ok((await client.checkauth()).ok)
  const query = await client.query()
  t.same(query.documents.map((d) => d.number), [order.number])

  const other = new OneCClient({ inject: app, login: created.login, password: created.password })
  t.ok((await other.checkauth()).ok)
  const foreignSuccess = await other.success()
  t.equal(foreignSuccess.response.text, 'success\n', 'a session without a batch answers success and changes nothing')

  const next = await new OneCClient({ inject: app, login: created.login, password: created.password }).exchange()
  t.same(next.documents.map((d) => d.number), [order.number], 'still pending')
})

t.test('success without a query, and a repeated success, answer "success\\n"', async (t) => {
  const { supplier, client } = await setup('unf')
  await createOrder(databases.olvery, supplier)
  t.ok((await client.checkauth()).ok)
  const early = await client.success()
  t.ok(early.ok)
  t.equal(early.response.text, 'success\n')
  t.ok((await client.query()).ok)
  for (let i = 0; i < 2; i++) {
    const repeat = await client.success()
    t.ok(repeat.ok)
    t.equal(repeat.response.text, 'success\n')
  }
})

t.test('with nothing pending, query answers a document without Документ and 1C notes "Нет документов для обработки"', async (t) => {
  const { client } = await setup('ut11')
  const result = await client.exchange()
  t.same(result.problems, [])
  t.equal(result.documentCount, 0)
  const query = result.steps.find((s) => s.mode === 'query')
  t.match(query, { notes: ['Нет документов для обработки'] })
  t.ok(result.successSent)
})

t.test('query and success without a session get failure texts; УТ 11 cannot read them, УНФ shows them', async (t) => {
  const { client } = await setup('ut11')
  const { client: unf } = await setup('unf')
  const query = await client.query()
  t.notOk(query.ok)
  t.match(query.response.text, /^failure\nexchange session unknown or expired/)
  t.equal(query.problem, 'Не удалось прочитать данные, загруженные с сервера.')
  const unfQuery = await unf.query()
  t.match(unfQuery.problem, /exchange session unknown or expired/)
  const unfSuccess = await unf.success()
  t.notOk(unfSuccess.ok, 'УНФ fails the exchange on a failure answer to success')
  t.equal(unfSuccess.response.text, 'failure\nexchange session unknown or expired')
})
