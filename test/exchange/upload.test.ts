/**
 * Uploads from 1C (PROTOCOL.md §1.3, §3.5, §3.6, §8): `file` chunks are stored raw and appended in order whatever their
 * Content-Type, within `file_limit` per chunk and a limit per session; `import` completes the file (size, sha256) and
 * imports it (what it imports is tested in test/import/); a body over `file_limit` is answered with a failure 1C can
 * read, over a real socket too. FILE_LIMIT_BYTES is 1024 here so the limits are cheap to reach.
 */
import { createHash, randomUUID } from 'node:crypto'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { DISCARD_FACTOR } from '../../src/exchange/raw-body.js'
import { createIntegration } from '../helpers/integrations.js'
import { buildTestApp } from '../helpers/build-app.js'
import { OneCClient } from '../helpers/onec-client.js'

const SETTINGS = { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Оплата картой' }
const FILE_LIMIT = 1024
/** The smallest file `import` accepts: CommerceML without documents. */
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07"/>'

const { app, databases } = await buildTestApp(t, { env: { FILE_LIMIT_BYTES: String(FILE_LIMIT) } })
const created = await createIntegration(databases.db, {
  name: 'Бухгалтерия',
  companyId: randomUUID(),
  locationId: randomUUID(),
  settings: SETTINGS,
})

interface Session {
  cookie: string
  sessionId: string
}

async function openSession(): Promise<Session> {
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  const step = await client.checkauth()
  if (!step.ok) throw new Error(step.problem)
  const sessionId = (
    await databases.db
      .selectFrom('sessions')
      .select('id')
      .where('cookie_hash', '=', createHash('sha256').update(step.cookieValue!).digest('hex'))
      .executeTakeFirstOrThrow()
  ).id
  return { cookie: `${step.cookieName}=${step.cookieValue}`, sessionId }
}

function post(session: Session, filename: string, payload: Buffer | string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/1c_exchange?type=sale&mode=file&filename=${filename}`,
    headers: { cookie: session.cookie, ...headers },
    payload,
  })
}

const importFile = (session: Session, filename: string) =>
  app.inject({ method: 'GET', url: `/1c_exchange?type=sale&mode=import&filename=${filename}`, headers: { cookie: session.cookie } })

async function storedUpload(sessionId: string, filename: string) {
  const upload = await databases.db
    .selectFrom('uploads')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('filename', '=', filename)
    .executeTakeFirst()
  if (!upload) return null
  const chunks = await databases.db
    .selectFrom('upload_chunks')
    .select(['seq', 'data'])
    .where('upload_id', '=', upload.id)
    .orderBy('seq')
    .execute()
  return { upload, chunks, bytes: Buffer.concat(chunks.map((c) => c.data)) }
}

t.test('chunks without Content-Type are appended in order, byte for byte, across a split UTF-8 character', async (t) => {
  const s = await openSession()
  const file = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07"/>\n', 'utf8')
  const cut = file.indexOf(Buffer.from('К', 'utf8')) + 1 // inside the two bytes of «К»
  const parts = [file.subarray(0, cut), file.subarray(cut, cut + 7), file.subarray(cut + 7)]
  for (const part of parts) {
    const res = await post(s, 'orders-0b9c_1.xml', part)
    t.equal(res.statusCode, 200)
    t.equal(res.body, 'success\n')
  }
  const stored = await storedUpload(s.sessionId, 'orders-0b9c_1.xml')
  t.same(stored?.chunks.map((c) => c.seq), [1, 2, 3])
  t.ok(stored?.bytes.equals(file), 'stored bytes are exactly the file')
  t.equal(stored?.upload.status, 'receiving')
  t.equal(stored?.upload.integration_id, created.integration.id)

  const imported = await importFile(s, 'orders-0b9c_1.xml')
  t.equal(imported.body, 'success\n')
  const after = await storedUpload(s.sessionId, 'orders-0b9c_1.xml')
  t.equal(after?.upload.status, 'imported')
  t.equal(after?.upload.byte_count, file.length)
  t.equal(after?.upload.chunk_count, 3)
  t.equal(after?.upload.sha256, createHash('sha256').update(file).digest('hex'))
})

t.test('bodies with odd content types are stored raw, never parsed', async (t) => {
  const s = await openSession()
  const cases: Array<[string, string]> = [
    ['application/json', '{"not": json at all'],
    ['text/plain; charset=windows-1251', 'текст'],
    ['application/x-www-form-urlencoded', 'a=1&b=%ZZ'],
    ['multipart/form-data; boundary=x', '--x\r\nnot really\r\n'],
    ['application/octet-stream', '\u0000\u0001binary'],
    ['application/xml', '<?xml version="1.0"?><a/>'],
    ['nonsense', 'a header Fastify cannot parse'],
    ['text/plain; charset', 'a broken parameter'],
  ]
  for (const [index, [contentType, body]] of cases.entries()) {
    const name = `odd-${index}.xml`
    const res = await post(s, name, Buffer.from(body, 'utf8'), { 'content-type': contentType })
    t.equal(res.body, 'success\n', contentType)
    t.ok((await storedUpload(s.sessionId, name))?.bytes.equals(Buffer.from(body, 'utf8')), `${contentType} stored raw`)
  }
})

t.test('a chunk over file_limit gets a failure naming the limit, and the service answers afterwards', async (t) => {
  const s = await openSession()
  const res = await post(s, 'big.xml', Buffer.alloc(FILE_LIMIT + 1, 0x41))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; charset=UTF-8')
  t.match(res.body, new RegExp(`^failure\\n.*file_limit=${FILE_LIMIT}`))
  t.equal(await storedUpload(s.sessionId, 'big.xml'), null, 'nothing stored')
  const json = await post(s, 'big.json', Buffer.alloc(FILE_LIMIT + 1, 0x41), { 'content-type': 'application/json' })
  t.match(json.body, /^failure\n.*file_limit=/)
  const next = await post(s, 'small.xml', Buffer.alloc(FILE_LIMIT, 0x41))
  t.equal(next.body, 'success\n', 'a chunk of exactly file_limit is accepted afterwards')
})

t.test('bad filenames are refused; directory prefixes are stripped to the base name', async (t) => {
  const s = await openSession()
  for (const filename of ['../x.xml', 'a%20b.xml', '..', 'dir/../x.xml', 'a%00.xml', '%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7.xml', '']) {
    const res = await post(s, filename, '<a/>')
    t.equal(res.statusCode, 200, filename)
    t.match(res.body, /^failure\n/, filename)
  }
  const missing = await app.inject({ method: 'POST', url: '/1c_exchange?type=sale&mode=file', headers: { cookie: s.cookie }, payload: '<a/>' })
  t.equal(missing.body, 'failure\nThe filename parameter is missing.')

  for (const [filename, base] of [
    ['dir/orders-1_1.xml', 'orders-1_1.xml'],
    ['/tmp/v8_ABC/orders-2_1.xml', 'orders-2_1.xml'],
    ['C:%5CTemp%5Corders-3_1.xml', 'orders-3_1.xml'],
  ] as const) {
    t.equal((await post(s, filename, EMPTY)).body, 'success\n', filename)
    t.ok((await storedUpload(s.sessionId, base))?.bytes.equals(Buffer.from(EMPTY)), `${filename} stored as ${base}`)
  }
  t.equal((await importFile(s, 'dir/orders-1_1.xml')).body, 'success\n', 'import strips the prefix the same way')
})

t.test('an empty chunk, and a file mode without a body, get a failure', async (t) => {
  const s = await openSession()
  t.match((await post(s, 'empty.xml', Buffer.alloc(0))).body, /^failure\nEmpty file chunk/)
  const viaGet = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=file&filename=get.xml', headers: { cookie: s.cookie } })
  t.match(viaGet.body, /^failure\nNo file data/)
  t.equal(await storedUpload(s.sessionId, 'empty.xml'), null)
})

t.test('import of a file this session did not receive gets a failure', async (t) => {
  const s = await openSession()
  const res = await importFile(s, 'never-sent.xml')
  t.equal(res.statusCode, 200)
  t.equal(res.body, 'failure\nFile never-sent.xml was not received in this exchange session; send it with mode=file first.')
  const noName = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=import', headers: { cookie: s.cookie } })
  t.match(noName.body, /^failure\nThe filename parameter is missing/)
})

t.test('uploads belong to their session: another session cannot import them', async (t) => {
  const s1 = await openSession()
  const s2 = await openSession()
  t.equal((await post(s1, 'mine.xml', EMPTY)).body, 'success\n')
  t.match((await importFile(s2, 'mine.xml')).body, /^failure\nFile mine.xml was not received/)
  t.equal((await importFile(s1, 'mine.xml')).body, 'success\n')
})

t.test('a repeated import of the same file answers success again and changes nothing', async (t) => {
  const s = await openSession()
  await post(s, 'twice.xml', EMPTY)
  t.equal((await importFile(s, 'twice.xml')).body, 'success\n')
  const first = await storedUpload(s.sessionId, 'twice.xml')
  t.equal((await importFile(s, 'twice.xml')).body, 'success\n')
  const second = await storedUpload(s.sessionId, 'twice.xml')
  t.same(second?.upload, first?.upload)
})

t.test('a chunk for a file already imported in the session is refused (it is not appended to the stored file)', async (t) => {
  const s = await openSession()
  await post(s, 'done.xml', EMPTY)
  await importFile(s, 'done.xml')
  const res = await post(s, 'done.xml', '<b/>')
  t.match(res.body, /^failure\nFile done.xml was already imported/)
  t.ok((await storedUpload(s.sessionId, 'done.xml'))?.bytes.equals(Buffer.from(EMPTY)))
})

t.test('init resets the upload area: files still being received are dropped, stored files are kept', async (t) => {
  const s = await openSession()
  await post(s, 'kept.xml', EMPTY)
  await importFile(s, 'kept.xml')
  await post(s, 'half.xml', '<a>first half')
  const init = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=init', headers: { cookie: s.cookie } })
  t.equal(init.body, `zip=no\nfile_limit=${FILE_LIMIT}`)
  t.equal(await storedUpload(s.sessionId, 'half.xml'), null)
  t.equal((await storedUpload(s.sessionId, 'kept.xml'))?.upload.status, 'imported')
  t.match((await importFile(s, 'half.xml')).body, /^failure\n/)
})

t.test('a session may upload at most 64 × file_limit bytes in all', async (t) => {
  const s = await openSession()
  const chunk = Buffer.alloc(FILE_LIMIT, 0x42)
  for (let i = 0; i < 64; i++) {
    const res = await post(s, `part-${i % 4}.xml`, chunk)
    if (res.body !== 'success\n') return t.fail(`chunk ${i}: ${res.body}`)
  }
  const over = await post(s, 'part-0.xml', Buffer.from('x'))
  t.match(over.body, new RegExp(`^failure\\nUpload limit of the exchange session reached \\(${64 * FILE_LIMIT} bytes\\)`))
  const other = await openSession()
  t.equal((await post(other, 'part-0.xml', chunk)).body, 'success\n', 'a new session starts from zero')
})

t.test('file and import need a session like every other mode', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/1c_exchange?type=sale&mode=file&filename=x.xml', payload: '<a/>' })
  t.match(res.body, /^failure\nexchange session unknown or expired/)
  const imp = await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=import&filename=x.xml' })
  t.match(imp.body, /^failure\nexchange session unknown or expired/)
})

t.test('the 1C client uploads a file in file_limit chunks as УТ 11 and as УНФ do (checkauth → init → file… → import)', async (t) => {
  const xml = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07">${'<Документ><Номер>A-1</Номер></Документ>'.repeat(60)}</КоммерческаяИнформация>`,
    'utf8',
  )
  t.ok(xml.length > 3 * FILE_LIMIT, 'several chunks')
  for (const options of [
    { profile: 'ut11' as const },
    { profile: 'ut11' as const, useSessionId: true },
    { profile: 'unf' as const, subordinateDocuments: true },
  ]) {
    const client = new OneCClient({ inject: app, login: created.login, password: created.password, ...options })
    const filename = `orders-${randomUUID()}_1.xml`
    const result = await client.uploadCycle(filename, xml)
    t.same(result.problems, [], JSON.stringify(options))
    t.ok(result.ok)
    const modes = result.steps.map((s) => s.mode)
    t.same(modes.slice(0, 2), ['checkauth', 'init'])
    t.equal(modes.filter((m) => m === 'file').length, Math.ceil(xml.length / FILE_LIMIT))
    t.equal(modes[modes.length - 1], 'import')
    if (options.profile === 'unf') t.match(result.steps[2]?.url, /\?type=sale&sessid=\w+&version=2\.09&cmlVersion=2\.10&mode=file&filename=/)
    const upload = await databases.db
      .selectFrom('uploads')
      .select(['status', 'sha256', 'byte_count'])
      .where('filename', '=', filename)
      .executeTakeFirstOrThrow()
    t.same(upload, { status: 'imported', sha256: createHash('sha256').update(xml).digest('hex'), byte_count: xml.length })
  }
})

t.test('the 1C client with a Content-Type on its file POSTs uploads the same bytes', async (t) => {
  const client = new OneCClient({
    inject: app,
    login: created.login,
    password: created.password,
    fileContentType: 'application/json',
  })
  const bytes = Buffer.from(EMPTY, 'utf8')
  const result = await client.uploadCycle('orders-json_1.xml', bytes)
  t.ok(result.ok, result.problems.join('; '))
  const upload = await databases.db.selectFrom('uploads').select('sha256').where('filename', '=', 'orders-json_1.xml').executeTakeFirstOrThrow()
  t.equal(upload.sha256, createHash('sha256').update(bytes).digest('hex'))
})

// --- oversized bodies over a real socket ---------------------------------------------------------------------------

interface RawAnswer {
  /** Why a write failed (the service closed the connection while the body was being sent), or null. */
  writeError: string | null
  /** Body bytes the client managed to hand to its socket. */
  written: number
  statusLine: string
  headers: Record<string, string>
  body: string
}

const PIECE = 64 * 1024

/**
 * A `mode=file` POST written to the socket the way 1C sends one: the whole body first (chunked, or with a
 * Content-Length, `declared` when it should differ from the body), and only then the answer is read, until the
 * service closes the connection.
 */
function rawFilePost(port: number, session: Session, body: { bytes: number; chunked: boolean; declared?: number }): Promise<RawAnswer> {
  const framing = body.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.declared ?? body.bytes}`
  const head = `POST /1c_exchange?type=sale&mode=file&filename=huge.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${session.cookie}\r\n${framing}\r\n\r\n`
  return new Promise((resolve) => {
    const received: Buffer[] = []
    let writeError: string | null = null
    let written = 0
    const socket = net.connect(port, '127.0.0.1')
    const write = (data: Buffer | string) =>
      new Promise<boolean>((done) => socket.write(data, (error) => done(!error || ((writeError ??= error.message), false))))
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    socket.on('error', (error) => void (writeError ??= error.message))
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8')
      const [top = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = top.split('\r\n')
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
      resolve({ writeError, written, statusLine, headers, body: rest.join('\r\n\r\n') })
    })
    const send = async () => {
      if (!(await write(head))) return
      const piece = Buffer.alloc(PIECE, 0x43)
      while (written < body.bytes) {
        const part = piece.subarray(0, Math.min(PIECE, body.bytes - written))
        const framed = body.chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part
        if (!(await write(framed))) return
        written += part.length
      }
      if (body.chunked) await write('0\r\n\r\n')
    }
    socket.on('connect', () => void send())
  })
}

/** An app whose file_limit is larger than what the loopback's socket buffers hold: a body of 5 of them cannot sit there. */
const BIG_LIMIT = 4 * 1024 * 1024
const big = await buildTestApp(t, { env: { FILE_LIMIT_BYTES: String(BIG_LIMIT) }, databases })
await big.app.listen({ host: '127.0.0.1', port: 0 })
await app.listen({ host: '127.0.0.1', port: 0 })
const portOf = (server: typeof app) => (server.server.address() as AddressInfo).port

for (const chunked of [false, true]) {
  const form = chunked ? 'chunked' : 'with a Content-Length'
  t.test(`a body of 5 × file_limit ${form} is read to its end and answered with a failure naming the limit, then the connection closes`, async (t) => {
    const s = await openSession()
    const answer = await rawFilePost(portOf(big.app), s, { bytes: 5 * BIG_LIMIT, chunked })
    t.equal(answer.writeError, null, 'the whole body was sent: no reset, no broken pipe')
    t.equal(answer.written, 5 * BIG_LIMIT)
    t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
    t.equal(answer.headers['content-type'], 'text/plain; charset=UTF-8')
    t.equal(answer.headers['connection'], 'close')
    t.equal(answer.body, `failure\nFile chunk too large: each POST may carry at most file_limit=${BIG_LIMIT} bytes (the value answered by init).`)
    t.equal(await storedUpload(s.sessionId, 'huge.xml'), null, 'nothing stored')
  })
}

t.test(`a body larger than ${DISCARD_FACTOR} × file_limit is not read to its end: the service answers and closes`, async (t) => {
  const s = await openSession()
  // Far more than the bound and the socket buffers together: a service reading without end would take it all.
  const attempted = 64 * 1024 * 1024
  const answer = await rawFilePost(portOf(app), s, { bytes: attempted, chunked: true })
  t.not(answer.writeError, null, 'the connection was closed while the client was still sending')
  t.ok(answer.written < attempted, `${answer.written} of ${attempted} bytes written`)
  t.equal(await storedUpload(s.sessionId, 'huge.xml'), null, 'nothing stored')
})

t.test(`a Content-Length over ${DISCARD_FACTOR} × file_limit is answered at once, before any of the body`, async (t) => {
  const s = await openSession()
  // Only the headers are sent: the answer must come without the service waiting for the body.
  const answer = await rawFilePost(portOf(app), s, { bytes: 0, chunked: false, declared: DISCARD_FACTOR * FILE_LIMIT + 1 })
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
  t.equal(answer.headers['connection'], 'close')
  t.match(answer.body, new RegExp(`^failure\\nFile chunk too large: each POST may carry at most file_limit=${FILE_LIMIT} bytes`))
})

t.test('a chunk of exactly file_limit over the socket is stored, and the connection stays usable', async (t) => {
  const s = await openSession()
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(portOf(app), '127.0.0.1', () => {
      const request = (name: string) =>
        `POST /1c_exchange?type=sale&mode=file&filename=${name} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${s.cookie}\r\nContent-Length: ${FILE_LIMIT}\r\n\r\n${'D'.repeat(FILE_LIMIT)}`
      socket.write(request('exact-1.xml') + request('exact-2.xml'))
    })
    let text = ''
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
      if ((text.match(/success\n/g) ?? []).length === 2) socket.end()
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
  t.equal((answer.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 2, 'two answers on one connection')
  t.notMatch(answer, /connection: close/i)
  t.equal((await storedUpload(s.sessionId, 'exact-1.xml'))?.bytes.length, FILE_LIMIT)
  t.equal((await storedUpload(s.sessionId, 'exact-2.xml'))?.bytes.length, FILE_LIMIT)
})
