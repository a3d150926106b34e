/**
 * How imports run (PROTOCOL.md §3.6, §7.2 rule 8): `progress` while a file is still being imported, two service
 * processes on one database (one takes the file, a dead one's lease is taken over), and no echo: nothing 1C uploads
 * changes a fingerprint or makes an order pending.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { supplierIntegration } from '../helpers/integrations.js'
import { claimImport, finishImport, renewLease } from '../../src/import/import-runs.repository.js'
import { storeUpload } from '../../src/exchange/uploads.repository.js'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

const FILE_LIMIT = 16384
// Two processes of the service on one database: `app` answers at once with progress, `other` waits as configured.
const { app, databases } = await buildTestApp(t, { env: { FILE_LIMIT_BYTES: String(FILE_LIMIT), IMPORT_WAIT_MS: '0', ...HS256_ENV } })
const { app: other } = await buildTestApp(t, { databases, env: { FILE_LIMIT_BYTES: String(FILE_LIMIT), ...HS256_ENV } })
const api = new AdminApi(app, await systemOperatorToken())

const supplier = await createSupplier(databases.olvery)
const numbers: string[] = []
for (let i = 0; i < 30; i++) numbers.push((await createOrder(databases.olvery, supplier)).number)
const created = await supplierIntegration(databases.db, supplier, { name: 'Бухгалтерия' })

/** A portion of `count` documents for our orders (cycling through them), as УТ 11 writes it. */
function portion(count: number, tag = 'ТД00'): Buffer {
  const docs: string[] = []
  for (let i = 0; i < count; i++) {
    const number = numbers[i % numbers.length]!
    docs.push(`<Документ><Ид>${randomUUID()}</Ид><Номер>${number}</Номер><Дата>2026-03-10</Дата><ХозОперация>Заказ товара</ХозОперация>
<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>${tag}-${String(i).padStart(6, '0')}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Дата по 1С</Наименование><Значение>2026-03-10T14:31:07</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>false</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Отменен</Наименование><Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Документ>`)
  }
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2026-03-14T18:05:12">\n${docs.join('\n')}\n</КоммерческаяИнформация>\n`,
    'utf8',
  )
}

const client = (target = app) =>
  new OneCClient({ inject: target, login: created.login, password: created.password, maxImportPolls: 10_000, importPollDelayMs: 5 })

/** The chunks of a file stored in a session of `c` (checkauth → init → file…), not yet imported. */
async function uploadWithoutImport(c: OneCClient, filename: string, bytes: Buffer) {
  if (!(await c.checkauth()).ok || !(await c.init('upload')).ok || !(await c.upload(filename, bytes)).ok) throw new Error('upload failed')
  return databases.db.selectFrom('uploads').selectAll().where('filename', '=', filename).executeTakeFirstOrThrow()
}

t.test('a file still being imported is answered progress, 1C polls again, and then success', async (t) => {
  const filename = `orders-${randomUUID()}_1.xml`
  const bytes = portion(600)
  t.ok(bytes.length > 10 * FILE_LIMIT, 'many chunks')
  const result = await client().uploadCycle(filename, bytes)
  t.ok(result.ok, result.problems.join('; '))
  const imports = result.steps.filter((s) => s.mode === 'import')
  t.match(imports[0]?.response.text, /^progress\nFile orders-[\w-]+_1\.xml (is being imported|: \d+% read, \d+ documents so far)\.$/)
  t.equal(imports[imports.length - 1]?.response.text, 'success\n')
  t.ok(imports.slice(0, -1).every((s) => s.response.text.startsWith('progress\n')), 'progress until done')
  const row = await databases.db.selectFrom('uploads').select(['status', 'outcome']).where('filename', '=', filename).executeTakeFirstOrThrow()
  t.same(row, { status: 'imported', outcome: { documents: 600, matched: 600, unmatched: 0, errors: 0 } })
})

t.test('polls of one file reaching two processes at once: one imports it, the other answers progress', async (t) => {
  // One session (cookie) whose requests a load balancer spreads over both processes.
  const basic = `Basic ${Buffer.from(`${created.login}:${created.password}`).toString('base64')}`
  const auth = await other.inject({ url: '/1c_exchange?type=sale&mode=checkauth', headers: { authorization: basic } })
  const [, cookieName, cookieValue] = auth.body.split('\n')
  const cookie = `${cookieName}=${cookieValue}`
  const filename = `orders-${randomUUID()}_1.xml`
  const bytes = portion(300, 'ДВА')
  for (let offset = 0; offset < bytes.length; offset += FILE_LIMIT) {
    const target = offset % (2 * FILE_LIMIT) === 0 ? app : other
    const res = await target.inject({ method: 'POST', url: `/1c_exchange?type=sale&mode=file&filename=${filename}`, headers: { cookie }, payload: bytes.subarray(offset, offset + FILE_LIMIT) })
    if (res.body !== 'success\n') throw new Error(res.body)
  }
  const poll = (target: typeof app) => target.inject({ url: `/1c_exchange?type=sale&mode=import&filename=${filename}`, headers: { cookie } })
  const seen = new Set<string>()
  for (let round = 0; round < 10_000; round++) {
    const answers = await Promise.all([poll(app), poll(other)])
    for (const answer of answers) seen.add(answer.body.split('\n')[0]!)
    if (answers.every((a) => a.body === 'success\n')) break
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  t.same([...seen].filter((k) => k !== 'progress' && k !== 'success'), [], 'only progress and success were answered')
  t.ok(seen.has('success'))
  const imported = await databases.db
    .selectFrom('upload_imports')
    .innerJoin('uploads', 'uploads.id', 'upload_imports.upload_id')
    .select(['attempts', 'upload_imports.status', 'matched'])
    .where('filename', '=', filename)
    .executeTakeFirstOrThrow()
  t.same(imported, { attempts: 1, status: 'done', matched: 300 }, 'one process took it, once')
})

t.test('another process holding a live lease: progress and nothing imported; once it lapses the next poll takes over', async (t) => {
  const filename = `orders-${randomUUID()}_1.xml`
  const c = client(other)
  const upload = await uploadWithoutImport(c, filename, portion(50, 'ТРИ'))
  await storeUpload(databases.db, { sessionId: upload.session_id, filename })
  const dead = 'replica-that-dies'
  t.match(await claimImport(databases.db, { uploadId: upload.id, owner: dead, leaseSeconds: 60 }), { kind: 'claimed', attempt: 1 })

  const busy = await c.request(`type=sale&mode=import&filename=${filename}`)
  t.match(busy.text, /^progress\n/)
  const untouched = await databases.db.selectFrom('upload_documents').select('doc_index').where('upload_id', '=', upload.id).execute()
  t.same(untouched, [], 'the poll did not import what another process holds')

  // The replica dies: its lease is not renewed and runs out.
  await databases.db.updateTable('upload_imports').set({ lease_until: new Date(Date.now() - 1000) }).where('upload_id', '=', upload.id).execute()
  const done = await c.import(filename)
  t.ok(done.ok, done.problems.join('; '))
  const row = await databases.db.selectFrom('upload_imports').selectAll().where('upload_id', '=', upload.id).executeTakeFirstOrThrow()
  t.match(row, { status: 'done', attempts: 2, matched: 50 })
  t.notOk(
    await renewLease(databases.db, { uploadId: upload.id, owner: dead, leaseSeconds: 60, bytesRead: 0, documents: 0 }),
    'the dead replica, were it to wake up, no longer holds the lease',
  )
  t.equal(await finishImport(databases.db, { uploadId: upload.id, owner: dead, bytesRead: 0 }), null, 'and cannot finish it a second time')
})

t.test('no echo: after an upload from 1C nothing is pending and no fingerprint changed', async (t) => {
  const echo = await createSupplier(databases.olvery, { name: 'ООО «Эхо»' })
  const order = await createOrder(databases.olvery, echo)
  const integration = await supplierIntegration(databases.db, echo, { name: 'Эхо' })
  const onec = new OneCClient({ inject: other, login: integration.login, password: integration.password, maxImportPolls: 10_000, importPollDelayMs: 5 })
  const first = await onec.exchange()
  t.same(first.problems, [])
  t.equal(first.documentCount, 1)
  const stateBefore = await databases.db.selectFrom('order_state').selectAll().where('integration_id', '=', integration.integration.id).execute()

  // 1C posts, cancels and marks the order for deletion, and uploads its view.
  const xml = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07"><Документ><Ид>${randomUUID()}</Ид><Номер>${order.number}</Номер>
<ХозОперация>Заказ товара</ХозОперация><ЗначенияРеквизитов>
<ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ТД00-000777</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Отменен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>true</Значение></ЗначениеРеквизита>
</ЗначенияРеквизитов></Документ></КоммерческаяИнформация>`,
    'utf8',
  )
  const uploaded = await onec.uploadCycle(`orders-${randomUUID()}_1.xml`, xml)
  t.ok(uploaded.ok, uploaded.problems.join('; '))

  const again = await onec.exchange()
  t.same(again.problems, [])
  t.equal(again.documentCount, 0, 'the next query sends nothing')
  const preview = await api.get(t, '/api/v1/integrations/{id}/preview', { params: { id: integration.integration.id } })
  t.equal(preview.json.orderCount, 0)
  const status = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id: integration.integration.id, orderIdOrNumber: order.number } })
  t.equal(status.json.pending, false)
  t.equal(status.json.currentFingerprint, status.json.lastAcknowledged.fingerprint, 'the fingerprint is the one 1C acknowledged')
  t.match(status.json.reportedBy1C, { number1c: 'ТД00-000777', posted: true, cancelled: true, deletionMark: true })
  const stateAfter = await databases.db.selectFrom('order_state').selectAll().where('integration_id', '=', integration.integration.id).execute()
  t.same(stateAfter, stateBefore, 'the export state is untouched (an empty query records its batch only)')
})
