/**
 * The round trip of the README's "What 1C sends back": against the embedded demo, the smoke client downloads the orders as УТ 11 does,
 * uploads 1C's view of them with `--upload` (checkauth → init → file… → import), and the admin API shows the 1C
 * numbers. A real server on a port, the command as ops run it.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { DEMO_LOGIN, DEMO_PASSWORD, ensureDemoIntegration } from '../../src/demo/demo-bootstrap.js'
import { seedDemo } from '../../src/demo/insert.js'
import { runCli } from '../../src/onec-client/onec.cli.js'
import type { SmokeReport } from '../../src/onec-client/report.js'
import { AdminApi } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'

async function run(argv: string[]): Promise<{ code: number; report: SmokeReport }> {
  let stdout = ''
  const code = await runCli([...argv, '--json'], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: {} })
  return { code, report: JSON.parse(stdout) as SmokeReport }
}

t.test('--upload against the demo: the 1C numbers show through the admin API', async (t) => {
  const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
  await seedDemo(databases.olvery, { seed: 'olvery-demo', orders: 300, now: new Date() })
  const demo = await ensureDemoIntegration(databases)
  t.ok(demo)
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/1c_exchange`
  const credentials = ['--url', url, '--login', DEMO_LOGIN, '--password', DEMO_PASSWORD]

  const download = await run(credentials)
  t.equal(download.code, 0)
  const numbers = download.report.documents.slice(0, 3).map((d) => d.number!)
  t.equal(numbers.length, 3)

  // What УТ 11 uploads after loading them (PROTOCOL.md §8), in windows-1251 for good measure.
  const docs = numbers.map(
    (number, i) => `<Документ><Ид>${randomUUID()}</Ид><Номер>${number}</Номер><Дата>2026-03-10</Дата><ХозОперация>Заказ товара</ХозОперация>
<ЗначенияРеквизитов>
<ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ТД00-00010${i}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Дата по 1С</Наименование><Значение>2026-03-10T14:3${i}:00</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>false</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Номер оплаты по 1С</Наименование><Значение>ТД00-00020${i}</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-03-10T14:4${i}:00</Значение></ЗначениеРеквизита>
</ЗначенияРеквизитов></Документ>`,
  )
  const iconv = (await import('iconv-lite')).default
  const xml = `<?xml version="1.0" encoding="windows-1251"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2026-03-14T18:05:12">\n${docs.join('\n')}\n</КоммерческаяИнформация>\n`
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'onec-upload-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, `orders-${randomUUID()}_1.xml`)
  await fs.writeFile(file, iconv.encode(xml, 'windows-1251'))

  const upload = await run([...credentials, '--upload', file])
  t.equal(upload.code, 0, JSON.stringify(upload.report.problems))
  t.same(upload.report.steps.map((s) => s.mode).filter((m, i, all) => all.indexOf(m) === i), ['checkauth', 'init', 'file', 'import'])
  t.equal(upload.report.steps[upload.report.steps.length - 1]?.firstLine, 'success')

  const api = new AdminApi(app, await systemOperatorToken())
  for (const [i, number] of numbers.entries()) {
    const status = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id: demo!.integrationId, orderIdOrNumber: number } })
    t.equal(status.statusCode, 200)
    t.match(status.json.reportedBy1C, { number1c: `ТД00-00010${i}`, posted: true, paymentNumber1c: `ТД00-00020${i}`, onecNumber: number }, number)
    t.equal(status.json.pending, false, `${number} is not pending because of the upload`)
  }
  const uploads = await api.get(t, '/api/v1/integrations/{id}/uploads', { params: { id: demo!.integrationId } })
  t.match(uploads.json.uploads, [{ filename: path.basename(file), state: 'imported', outcome: { documents: 3, matched: 3, unmatched: 0, errors: 0 } }])
})
