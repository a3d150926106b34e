/**
 * The smoke CLI (`npm run onec`, src/onec-client/onec.cli.ts) against a real service listening on a port, as an ops
 * engineer runs it: the report on stdout, progress on a terminal only, exit codes 0 / 1 / 2. Problems a correct
 * service never produces are played by a small fake site.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { ensureDemoIntegration, DEMO_LOGIN, DEMO_PASSWORD } from '../../src/demo/demo-bootstrap.js'
import { seedDemo } from '../../src/demo/insert.js'
import { supplierIntegration } from '../helpers/integrations.js'
import { parseCliArgs, runCli } from '../../src/onec-client/onec.cli.js'
import type { SmokeReport } from '../../src/onec-client/report.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'

const { app, databases } = await buildTestApp(t)
const base = await listen(app)

async function listen(target: FastifyInstance): Promise<string> {
  const address = await target.listen({ host: '127.0.0.1', port: 0 })
  return address
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run(argv: string[], options: { env?: Record<string, string>; tty?: boolean } = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    env: options.env ?? {},
  })
  return { code, stdout, stderr }
}

const json = (r: Run) => JSON.parse(r.stdout) as SmokeReport

/** An integration of a fresh supplier with `orders` paid orders. */
async function setup(orders: number) {
  const supplier = await createSupplier(databases.olvery)
  const numbers: string[] = []
  for (let i = 0; i < orders; i++) numbers.push((await createOrder(databases.olvery, supplier)).number)
  const created = await supplierIntegration(databases.db, supplier, { name: `Смоук ${randomUUID().slice(0, 8)}` })
  const args = ['--url', `${base}/1c_exchange`, '--login', created.login, '--password', created.password]
  return { created, numbers, args }
}

/** A site that answers each mode with a fixed body, for what a correct service never does. */
async function fakeSite(t: { teardown(fn: () => unknown): void }, answers: Record<string, { body: string | Buffer; contentType?: string }>) {
  const server = http.createServer((req, res) => {
    const mode = new URL(req.url ?? '/', 'http://x').searchParams.get('mode') ?? ''
    const answer = answers[mode] ?? { body: 'failure\nunknown mode' }
    res.writeHead(200, { 'content-type': answer.contentType ?? 'text/plain; charset=UTF-8' })
    res.end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const { port } = server.address() as { port: number }
  return `http://127.0.0.1:${port}/1c_exchange`
}

const CHECKAUTH = 'success\nOLVERY1C\nabcdef0123456789abcdef0123456789\nsessid=0123456789abcdef\n'

t.test('a clean download prints each step, each document as 1C reads it and no problems, and exits 0', async (t) => {
  const { args, numbers } = await setup(1)
  const r = await run(args)
  t.equal(r.code, 0, r.stdout)
  t.match(r.stdout, /1\. checkauth GET {2}\/1c_exchange\?type=sale&mode=checkauth\n\s+→ 200 {2}"success"/)
  t.match(r.stdout, /2\. query .*\n\s+→ 200 {2}"<\?xml version=\\"1\.0\\" encoding=\\"UTF-8\\"\?>" {2}\d+ B {2}\d+ ms {2}application\/xml; charset=UTF-8/)
  t.match(r.stdout, /3\. success .*\n\s+→ 200 {2}"success"/)
  t.match(r.stdout, new RegExp(`${numbers[0]} {2}of \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} {2}· {2}Иванов Иван Иванович`))
  t.match(r.stdout, /Сумма 1200\.00 RUB {2}· {2}paid true on \d{4}-\d{2}-\d{2}, payment \d+ {2}· {2}method Оплата картой внешняя {2}· {2}status \[N\] Принят/)
  t.match(r.stdout, /1\. Уборка офиса \[Услуга\] {2}1 усл\. ед\. × 1200\.00 = 1200\.00, no VAT/)
  t.match(r.stdout, /Problems: none\. 1C would load this answer and has confirmed it with success\./)
  t.match(r.stdout, /Result: clean \(exit 0\)\n$/)
})

t.test('the embedded demo data give a clean report for УТ 11 and УНФ', async (t) => {
  const demo = await buildTestApp(t)
  await seedDemo(demo.databases.olvery, { seed: 'olvery-demo', orders: 300, now: new Date() })
  t.ok(await ensureDemoIntegration(demo.databases))
  const url = `${await listen(demo.app)}/1c_exchange`
  const unf = await run(['--url', url, '--login', DEMO_LOGIN, '--password', DEMO_PASSWORD, '--profile', 'unf', '--no-success', '--json'])
  t.equal(unf.code, 0, 'УНФ')
  t.same(json(unf).problems, [])
  t.ok(json(unf).documents.length > 10, `${json(unf).documents.length} documents`)
  const ut11 = await run(['--url', url, '--login', DEMO_LOGIN, '--password', DEMO_PASSWORD])
  t.equal(ut11.code, 0, ut11.stdout.split('\n').filter((l) => l.includes('✗')).join('\n'))
  t.match(ut11.stdout, /Problems: none/)
})

t.test('--profile unf runs checkauth → init → query → success, with sessid cut from the shown URLs', async (t) => {
  const { args, created } = await setup(1)
  const r = await run([...args, '--profile', 'unf', '--json'])
  t.equal(r.code, 0)
  const report = json(r)
  t.same(report.steps.map((s) => s.mode), ['checkauth', 'init', 'query', 'success'])
  t.equal(report.steps[1]?.firstLine, 'zip=no')
  t.match(report.steps[2]?.url, /&sessid=…$/)
  t.notMatch(r.stdout, /sessid=[A-Za-z0-9]{6,}/)
  t.notOk(r.stdout.includes(created.password), 'no password in the report')
})

t.test('--json prints the whole report as JSON', async (t) => {
  const { args, numbers } = await setup(2)
  const report = json(await run([...args, '--json']))
  t.match(report, { profile: 'ut11', action: 'download', ok: true, successSent: true, problems: [] })
  t.same(report.documents.map((d) => d.number).sort(), [...numbers].sort())
  t.match(report.documents[0], { paid: 'true', paymentMethod: 'Оплата картой внешняя', lines: [{ name: 'Уборка офиса', type: 'Услуга', quantity: '1' }] })
})

t.test('--no-success acknowledges nothing: the next run gets the same orders', async (t) => {
  const { args, numbers } = await setup(1)
  const first = json(await run([...args, '--no-success', '--json']))
  t.same(first.steps.map((s) => s.mode), ['checkauth', 'query'])
  t.notOk(first.successSent)
  const second = json(await run([...args, '--json']))
  t.same(second.documents.map((d) => d.number), numbers, 'served again')
  const third = json(await run([...args, '--json']))
  t.same(third.documents, [], 'acknowledged by the second run')
  t.match(third.notes, [{ message: 'Нет документов для обработки' }])
})

t.test('--upload sends the file as 1C does: checkauth → init → file → import', async (t) => {
  const { args, created } = await setup(0)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'onec-cli-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'orders-5d1f0c2a_1.xml')
  const bytes = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07"/>\n')
  await fs.writeFile(file, bytes)
  const r = await run([...args, '--upload', file, '--json'])
  t.equal(r.code, 0)
  t.same(json(r).steps.map((s) => s.mode), ['checkauth', 'init', 'file', 'import'])
  t.match(json(r).steps[2]?.url, /mode=file&filename=orders-5d1f0c2a_1\.xml/)
  const stored = await databases.db
    .selectFrom('uploads')
    .select(['filename', 'byte_count', 'status'])
    .where('integration_id', '=', created.integration.id)
    .execute()
  t.same(stored, [{ filename: 'orders-5d1f0c2a_1.xml', byte_count: bytes.length, status: 'imported' }])
})

t.test('the password may come from ONEC_PASSWORD instead of the command line', async (t) => {
  const { args } = await setup(0)
  const at = args.indexOf('--password')
  const password = args[at + 1]!
  const withoutPassword = [...args.slice(0, at), ...args.slice(at + 2)]
  t.equal((await run(withoutPassword, { env: { ONEC_PASSWORD: password } })).code, 0)
  t.equal((await run(withoutPassword)).code, 2, 'neither: a usage error')
})

t.test('a wrong password is a problem in 1C\'s words, exit 1', async (t) => {
  const { args } = await setup(0)
  const r = await run([...args.slice(0, -1), 'wrong-password'])
  t.equal(r.code, 1)
  t.match(r.stdout, /✗ checkauth: Авторизация не выполнена\. Проверьте имя пользователя и пароль \[protocol\]/)
  t.match(r.stdout, /→ 401/)
})

t.test('what 1C would stumble on in a document makes the exit code 1, and success is not sent', async (t) => {
  const document =
    '<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="2025-03-20T12:00:00">' +
    '<Документ><Ид>1</Ид><Номер>ORDER-000000123</Номер><Дата>14.03.2025</Дата><ХозОперация>Заказ товара</ХозОперация>' +
    '<Валюта>руб.</Валюта><Сумма>100.00</Сумма><Товары><Товар><Ид>L1</Ид><Наименование>Уборка</Наименование>' +
    '<Количество>1</Количество><Сумма>100.00</Сумма></Товар></Товары><ЗначенияРеквизитов/></Документ></КоммерческаяИнформация>'
  let successes = 0
  const url = await fakeSite(t, {
    checkauth: { body: CHECKAUTH },
    query: { body: document, contentType: 'application/xml; charset=UTF-8' },
    get success() {
      successes++
      return { body: 'success\n' }
    },
  })
  const r = await run(['--url', url, '--login', 'x', '--password', 'y', '--json'])
  t.equal(r.code, 1)
  t.same(
    json(r).problems.map((p) => p.check).sort(),
    ['currency', 'date', 'line-type', 'number-length', 'payment-method'],
  )
  t.equal(successes, 0, 'no success for a batch with problems')
  t.notOk(json(r).successSent)
})

t.test('--profile bitrix-module reads a 3.1 answer as the 1C-Bitrix module does: clean, exit 0', async (t) => {
  const document = await fs.readFile(new URL('./fixtures/cml31-order.xml', import.meta.url))
  const url = await fakeSite(t, {
    checkauth: { body: CHECKAUTH },
    init: { body: 'zip=no\nfile_limit=1024' },
    query: { body: document, contentType: 'application/xml; charset=UTF-8' },
    success: { body: 'success\n' },
  })
  const r = await run(['--url', url, '--login', 'x', '--password', 'y', '--profile', 'bitrix-module', '--json'])
  t.equal(r.code, 0, JSON.stringify(json(r).problems))
  t.same(json(r).steps.map((s) => s.mode), ['checkauth', 'init', 'query', 'success'])
  t.match(json(r).steps[1]?.url, /mode=init&sessid=…&version=3\.1$/)
  t.same(json(r).documents.map((d) => d.number), ['B-31001', 'B-31002'])
  const text = await run(['--url', url, '--login', 'x', '--password', 'y', '--profile', 'bitrix-module'])
  t.match(text.stdout, /as «Модуль обмена 1С-Битрикс» \(УТ 10\.3, УПП, КА 1\.1\), CommerceML 3\.1 \(--profile bitrix-module\)/)
})

t.test('--profile bitrix-module against the 2.08 download: every order would be missed, so a problem and no success', async (t) => {
  const { args, numbers } = await setup(1)
  const r = await run([...args, '--profile', 'bitrix-module', '--json'])
  t.equal(r.code, 1)
  t.same(json(r).problems.map((p) => p.check), ['layout'])
  t.match(json(r).problems[0]?.message, /1 Документ\(s\) directly under the root: the 1C-Bitrix module reads CommerceML 3\.1/)
  t.notOk(json(r).successSent, 'nothing acknowledged')
  const again = json(await run([...args, '--json']))
  t.same(again.documents.map((d) => d.number), numbers, 'the order is still pending for a 2.x client')
})

t.test('a body 1C cannot read as data is a problem, explained', async (t) => {
  const url = await fakeSite(t, {
    checkauth: { body: CHECKAUTH },
    query: { body: '<html><body>Fatal error</body></html>', contentType: 'text/html' },
  })
  const r = await run(['--url', url, '--login', 'x', '--password', 'y'])
  t.equal(r.code, 1)
  t.match(r.stdout, /✗ query: Не удалось прочитать данные, загруженные с сервера\. \[protocol\]/)
  t.match(r.stdout, /does not start with the bytes <\?xml: it starts with "<html><body>".*\[body-start\]/)
  t.match(r.stdout, /names no charset.*\[charset\]/)
})

t.test('control characters a server sends are shown escaped, never written to the terminal', async (t) => {
  const url = await fakeSite(t, {
    checkauth: { body: CHECKAUTH },
    query: { body: '<?xml version="1.0"?><КоммерческаяИнформация>\u001b[2J</КоммерческаяИнформация>', contentType: 'application/xml; charset=UTF-8' },
  })
  const r = await run(['--url', url, '--login', 'x', '--password', 'y'])
  t.equal(r.code, 1)
  t.notMatch(r.stdout, /\u001b/)
  t.match(r.stdout, /forbidden-character/)
})

t.test('a service that cannot be reached is a problem, exit 1', async (t) => {
  const closed = http.createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as { port: number }
  await new Promise((resolve) => closed.close(resolve))
  const r = await run(['--url', `http://127.0.0.1:${port}/1c_exchange`, '--login', 'x', '--password', 'y'])
  t.equal(r.code, 1)
  t.match(r.stdout, /✗ Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\. \[transport\]/)
})

t.test('usage errors exit 2 and print the usage to stderr', async (t) => {
  const cases: string[][] = [
    [],
    ['--url', 'http://h/1c_exchange', '--login', 'l'],
    ['--url', 'http://h/1c_exchange', '--login', 'l', '--password', 'p', '--profile', 'ka2'],
    ['--url', 'http://h/1c_exchange', '--login', 'l', '--password', 'p', '--profile', 'bitrix'],
    ['--url', 'http://h/1c_exchange?type=sale', '--login', 'l', '--password', 'p'],
    ['--url', 'ftp://h/', '--login', 'l', '--password', 'p'],
    ['--url', 'http://h/1c_exchange', '--login', 'l', '--password', 'p', '--unknown'],
    ['--url', 'http://h/1c_exchange', '--login', 'l', '--password', 'p', '--upload', '/no/such/file.xml'],
  ]
  for (const argv of cases) {
    const r = await run(argv)
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.stderr, /Usage: npm run onec/, argv.join(' '))
    t.equal(r.stdout, '', 'no report')
  }
})

t.test('--help prints the usage and exits 0', async (t) => {
  const r = await run(['--help'])
  t.equal(r.code, 0)
  t.match(r.stdout, /--no-success/)
})

t.test('a bare host means /bitrix/admin/1c_exchange.php, as in 1C', async (t) => {
  t.match(parseCliArgs(['--url', 'https://1c.example.ru', '--login', 'l', '--password', 'p'], {}), {
    baseUrl: 'https://1c.example.ru',
    path: '/bitrix/admin/1c_exchange.php',
  })
  t.match(parseCliArgs(['--url', 'https://1c.example.ru/olvery/1c_exchange', '--login', 'l', '--password', 'p'], {}), {
    path: '/olvery/1c_exchange',
  })
})

t.test('progress goes to stderr on a terminal, and nowhere otherwise', async (t) => {
  const { args } = await setup(0)
  t.equal((await run(args)).stderr, '')
  const tty = await run(args, { tty: true })
  t.match(tty.stderr, /1\. checkauth… 200 "success" \d+ ms\n {2}2\. query… 200 "<\?xml/)
  t.notMatch(tty.stdout, /checkauth…/, 'not mixed into the report')
})

t.test('the command runs as a script (npm run onec) and exits 2 on a usage error', async (t) => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/onec-client/onec.cli.ts', '--url', 'http://h/'], {
    cwd: root,
    env: { ...process.env, ONEC_PASSWORD: '' },
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.equal(code, 2)
  t.match(stderr, /--login is required/)
})
