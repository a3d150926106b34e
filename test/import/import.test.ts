/**
 * What 1C sends back (PROTOCOL.md §8): portion files as УТ 11 writes them (test/fixtures/uploads/), uploaded
 * through the exchange in file_limit chunks exactly as 1C does (checkauth → init → file… → import…), imported into
 * 1C's facts per order, and read back through the admin API. FILE_LIMIT_BYTES is 1024, so every fixture arrives in
 * several chunks.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import t from 'tap'
import { supplierIntegration } from '../helpers/integrations.js'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const FILE_LIMIT = 1024
const RUN = '5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90'
const LATER_RUN = 'a91d7e44-0c3b-4f8e-b2d6-8e5f1a7c3b21'
/** The order ids the fixtures name in `Ид` (test/fixtures/uploads/README.md). */
const IDS = {
  'U-1001': '7d4f0c2a-1001-4c1e-8a55-3f6b2e9d1001',
  'U-1004': '7d4f0c2a-1004-4c1e-8a55-3f6b2e9d1004',
  'X-2001': '7d4f0c2a-2001-4c1e-8a55-3f6b2e9d2001',
}

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/uploads/${name}`, import.meta.url))

const { app, databases } = await buildTestApp(t, { env: { FILE_LIMIT_BYTES: String(FILE_LIMIT), ...HS256_ENV } })
const api = new AdminApi(app, await systemOperatorToken())

// The integration's company, and another company (of another location) with orders the fixtures also name.
const own = await createSupplier(databases.olvery, { name: 'ООО «Клининг»' })
const other = await createSupplier(databases.olvery, { name: 'ООО «Чужая»' })
const orders = {
  'U-1001': await createOrder(databases.olvery, own, { id: IDS['U-1001'], number: 'U-1001' }),
  'U-1002': await createOrder(databases.olvery, own, { number: 'U-1002' }),
  'U-1003': await createOrder(databases.olvery, own, { number: 'U-1003' }),
  'U-1004': await createOrder(databases.olvery, own, { id: IDS['U-1004'], number: 'U-1004' }),
}
const foreign = {
  'X-2001': await createOrder(databases.olvery, other, { id: IDS['X-2001'], number: 'X-2001' }),
  'U-1005': await createOrder(databases.olvery, other, { number: 'U-1005' }),
}
const created = await supplierIntegration(databases.db, own, { name: 'Бухгалтерия' })
const integrationId = created.integration.id

const client = (options: { inject?: typeof app } = {}) =>
  new OneCClient({ inject: options.inject ?? app, login: created.login, password: created.password, maxImportPolls: 1000 })

async function upload(filename: string, bytes: Buffer) {
  const result = await client().uploadCycle(filename, bytes)
  const row = await databases.db.selectFrom('uploads').selectAll().where('filename', '=', filename).orderBy('received_at', 'desc').executeTakeFirstOrThrow()
  return { result, upload: row }
}

async function report(orderId: string) {
  return databases.db.selectFrom('order_reports').selectAll().where('integration_id', '=', integrationId).where('order_id', '=', orderId).executeTakeFirst()
}

async function allReports() {
  return databases.db.selectFrom('order_reports').selectAll().orderBy('integration_id').orderBy('order_id').execute()
}

t.test('a UTF-8 portion in chunks: orders matched by Номер and by our Ид, the unknown one recorded, never applied', async (t) => {
  const name = `orders-${RUN}_1.xml`
  const bytes = fixture(name)
  const { result, upload: row } = await upload(name, bytes)
  t.same(result.problems, [])
  t.ok(result.ok)
  t.equal(result.steps.filter((s) => s.mode === 'file').length, Math.ceil(bytes.length / FILE_LIMIT), 'uploaded in file_limit chunks')
  t.equal(result.steps[result.steps.length - 1]?.response.text, 'success\n')
  t.equal(row.status, 'imported')
  t.same(row.outcome, { documents: 4, matched: 3, unmatched: 1, errors: 0 })

  t.match(await report(orders['U-1001'].id), {
    onec_id: 'b8e1f7a2-3c4d-11ef-9a1b-005056a1c001',
    onec_number: 'U-1001',
    number_1c: 'ТД00-000123',
    date_1c: '2026-03-10T14:31:07',
    posted: true,
    deletion_mark: false,
    cancelled: null,
    payment_number_1c: 'ТД00-000045',
    payment_date_1c: '2026-03-10T14:31:09',
    shipment_number_1c: 'ТД00-000078',
    shipment_date_1c: '2026-03-11T09:02:41',
    upload_id: row.id,
    doc_index: 1,
    reported_at: row.received_at,
  })
  const u1001 = await report(orders['U-1001'].id)
  t.equal((u1001?.requisites as Record<string, string>)['Статус заказа'], 'К выполнению / В резерве', 'every requisite is kept raw')
  t.notOk('ТипНоменклатуры' in (u1001?.requisites as object), "the lines' requisites are not the document's")
  t.match(await report(orders['U-1002'].id), { number_1c: 'ТД00-000124', posted: false, deletion_mark: true, cancelled: true })
  t.match(await report(orders['U-1004'].id), { number_1c: 'ТД00-000126', onec_number: null })

  const documents = await databases.db.selectFrom('upload_documents').selectAll().where('upload_id', '=', row.id).orderBy('doc_index').execute()
  t.same(
    documents.map((d) => [d.doc_index, d.status, d.matched_by, d.onec_number]),
    [
      [1, 'matched', 'number', 'U-1001'],
      [2, 'matched', 'number', 'U-1002'],
      [3, 'unmatched', null, 'U-9999'],
      [4, 'matched', 'id', null],
    ],
  )
  t.match(documents[2]?.reason, /No order of the integration's company/)
  t.equal(
    (await databases.db.selectFrom('order_reports').select('order_id').where('number_1c', '=', 'ТД00-000125').execute()).length,
    0,
    'the unknown order is applied nowhere',
  )
})

t.test('a windows-1251 portion in chunks: Cyrillic facts read right; another company’s orders are never touched', async (t) => {
  const name = `orders-${RUN}_2.xml`
  const bytes = fixture(name)
  t.notOk(bytes.includes(Buffer.from('Номер', 'utf8')), 'the fixture really is windows-1251')
  const { result, upload: row } = await upload(name, bytes)
  t.ok(result.ok, result.problems.join('; '))
  t.same(row.outcome, { documents: 3, matched: 1, unmatched: 2, errors: 0 })
  const u1003 = await report(orders['U-1003'].id)
  t.match(u1003, { number_1c: 'ТД00-000130', posted: true, payment_number_1c: 'ТД00-000050', shipment_number_1c: null })
  t.equal((u1003?.requisites as Record<string, string>)['Комментарий'], 'Оплата «картой», счёт № 5')

  const documents = await databases.db.selectFrom('upload_documents').selectAll().where('upload_id', '=', row.id).orderBy('doc_index').execute()
  t.same(documents.map((d) => [d.onec_number, d.status, d.order_id]), [
    ['U-1003', 'matched', orders['U-1003'].id],
    ['X-2001', 'unmatched', null],
    ['U-1005', 'unmatched', null],
  ])
  t.equal(documents[1]?.onec_id, IDS['X-2001'], "the document named the other company's order by its own id, still unmatched")
  const touched = await databases.db
    .selectFrom('order_reports')
    .select('order_id')
    .where('order_id', 'in', [foreign['X-2001'].id, foreign['U-1005'].id])
    .execute()
  t.same(touched, [], "no facts on the other company's orders, for any integration")
})

t.test('malformed XML: failure with the reason, and none of its documents is applied or kept', async (t) => {
  const before = await allReports()
  const name = `orders-${RUN}_3.xml`
  const c = client()
  const result = await c.uploadCycle(name, fixture(name))
  const row = await databases.db.selectFrom('uploads').selectAll().where('filename', '=', name).executeTakeFirstOrThrow()
  t.notOk(result.ok)
  const last = result.steps[result.steps.length - 1]!
  t.equal(last.mode, 'import')
  t.match(last.response.text, /^failure\nFile orders-[\w-]+_3\.xml was not imported: The file is not well-formed XML: /)
  t.ok(last.response.text.length < 255, 'a short failure text (PROTOCOL.md §3)')
  t.equal(row.status, 'failed')
  t.same(await allReports(), before, 'its complete first document (U-1001, «Номер по 1С» ТД00-999999) was not applied')
  t.equal((await databases.db.selectFrom('upload_documents').select('doc_index').where('upload_id', '=', row.id).execute()).length, 0)

  const again = await c.import(name)
  t.equal(again.steps[0]?.response.text, last.response.text, 'asked again, the same failure')
})

t.test('a file that is not CommerceML (a proxy error page) gets a failure naming its root element', async (t) => {
  const name = `orders-${RUN}_4.xml`
  const { result, upload: row } = await upload(name, fixture(name))
  t.notOk(result.ok)
  t.match(result.problems[0], /The root element is <html>, not <КоммерческаяИнформация>/)
  t.match(row.outcome, { error: /not a CommerceML document/ })
})

t.test('the same portion re-sent by a later run under a new name changes nothing', async (t) => {
  const before = await allReports()
  const { result, upload: row } = await upload(`orders-${LATER_RUN}_1.xml`, fixture(`orders-${LATER_RUN}_1.xml`))
  t.ok(result.ok, result.problems.join('; '))
  t.same(row.outcome, { documents: 4, matched: 3, unmatched: 1, errors: 0 }, 'recorded as an upload of its own')
  t.same(await allReports(), before, 'the facts, their upload and reported_at stay those of the first report')
})

t.test('importing the same file twice in its session answers success and changes nothing', async (t) => {
  const c = client()
  const name = `orders-${randomUUID()}_1.xml`
  const result = await c.uploadCycle(name, fixture(`orders-${RUN}_1.xml`))
  t.ok(result.ok)
  const first = await databases.db.selectFrom('upload_imports').selectAll().innerJoin('uploads', 'uploads.id', 'upload_imports.upload_id').where('filename', '=', name).executeTakeFirstOrThrow()
  const second = await c.import(name)
  t.ok(second.ok)
  t.equal(second.steps.length, 1)
  t.equal(second.steps[0]?.response.text, 'success\n')
  const after = await databases.db.selectFrom('upload_imports').selectAll().innerJoin('uploads', 'uploads.id', 'upload_imports.upload_id').where('filename', '=', name).executeTakeFirstOrThrow()
  t.same(after, first)
})

/** A one-document portion for U-1002 with the given «Номер по 1С». */
function portionFor(number: string, number1c: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2026-03-16T10:00:00">
<Документ><Ид>${randomUUID()}</Ид><Номер>${number}</Номер><Дата>2026-03-10</Дата><ХозОперация>Заказ товара</ХозОперация>
<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>${number1c}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>
</Документ></КоммерческаяИнформация>`,
    'utf8',
  )
}

t.test('newer facts replace older ones; a portion received earlier but imported late does not roll them back', async (t) => {
  // The late portion is received first (chunks stored, no import yet), the newer one is received and imported after it.
  const late = client()
  const lateName = `orders-${randomUUID()}_1.xml`
  t.ok((await late.checkauth()).ok)
  t.ok((await late.init('upload')).ok)
  t.ok((await late.upload(lateName, portionFor('U-1002', 'ТД00-OLD'))).ok)

  const { result } = await upload(`orders-${randomUUID()}_1.xml`, portionFor('U-1002', 'ТД00-NEW'))
  t.ok(result.ok)
  t.match(
    await report(orders['U-1002'].id),
    { number_1c: 'ТД00-NEW', posted: true, deletion_mark: true, cancelled: true },
    'the new number replaces the old; what the new portion does not mention stays as portion 1 said (absence is never a fact)',
  )

  const imported = await late.import(lateName)
  t.ok(imported.ok, 'the late portion imports')
  t.match(await report(orders['U-1002'].id), { number_1c: 'ТД00-NEW' }, 'and does not overwrite what 1C reported after it')
})

t.test('documents without Ид and Номер, and documents that are not orders, are counted as errors; the file succeeds', async (t) => {
  const bytes = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07">
<Документ><Дата>2026-03-10</Дата><ХозОперация>Заказ товара</ХозОперация></Документ>
<Документ><Ид>x</Ид><Номер>U-1003</Номер><ХозОперация>Отпуск товара</ХозОперация></Документ>
<Документ><Номер>U-1003</Номер><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>да</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Номер по 1C</Наименование><Значение>  ТД00-000130  </Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Документ>
</КоммерческаяИнформация>`,
    'utf8',
  )
  const { result, upload: row } = await upload(`orders-${randomUUID()}_1.xml`, bytes)
  t.ok(result.ok, 'per-document problems are recorded, never answered with failure (PROTOCOL.md §8)')
  t.same(row.outcome, { documents: 3, matched: 1, unmatched: 0, errors: 2 })
  const documents = await databases.db.selectFrom('upload_documents').selectAll().where('upload_id', '=', row.id).orderBy('doc_index').execute()
  t.match(documents[0]?.reason, /neither Ид nor Номер/)
  t.match(documents[1]?.reason, /ХозОперация "Отпуск товара"/)
  t.match(documents[2], { status: 'matched', posted: null, number_1c: 'ТД00-000130', reason: /«Проведен» is "да"/ })
})

t.test('the uploads list shows each file with its outcome, newest first, a page at a time', async (t) => {
  const first = await api.get(t, '/api/v1/integrations/{id}/uploads', { params: { id: integrationId }, query: { limit: 2 } })
  t.equal(first.statusCode, 200)
  t.equal(first.json.uploads.length, 2)
  t.type(first.json.nextCursor, 'string')
  const all: Array<Record<string, any>> = [...first.json.uploads] // eslint-disable-line @typescript-eslint/no-explicit-any
  let cursor: string | null = first.json.nextCursor
  while (cursor) {
    const page = await api.get(t, '/api/v1/integrations/{id}/uploads', { params: { id: integrationId }, query: { limit: 2, cursor } })
    all.push(...page.json.uploads)
    cursor = page.json.nextCursor
  }
  const count = await databases.db.selectFrom('uploads').select('id').where('integration_id', '=', integrationId).execute()
  t.equal(all.length, count.length, 'every upload once')
  t.equal(new Set(all.map((u) => u.id)).size, all.length, 'no page repeats an upload')
  const times = all.map((u) => u.receivedAt as string)
  t.same(times, [...times].sort().reverse(), 'newest first')

  const portion1 = all.find((u) => u.filename === `orders-${RUN}_1.xml`)!
  t.match(portion1, {
    state: 'imported',
    outcome: { documents: 4, matched: 3, unmatched: 1, errors: 0 },
    error: null,
    attempts: 1,
    problems: [{ documentIndex: 3, status: 'unmatched', onecNumber: 'U-9999', onecId: 'b8e1f7a2-3c4d-11ef-9a1b-005056a1c099' }],
  })
  t.match(all.find((u) => u.filename === `orders-${RUN}_3.xml`), { state: 'failed', outcome: null, error: /not well-formed XML/, problems: [] })
})

t.test('the order delivery status shows what 1C reported and when', async (t) => {
  const res = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id: integrationId, orderIdOrNumber: 'U-1001' } })
  t.equal(res.statusCode, 200)
  const portion1 = await databases.db.selectFrom('uploads').select(['id', 'received_at']).where('filename', '=', `orders-${RUN}_1.xml`).executeTakeFirstOrThrow()
  t.match(res.json.reportedBy1C, {
    number1c: 'ТД00-000123',
    date1c: '2026-03-10T14:31:07',
    posted: true,
    deletionMark: false,
    cancelled: null,
    paymentNumber1c: 'ТД00-000045',
    paymentDate1c: '2026-03-10T14:31:09',
    shipmentNumber1c: 'ТД00-000078',
    shipmentDate1c: '2026-03-11T09:02:41',
    onecId: 'b8e1f7a2-3c4d-11ef-9a1b-005056a1c001',
    onecNumber: 'U-1001',
    reportedAt: portion1.received_at.toISOString(),
    uploadId: portion1.id,
    filename: `orders-${RUN}_1.xml`,
    documentIndex: 1,
  })
  const never = await createOrder(databases.olvery, own)
  const none = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id: integrationId, orderIdOrNumber: never.number } })
  t.equal(none.json.reportedBy1C, null)
})
