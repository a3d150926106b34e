/**
 * `npm run bench:import`: how long importing a large upload from 1C takes, and whether memory stays bounded
 * (PROTOCOL.md §8). For each size (default 2 MB and 20 MB) it uploads a generated portion file as УТ 11 does
 * (checkauth → init → file in file_limit chunks), then polls `mode=import` until `success`, and prints the wall time of
 * the import and the growth of the process's peak RSS over its RSS when the import started, with the peak of the
 * JavaScript heap and what stays alive after it (run with NODE_OPTIONS=--expose-gc for a collected baseline). Bounded
 * memory shows as figures that do not follow the file's size. A benchmark prints figures; no test asserts them.
 *
 *   npm run bench:import                       # embedded PGlite in memory (its data lives in this process's RSS)
 *   npm run bench:import -- --pg postgres://postgres@127.0.0.1:5432/postgres   # a scratch database on that server
 *   npm run bench:import -- --mb 50
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabases, type Databases } from '../src/olvery/databases.js'
import { migrate } from '../src/db/migrate.js'
import { createIntegration } from '../test/helpers/integrations.js'
import { applyReferenceSchema } from '../src/olvery/reference-schema.js'
import { OneCClient } from '../src/onec-client/onec-client.js'
import { databaseUrl, dropDatabase, withPg } from './bench/databases.js'

const FILE_LIMIT = 1024 * 1024
const ORDERS = 2000
const MiB = 1024 * 1024

const { values } = parseArgs({ options: { pg: { type: 'string' }, mb: { type: 'string', multiple: true } } })
const sizes = (values.mb ?? ['2', '20']).map(Number)

async function open(): Promise<{ databases: Databases; drop: () => Promise<void> }> {
  if (!values.pg) {
    return { databases: await openDatabases({ databaseUrl: null, dataDir: 'memory://', olveryDatabaseUrl: null, olveryDbSchema: 'olvery' }), drop: async () => {} }
  }
  const name = `olvery_bench_import_${process.pid}`
  await withPg(values.pg, (client) => client.query(`create database ${name} template template0 encoding 'UTF8'`))
  const url = databaseUrl(values.pg, name)
  const databases = await openDatabases({ databaseUrl: url, dataDir: 'memory://', olveryDatabaseUrl: null, olveryDbSchema: 'olvery' })
  return { databases, drop: () => dropDatabase(values.pg!, name) }
}

/** One supplier with ORDERS orders numbered B-000001…, written straight into the reference schema. */
async function seed(databases: Databases) {
  const location = randomUUID()
  const company = randomUUID()
  const customer = randomUUID()
  await databases.execOlveryScript(`
    set search_path to olvery;
    insert into locations values ('${location}', 'Технопарк', 'Europe/Moscow');
    insert into companies (id, location_id, kind, full_name) values ('${company}', '${location}', 'legal', 'ООО «Бенч»');
    insert into customers (id, location_id) values ('${customer}', '${location}');
    insert into orders (id, number, location_id, company_id, customer_id, status, total)
      select gen_random_uuid(), 'B-' || lpad(n::text, 6, '0'), '${location}', '${company}', '${customer}', 'new', 1200
      from generate_series(1, ${ORDERS}) n;`)
  return createIntegration(databases.db, {
    name: 'Бенчмарк',
    companyId: company,
    locationId: location,
    settings: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Оплата картой' },
  })
}

/** One `Документ` as УТ 11 writes it (PROTOCOL.md §8); every twentieth names an order nobody has. */
function documentXml(i: number): string {
  const number = i % 20 === 19 ? `Z-${i}` : `B-${String((i % ORDERS) + 1).padStart(6, '0')}`
  return `\t<Документ>
\t\t<Ид>${randomUUID()}</Ид><Номер>${number}</Номер><Дата>2026-03-10</Дата><ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>
\t\t<Валюта>руб</Валюта><Курс>1</Курс><Сумма>1200.00</Сумма>
\t\t<Контрагенты><Контрагент><Ид>${randomUUID()}</Ид><Наименование>Иванов Иван Иванович</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
\t\t<Время>14:25:00</Время>
\t\t<Товары><Товар><Ид>clean-1</Ид><Наименование>Уборка офиса</Наименование><БазоваяЕдиница Код="876 ">усл. ед.</БазоваяЕдиница><ЦенаЗаЕдиницу>1200.00</ЦенаЗаЕдиницу><Количество>1</Количество><Сумма>1200.00</Сумма>
\t\t<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Услуга</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Товар></Товары>
\t\t<ЗначенияРеквизитов>
\t\t\t<ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ТД00-${String(i).padStart(6, '0')}</Значение></ЗначениеРеквизита>
\t\t\t<ЗначениеРеквизита><Наименование>Дата по 1С</Наименование><Значение>2026-03-10T14:31:07</Значение></ЗначениеРеквизита>
\t\t\t<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>false</Значение></ЗначениеРеквизита>
\t\t\t<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>
\t\t\t<ЗначениеРеквизита><Наименование>Номер оплаты по 1С</Наименование><Значение>ТД00-${String(i).padStart(6, '0')}</Значение></ЗначениеРеквизита>
\t\t\t<ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-03-10T14:31:09</Значение></ЗначениеРеквизита>
\t\t</ЗначенияРеквизитов>
\t</Документ>
`
}

/**
 * Uploads a generated file of about `bytes` bytes in file_limit chunks, generating each chunk just before it is
 * sent, so the benchmark itself never holds the file. Returns the number of documents.
 */
async function uploadGenerated(client: OneCClient, filename: string, bytes: number): Promise<number> {
  const query = `type=sale&mode=file&filename=${filename}`
  let pending = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2026-03-14T18:05:12">\n',
  )
  let sent = 0
  let documents = 0
  const post = async (chunk: Buffer) => {
    const response = await client.request(query, { method: 'POST', body: chunk })
    if (response.text !== 'success\n') throw new Error(`file: ${response.text}`)
    sent += chunk.length
  }
  while (sent + pending.length < bytes) {
    const parts = [pending]
    let length = pending.length
    while (length < FILE_LIMIT) {
      const doc = Buffer.from(documentXml(documents++), 'utf8')
      parts.push(doc)
      length += doc.length
    }
    const joined = Buffer.concat(parts)
    await post(joined.subarray(0, FILE_LIMIT))
    pending = joined.subarray(FILE_LIMIT)
  }
  await post(Buffer.concat([pending, Buffer.from('</КоммерческаяИнформация>\n')]))
  return documents
}

async function measure(app: Awaited<ReturnType<typeof buildApp>>, login: string, password: string, mb: number) {
  const client = new OneCClient({ inject: app, login, password, maxImportPolls: 100_000, importPollDelayMs: 50 })
  if (!(await client.checkauth()).ok || !(await client.init('upload')).ok) throw new Error('checkauth/init failed')
  const filename = `orders-${randomUUID()}_1.xml`
  const uploadStarted = performance.now()
  const documents = await uploadGenerated(client, filename, mb * 1e6)
  const uploadSeconds = (performance.now() - uploadStarted) / 1000

  globalThis.gc?.()
  const { rss: before, heapUsed: heapBefore } = process.memoryUsage()
  let peak = before
  let peakHeap = heapBefore
  const sample = () => {
    const now = process.memoryUsage()
    peak = Math.max(peak, now.rss)
    peakHeap = Math.max(peakHeap, now.heapUsed)
  }
  const sampler = setInterval(sample, 10)
  const started = performance.now()
  const result = await client.import(filename)
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  sample()
  if (!result.ok) throw new Error(result.problems.join('; '))
  globalThis.gc?.()
  // What the import left alive: a leak would show here, whatever the garbage collector's timing did to the peaks.
  const retained = process.memoryUsage().heapUsed - heapBefore
  return { mb, documents, uploadSeconds, seconds, polls: result.steps.length, before, peak, peakHeap: peakHeap - heapBefore, retained }
}

async function main(): Promise<void> {
  const { databases, drop } = await open()
  try {
    await migrate(databases)
    await applyReferenceSchema(databases, 'olvery')
    const created = await seed(databases)
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://', FILE_LIMIT_BYTES: String(FILE_LIMIT) })
    const app = await buildApp({ config, databases })
    await app.ready()
    console.log(`bench:import on ${values.pg ? 'PostgreSQL (scratch database)' : 'embedded PGlite in memory'}, file_limit ${FILE_LIMIT / MiB} MiB, IMPORT_WAIT_MS ${config.importWaitMs}, node ${process.version}`)
    console.log('size      documents  upload   import  polls  MB/s   RSS at start  peak RSS  growth  peak heap  retained')
    for (const mb of sizes) {
      const r = await measure(app, created.login, created.password, mb)
      const row = [
        `${r.mb} MB`.padEnd(8),
        String(r.documents).padStart(9),
        `${r.uploadSeconds.toFixed(1)} s`.padStart(8),
        `${r.seconds.toFixed(1)} s`.padStart(8),
        String(r.polls).padStart(6),
        (r.mb / r.seconds).toFixed(1).padStart(6),
        `${(r.before / MiB).toFixed(0)} MiB`.padStart(13),
        `${(r.peak / MiB).toFixed(0)} MiB`.padStart(9),
        `${((r.peak - r.before) / MiB).toFixed(0)} MiB`.padStart(7),
        `+${(r.peakHeap / MiB).toFixed(0)} MiB`.padStart(10),
        `${(r.retained / MiB).toFixed(1)} MiB`.padStart(9),
      ]
      console.log(row.join(' '))
    }
    await app.close()
  } finally {
    await databases.close()
    await drop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error)
  process.exitCode = 1
})
