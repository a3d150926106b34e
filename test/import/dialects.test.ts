/**
 * Every upload dialect of PROTOCOL.md §8 "Dialects seen in real uploads" (test/fixtures/uploads/dialects/) through
 * the exchange exactly as 1C sends it (checkauth → init → file chunks → import), and what the admin API then shows for
 * the matched orders. The orders were downloaded and acknowledged first, so "not pending" afterwards means the upload
 * made none pending (PROTOCOL.md §7.2 rule 8). FILE_LIMIT_BYTES is 1024: every fixture arrives in several chunks.
 */
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { supplierIntegration } from '../helpers/integrations.js'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const FILE_LIMIT = 1024
const NUMBERS = ['D31-1', 'D31-2', 'N209-1', 'N209-2', 'P-1', 'W-1', 'W-2'] as const

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/uploads/dialects/${name}`, import.meta.url))

const { app, databases } = await buildTestApp(t, { env: { FILE_LIMIT_BYTES: String(FILE_LIMIT), ...HS256_ENV } })
const api = new AdminApi(app, await systemOperatorToken())
const supplier = await createSupplier(databases.olvery)
const orders = Object.fromEntries(
  await Promise.all(NUMBERS.map(async (number) => [number, await createOrder(databases.olvery, supplier, { number })] as const)),
) as Record<(typeof NUMBERS)[number], { id: string; number: string; paymentIds: string[] }>
const created = await supplierIntegration(databases.db, supplier, { name: 'Бухгалтерия' })
const integrationId = created.integration.id
const client = () => new OneCClient({ inject: app, login: created.login, password: created.password, maxImportPolls: 1000 })

// 1C loads the orders and confirms, before it ever uploads its changes (PROTOCOL.md §1.3).
const download = await client().exchange()
if (download.documentCount !== NUMBERS.length || !download.successSent) throw new Error(`download: ${download.problems.join('; ')}`)

/** Uploads a fixture under a fresh portion name, as a new 1C run would; returns the upload's summary from the API. */
async function upload(t: Test, name: string) {
  const bytes = fixture(name)
  const filename = `orders-${randomUUID()}_1.xml`
  const result = await client().uploadCycle(filename, bytes)
  t.same(result.problems, [], `${name} uploads`)
  t.equal(result.steps.filter((s) => s.mode === 'file').length, Math.ceil(bytes.length / FILE_LIMIT), 'in file_limit chunks')
  t.equal(result.steps[result.steps.length - 1]?.response.text, 'success\n')
  const page = await api.get(t, '/api/v1/integrations/{id}/uploads', { params: { id: integrationId }, query: { limit: 1 } })
  const summary = page.json.uploads[0]
  t.equal(summary.filename, filename)
  return summary as { outcome: Record<string, number>; problems: Array<Record<string, unknown>> }
}

async function status(t: Test, number: string) {
  const res = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id: integrationId, orderIdOrNumber: number } })
  t.equal(res.statusCode, 200)
  return res.json as { pending: boolean; reportedBy1C: Record<string, unknown> | null }
}

async function reports() {
  return databases.db.selectFrom('order_reports').selectAll().where('integration_id', '=', integrationId).orderBy('order_id').execute()
}

/** The same file again, as 1C re-sends a portion under a new name: nothing changes, and nothing becomes pending. */
async function repeatChangesNothing(t: Test, name: string, numbers: readonly string[]) {
  const before = await reports()
  await upload(t, name)
  t.same(await reports(), before, 'repeating the file changes nothing')
  for (const number of numbers) t.equal((await status(t, number)).pending, false, `${number} is not pending`)
}

t.test('CommerceML 3.1 with a BOM: each Документ in its Контейнер, 1C’s number, date and deletion mark as elements', async (t) => {
  const summary = await upload(t, 'cml31-container-bom.xml')
  t.same(summary.outcome, { documents: 2, matched: 2, unmatched: 0, errors: 0 })
  t.same(summary.problems, [])
  const d1 = await status(t, 'D31-1')
  t.match(d1.reportedBy1C, {
    onecId: '0d6e51a2-1f3b-11f1-8b7c-00155d01a301',
    onecNumber: 'D31-1',
    number1c: 'ЗК-000301',
    date1c: '2026-03-10T14:31:07',
    posted: true,
    deletionMark: false,
    cancelled: null,
    paymentNumber1c: 'ЗК-П-000045',
    paymentDate1c: '2026-03-10T14:31:09',
    shipmentNumber1c: 'ЗК-Р-000078',
    shipmentDate1c: '2026-03-11T09:02:41',
  })
  t.equal(d1.pending, false)
  t.match((await status(t, 'D31-2')).reportedBy1C, {
    number1c: 'ЗК-000302',
    date1c: '2016-11-03T00:00:00',
    posted: false,
    deletionMark: true,
    cancelled: true,
    paymentNumber1c: null,
  })
  await repeatChangesNothing(t, 'cml31-container-bom.xml', ['D31-1', 'D31-2'])
})

t.test('2.09 in a namespace with xs/xsi: elements read; where element and requisite disagree the requisite wins, listed', async (t) => {
  const summary = await upload(t, 'cml209-namespaced.xml')
  t.same(summary.outcome, { documents: 2, matched: 2, unmatched: 0, errors: 0 })
  t.match((await status(t, 'N209-1')).reportedBy1C, {
    number1c: 'УТ-000401',
    date1c: '2026-03-12T10:15:30',
    posted: true,
    deletionMark: false,
    paymentNumber1c: 'УТ-П-000046',
    paymentDate1c: '2026-03-12T10:20:00',
    shipmentNumber1c: null,
  })
  t.match((await status(t, 'N209-2')).reportedBy1C, { number1c: 'УТ-000499', deletionMark: true, posted: false })
  t.equal(summary.problems.length, 1, 'only the document with disagreeing forms is listed')
  t.match(summary.problems[0], { documentIndex: 2, status: 'matched', onecNumber: 'N209-2' })
  const reason = String(summary.problems[0]?.['reason'])
  t.match(reason, /«Номер по 1С» "УТ-000499" and <Номер1С> "УТ-000402" disagree; «Номер по 1С» is kept/)
  t.match(reason, /«ПометкаУдаления» "true" and <ПометкаУдаления> "false" disagree; «ПометкаУдаления» is kept/)
  await repeatChangesNothing(t, 'cml209-namespaced.xml', ['N209-1', 'N209-2'])
})

t.test('values padded with spaces are trimmed; empty dates (T, 0001-01-01T00:00:00) are no date, not a problem', async (t) => {
  const summary = await upload(t, 'padded-values.xml')
  t.same(summary.outcome, { documents: 1, matched: 1, unmatched: 0, errors: 0 }, 'Номер "P-1   " and ХозОперация " Заказ товара " match')
  t.same(summary.problems, [])
  t.match((await status(t, 'P-1')).reportedBy1C, {
    onecId: '8c01d7e3-1f3b-11f1-8b7c-00155d01a501',
    onecNumber: 'P-1',
    number1c: 'L320',
    date1c: '2026-03-13T16:45:00',
    posted: true,
    deletionMark: false,
    paymentNumber1c: '00000000123',
    paymentDate1c: null,
    shipmentNumber1c: null,
    shipmentDate1c: null,
  })
  await repeatChangesNothing(t, 'padded-values.xml', ['P-1'])
})

t.test('windows-1251 with ЗначениеРеквизита directly under Документ; an order linked only by its Комментарий', async (t) => {
  const bytes = fixture('windows-1251.xml')
  t.notOk(bytes.includes(Buffer.from('Номер', 'utf8')), 'the fixture really is windows-1251')
  const summary = await upload(t, 'windows-1251.xml')
  t.same(summary.outcome, { documents: 2, matched: 2, unmatched: 0, errors: 0 })
  t.match((await status(t, 'W-1')).reportedBy1C, {
    number1c: 'ОП-000601',
    date1c: '2026-03-11T12:05:00',
    posted: true,
    deletionMark: false,
    shipmentNumber1c: 'ОП-Р-000088',
    shipmentDate1c: '2026-03-12T08:00:00',
  })
  t.match((await status(t, 'W-2')).reportedBy1C, {
    onecNumber: 'ОП-000602',
    number1c: 'ОП-000602',
    posted: true,
    paymentNumber1c: 'ОП-П-000051',
    paymentDate1c: '2026-03-11T12:11:00',
  })
  const matched = await databases.db
    .selectFrom('upload_documents')
    .select(['order_id', 'matched_by'])
    .where('integration_id', '=', integrationId)
    .where('onec_number', '=', 'ОП-000602')
    .execute()
  t.same(matched, [{ order_id: orders['W-2'].id, matched_by: 'number' }], 'by the number "[Номер документа на сайте: W-2]" names')
  await repeatChangesNothing(t, 'windows-1251.xml', ['W-1', 'W-2'])
})

t.test('a 2.03 status-only file changes what it says and keeps what it does not mention: absence is never a fact', async (t) => {
  const before = await status(t, 'D31-1')
  t.match(before.reportedBy1C, { number1c: 'ЗК-000301', paymentNumber1c: 'ЗК-П-000045', cancelled: null }, 'reported in full by the 3.1 file')
  const summary = await upload(t, 'cml203-status-only.xml')
  t.same(summary.outcome, { documents: 2, matched: 2, unmatched: 0, errors: 0 })
  const d1 = await status(t, 'D31-1')
  t.match(d1.reportedBy1C, {
    number1c: 'ЗК-000301',
    date1c: '2026-03-10T14:31:07',
    posted: true,
    deletionMark: false,
    cancelled: true,
    paymentNumber1c: 'ЗК-П-000045',
    paymentDate1c: '2026-03-10T14:31:09',
    shipmentNumber1c: 'ЗК-Р-000078',
    shipmentDate1c: '2026-03-11T09:02:41',
  })
  const requisites = d1.reportedBy1C?.['requisites'] as Record<string, string>
  t.equal(requisites['Статус заказа'], 'Закрыт', 'the new requisite is added')
  t.equal(requisites['Номер1С'], 'ЗК-000301', 'and the earlier ones stay')
  t.match((await status(t, 'N209-1')).reportedBy1C, { number1c: 'УТ-000401', paymentNumber1c: 'УТ-П-000046', deletionMark: true })
  await repeatChangesNothing(t, 'cml203-status-only.xml', ['D31-1', 'N209-1'])
})

t.test('no upload made an order pending: the next download has nothing to send', async (t) => {
  const next = await client().exchange()
  t.same(next.problems, [])
  t.equal(next.documentCount, 0)
  for (const number of NUMBERS) t.equal((await status(t, number)).pending, false, number)
})
