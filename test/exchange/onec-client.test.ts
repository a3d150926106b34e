/**
 * The test 1C client itself: it must fail where 1C fails (PROTOCOL.md §3, §4, §6), or the protocol tests prove
 * nothing. Answers are played by a fake server; the last test runs the client over real HTTP (fetch).
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import iconv from 'iconv-lite'
import t from 'tap'
import { createIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { OneCClient, parseXml, readDocuments, type InjectTarget, type OneCProfile } from '../helpers/onec-client.js'

const GOLDEN = new URL('../../../shared/commerceml/examples/order-service-card.xml', import.meta.url)

interface Answer {
  status?: number
  contentType?: string
  body: string | Buffer
}

/** A fake site: answers by mode, records the requests. */
function fakeSite(answers: Record<string, Answer>) {
  const requests: Array<{ method: string; url: string; headers: Record<string, string> }> = []
  const target: InjectTarget = {
    async inject({ method, url, headers }) {
      requests.push({ method, url, headers })
      const mode = /[?&]mode=([^&]*)/.exec(url)?.[1] ?? ''
      const answer = answers[mode] ?? { body: 'failure\nno such mode' }
      const rawPayload = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body, 'utf8')
      return {
        statusCode: answer.status ?? 200,
        headers: { 'content-type': answer.contentType ?? 'text/plain; charset=UTF-8', 'content-length': rawPayload.length },
        rawPayload,
      }
    },
  }
  return { target, requests }
}

const CHECKAUTH = { body: 'success\nOLVERY1C\nabcDEF123\nsessid=XYZ789\n' }
const XML = { contentType: 'application/xml; charset=UTF-8', body: '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08"/>' }

const client = (site: ReturnType<typeof fakeSite>, profile: OneCProfile, extra: Partial<ConstructorParameters<typeof OneCClient>[0]> = {}) =>
  new OneCClient({ inject: site.target, login: 'l', password: 'p', profile, ...extra })

t.test('the XML reader lists the documents of the golden order file', async (t) => {
  const root = parseXml(fs.readFileSync(GOLDEN, 'utf8'))
  const [doc] = readDocuments(root)
  t.match(doc, { number: 'A-000123', operation: 'Заказ товара', currency: 'RUB', sum: '12000.00', date: '2025-03-14' })
  t.equal(doc?.lines.length, 2)
  t.equal(doc?.requisites['Заказ оплачен'], 'true')
})

t.test('the XML reader is strict where 1C is: forbidden characters, unknown entities, broken nesting', async (t) => {
  for (const bad of ['<a>\u0001</a>', '<a>&nbsp;</a>', '<a><b></a></b>', '<a/><b/>', '<a>', '<a>x & y</a>']) {
    t.throws(() => parseXml(bad), bad)
  }
  t.equal(parseXml('<a>&lt;&#x20BD;&#8381;<![CDATA[<x>]]></a>').text, '<₽₽<x>')
})

t.test('УТ 11 sends the cookie of lines 2 and 3 untrimmed, and sessid only with its node option', async (t) => {
  const site = fakeSite({ checkauth: CHECKAUTH, query: XML, success: { body: 'success\n' } })
  const plain = client(site, 'ut11')
  const result = await plain.exchange()
  t.same(result.problems, [])
  t.same(site.requests.map((r) => r.url), ['/1c_exchange?type=sale&mode=checkauth', '/1c_exchange?type=sale&mode=query', '/1c_exchange?type=sale&mode=success'])
  t.equal(site.requests[1]?.headers['cookie'], 'OLVERY1C=abcDEF123')
  t.equal(site.requests[0]?.headers['cookie'], undefined)
  site.requests.length = 0
  await client(site, 'ut11', { useSessionId: true }).exchange()
  t.equal(site.requests[1]?.url, '/1c_exchange?type=sale&mode=query&sessid=XYZ789')
})

t.test('УНФ runs init on the download and appends "&" + line 4 verbatim', async (t) => {
  const site = fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=1024' }, query: XML, success: { body: 'success\n' } })
  const result = await client(site, 'unf', { subordinateDocuments: true }).exchange()
  t.same(result.problems, [])
  t.same(site.requests.map((r) => r.url), [
    '/1c_exchange?type=sale&mode=checkauth',
    '/1c_exchange?type=sale&mode=init&sessid=XYZ789&cmlVersion=2.10',
    '/1c_exchange?type=sale&mode=query&sessid=XYZ789',
    '/1c_exchange?type=sale&mode=success&sessid=XYZ789',
  ])
})

t.test('a checkauth answer with CRLF, or not starting with success, stops the exchange', async (t) => {
  const crlf = fakeSite({ checkauth: { body: 'success\r\nOLVERY1C\r\nabc\r\nsessid=x\r\n' } })
  t.match((await client(crlf, 'ut11').exchange()).problems, [/not plain tokens/])
  const refused = fakeSite({ checkauth: { status: 401, body: 'failure\nWrong login' } })
  t.match((await client(refused, 'unf').exchange()).problems, [/Авторизация не выполнена.*Wrong login/s])
})

t.test('a query body is data only if it starts with <?xml (УНФ also <КоммерческаяИнформация); a BOM breaks it', async (t) => {
  const bare = { contentType: 'application/xml; charset=UTF-8', body: '<КоммерческаяИнформация ВерсияСхемы="2.08"/>' }
  const bom = { contentType: 'application/xml; charset=UTF-8', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML.body)]) }
  const html = { contentType: 'text/html', body: '<html>Error</html>' }
  const cases: Array<[OneCProfile, Answer, boolean, Partial<ConstructorParameters<typeof OneCClient>[0]>?]> = [
    ['ut11', XML, true],
    ['ut11', bare, false],
    ['unf', bare, true],
    ['ut11', bom, false],
    ['ut11', bom, true, { stripBom: true }],
    ['ut11', html, false],
    ['unf', { body: '' }, false],
  ]
  for (const [profile, query, ok, extra] of cases) {
    const site = fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=1024' }, query, success: { body: 'success\n' } })
    const result = await client(site, profile, extra).exchange()
    t.equal(result.problems.length === 0, ok, `${profile} ${JSON.stringify(String(query.body).slice(0, 20))}`)
    t.equal(result.successSent, ok, 'success only after a load')
  }
})

t.test('a query document in windows-1251 is decoded by its Content-Type charset', async (t) => {
  const body = iconv.encode('<?xml version="1.0" encoding="windows-1251"?><КоммерческаяИнформация><b>Заказ</b></КоммерческаяИнформация>', 'win1251')
  const site = fakeSite({ checkauth: CHECKAUTH, query: { contentType: 'application/xml; charset=windows-1251', body } })
  const c = client(site, 'ut11')
  await c.checkauth()
  const query = await c.query()
  t.match(query.document, /<b>Заказ<\/b>/)
})

t.test('УНФ fails the exchange on a failure answer to success; УТ 11 ignores it', async (t) => {
  const answers = { checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=1024' }, query: XML, success: { body: 'failure\nno batch' } }
  t.same((await client(fakeSite(answers), 'ut11').exchange()).problems, [])
  t.match((await client(fakeSite(answers), 'unf').exchange()).problems, [/no batch/])
})

t.test('an init answer for uploads must have exactly 2 lines for УТ 11 (a trailing LF is one too many), 2 or more for УНФ', async (t) => {
  for (const [profile, body, ok] of [
    ['ut11', 'zip=no\nfile_limit=1024', true],
    ['ut11', 'zip=no\nfile_limit=1024\n', false],
    ['ut11', 'zip=no\nfile_limit=1024\nsessid=x\nversion=2.09', false],
    ['unf', 'zip=no\nfile_limit=1024\nsessid=x\nversion=2.09', true],
    ['unf', 'zip=no', false],
  ] as const) {
    const c = client(fakeSite({ checkauth: CHECKAUTH, init: { body } }), profile)
    await c.checkauth()
    t.equal((await c.init('upload')).ok, ok, `${profile} ${JSON.stringify(body)}`)
  }
})

t.test('uploads: УНФ puts sessid before mode; chunks follow file_limit; a failure stops the upload', async (t) => {
  const site = fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=4' }, file: { body: 'success\n' }, import: { body: 'success\n' } })
  const result = await client(site, 'unf').uploadCycle('orders-1_1.xml', Buffer.from('0123456789'))
  t.ok(result.ok)
  const files = site.requests.filter((r) => r.url.includes('mode=file'))
  t.equal(files.length, 3)
  t.equal(files[0]?.url, '/1c_exchange?type=sale&sessid=XYZ789&mode=file&filename=orders-1_1.xml')
  t.equal(files[0]?.method, 'POST')
  t.equal(files[0]?.headers['content-type'], undefined, '1C sets no Content-Type')
  const failing = fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=4' }, file: { body: 'failure\ndisk full' } })
  const stopped = await client(failing, 'ut11').uploadCycle('orders-1_1.xml', Buffer.from('0123456789'))
  t.notOk(stopped.ok)
  t.equal(failing.requests.filter((r) => r.url.includes('mode=file')).length, 1)
})

const CML31 = {
  contentType: 'application/xml; charset=UTF-8',
  body: fs.readFileSync(new URL('../onec-client/fixtures/cml31-order.xml', import.meta.url)),
}

t.test('the 1C-Bitrix module profile asks for 3.1 at init and reads each Документ inside its Контейнер', async (t) => {
  const site = fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=1024\nsessid=XYZ789\nversion=3.1' }, query: CML31, success: { body: 'success\n' } })
  const result = await client(site, 'bitrix-module').exchange()
  t.same(result.problems, [])
  t.same(site.requests.map((r) => r.url), [
    '/1c_exchange?type=sale&mode=checkauth',
    '/1c_exchange?type=sale&mode=init&sessid=XYZ789&version=3.1',
    '/1c_exchange?type=sale&mode=query&sessid=XYZ789',
    '/1c_exchange?type=sale&mode=success&sessid=XYZ789',
  ])
  t.same(result.documents.map((d) => d.number), ['B-31001', 'B-31002'])
  t.match(result.documents[0], { operation: 'Заказ товара', currency: 'RUB', sum: '1500.00', comment: 'Ключи у охраны', lines: [{ id: 'service-1', quantity: '1' }] })
  t.equal(result.documents[1]?.requisites['Заказ оплачен'], 'true')
})

t.test('each client sees only its own layout: 2.x clients miss a 3.1 answer, the module misses a 2.08 one', async (t) => {
  const golden = { contentType: 'application/xml; charset=UTF-8', body: fs.readFileSync(GOLDEN) }
  const cases: Array<[OneCProfile, Answer, number, number]> = [
    ['ut11', CML31, 0, 2],
    ['unf', CML31, 0, 2],
    ['bitrix-module', golden, 0, 1],
    ['ut11', golden, 1, 0],
    ['bitrix-module', CML31, 2, 0],
  ]
  for (const [profile, answer, read, unseen] of cases) {
    const c = client(fakeSite({ checkauth: CHECKAUTH, init: { body: 'zip=no\nfile_limit=1024' }, query: answer }), profile)
    await c.checkauth()
    if (c.bitrixProtocol) await c.init('download')
    const query = await c.query()
    t.ok(query.ok, profile)
    t.equal(query.documents.length, read, `${profile} reads ${read}`)
    t.equal(query.unseen, unseen, `${profile} does not see ${unseen}`)
    if (read === 0) t.same(query.notes, ['Нет документов для обработки'], '1C would say there is nothing to load')
  }
})

t.test('the XML reader takes prefixed names by their local name and refuses a DOCTYPE', async (t) => {
  const root = parseXml('<?xml version="1.0"?><c:КоммерческаяИнформация xmlns:c="urn:1C.ru:commerceml_3"><c:Контейнер><c:Документ><c:Номер>B-1</c:Номер></c:Документ></c:Контейнер></c:КоммерческаяИнформация>')
  t.same(readDocuments(root).map((d) => d.number), ['B-1'])
  t.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), /DOCTYPE/)
})

t.test('over real HTTP (fetch), the client runs a download and an upload against the service', async (t) => {
  const { app, databases } = await buildTestApp(t)
  const created = await createIntegration(databases.db, {
    name: 'По сети',
    companyId: randomUUID(),
    locationId: randomUUID(),
    settings: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Оплата картой' },
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  for (const profile of ['ut11', 'unf'] as const) {
    const http = new OneCClient({ baseUrl: address, path: '/bitrix/admin/1c_exchange.php', login: created.login, password: created.password, profile })
    const download = await http.exchange()
    t.same(download.problems, [], `${profile} download`)
    const upload = await http.uploadCycle(`orders-${profile}_1.xml`, Buffer.from('<?xml version="1.0"?><КоммерческаяИнформация/>'), 7)
    t.same(upload.problems, [], `${profile} upload`)
  }
})
