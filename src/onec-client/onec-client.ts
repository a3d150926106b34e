/**
 * A small 1C client that speaks the «exchange with site» protocol exactly as 1C does, and reads the answers exactly
 * as 1C does, so tests fail where 1C would (../shared/commerceml/PROTOCOL.md §1–§4, §6):
 *
 * - profile 'ut11' = the БЭД library of УТ 11 / КА 2 / ERP: download checkauth → query → success (no init); the
 *   checkauth lines are not trimmed; `Cookie: <line2>=<line3>`; `&sessid=<line4 without "sessid=">` only with the node
 *   option ИспользоватьИдентификаторСессии (`useSessionId`); a query body is data only if it starts with `<?xml` (or
 *   `PK`); the answer to success is not checked; uploads need an init answer of exactly 2 lines.
 * - profile 'unf' = УНФ 3.0 with the node protocol "Битрикс": download checkauth → init → query → success; `"&" + line4`
 *   verbatim on every request; a query body may also start with `<КоммерческаяИнформация`, one starting with `failure`
 *   is an error carrying its text; a success answer starting with `failure` fails the exchange; uploads put `sessid`
 *   (and `version`/`cmlVersion` with ПодчиненныеДокументы) before `mode`.
 *
 * Transport: a Fastify instance (`inject`) or a base URL (`fetch`): the tests (through test/helpers/onec-client.ts) and
 * the smoke CLI (onec.cli.ts, `npm run onec`) use this same client. It imports nothing from the service or the tests.
 * Problems are returned, not thrown, with 1C's own wording where 1C has one; only transport errors throw.
 */

export type OneCProfile = 'ut11' | 'unf'

/** Anything with Fastify's `inject` (a FastifyInstance). */
export interface InjectTarget {
  inject(options: {
    method: 'GET' | 'POST'
    url: string
    headers: Record<string, string>
    payload?: Buffer
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }>
}

export interface OneCClientOptions {
  /** A Fastify app, called through `inject`. */
  inject?: InjectTarget
  /** Or the service's base URL, e.g. `https://1c.example.ru`, called through `fetch`. */
  baseUrl?: string
  /** The exchange path (default `/1c_exchange`; 1C itself uses `/bitrix/admin/1c_exchange.php` for a bare host). */
  path?: string
  login: string
  password: string
  profile?: OneCProfile
  /** БЭД node option ИспользоватьИдентификаторСессии: append `&sessid=…` (ut11; УНФ always appends line 4). */
  useSessionId?: boolean
  /** УНФ node option ПодчиненныеДокументы: `&cmlVersion=2.10` on init, `&version=2.09&cmlVersion=2.10` on uploads. */
  subordinateDocuments?: boolean
  /**
   * Send the Basic credentials on every request, as an HTTPСоединение made with user and password would if the platform
   * sends them pre-emptively (unverified, PROTOCOL.md §10). Default true; false sends them on checkauth only.
   */
  basicOnEveryRequest?: boolean
  /** A Content-Type for `file` POSTs. 1C sets none itself (whether the platform adds one is unverified). */
  fileContentType?: string
  /** Strip a UTF-8 BOM before the `<?xml` test (whether the platform does is unverified; default false = strict). */
  stripBom?: boolean
  /** Pause between import polls answered `progress` (УНФ waits 5 s; default 0). */
  importPollDelayMs?: number
  /** Give up after this many `progress` answers (default 20). */
  maxImportPolls?: number
  /**
   * `fetch` only: abort a request after this many milliseconds, as the HTTPСоединение timeout does (180 s in БЭД,
   * 1800 s in УНФ, PROTOCOL.md §2). Default: no timeout.
   */
  timeoutMs?: number
}

export interface OneCResponse {
  method: 'GET' | 'POST'
  url: string
  statusCode: number
  contentType: string | null
  headers: Record<string, string>
  body: Buffer
  /** The body as 1C's ПолучитьТелоКакСтроку() would give it (charset from Content-Type; UTF-8 when absent). */
  text: string
}

export interface OneCStep {
  mode: string
  url: string
  statusCode: number
  /** As 1C sees it: the step succeeded and the exchange goes on. */
  ok: boolean
  /** Line 1 of a text answer, trimmed and lower-cased as 1C compares it. */
  keyword: string
  /** What 1C would report. */
  problem?: string
  response: OneCResponse
}

export interface CheckauthStep extends OneCStep {
  /** The lines of the answer, not trimmed (БЭД does not trim them). */
  lines: string[]
  cookieName?: string
  cookieValue?: string
  /** Line 4 as given, e.g. `sessid=…`. */
  line4?: string
}

export interface InitStep extends OneCStep {
  lines: string[]
  zip: boolean
  fileLimit: number | null
}

/** One `Документ` of the answer, read by name as 1C's untyped XDTO tree is (PROTOCOL.md §5.1). */
export interface OneCDocument {
  id: string | undefined
  number: string | undefined
  date: string | undefined
  time: string | undefined
  operation: string | undefined
  role: string | undefined
  currency: string | undefined
  rate: string | undefined
  sum: string | undefined
  comment: string | undefined
  counterparties: string[]
  lines: Array<{ id: string | undefined; name: string | undefined; quantity: string | undefined; price: string | undefined; sum: string | undefined }>
  /** ЗначенияРеквизитов: Наименование → Значение (the first value). */
  requisites: Record<string, string>
  element: XmlElement
}

export interface QueryStep extends OneCStep {
  /** The decoded document text, when 1C would have read it as data. */
  document: string | null
  documents: OneCDocument[]
  /** Informational messages 1C would log, e.g. "Нет документов для обработки". */
  notes: string[]
}

export interface ExchangeResult {
  steps: OneCStep[]
  /** The query answer as text, or null when none was read. */
  document: string | null
  documents: OneCDocument[]
  documentCount: number
  /** Everything 1C would report as an error; empty when the exchange went through. */
  problems: string[]
  /** Whether `success` was sent (1C sends it only after the whole load committed). */
  successSent: boolean
}

export interface UploadResult {
  steps: OneCStep[]
  ok: boolean
  problems: string[]
}

// ---------------------------------------------------------------------------------------------------------------

const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i

function charsetOf(contentType: string | null): string | null {
  return contentType ? (CONTENT_TYPE_CHARSET.exec(contentType)?.[1] ?? null) : null
}

function decodeWith(body: Buffer, charset: string): string | null {
  try {
    return new TextDecoder(charset, { ignoreBOM: true }).decode(body)
  } catch {
    return null // unknown label
  }
}

/** Splits as СтрПолучитьСтроку/СтрЧислоСтрок do for LF text; a trailing LF counts as one more (empty) line. */
function linesOf(text: string): string[] {
  return text.split('\n')
}

function keywordOf(text: string): string {
  return (linesOf(text)[0] ?? '').trim().toLowerCase()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class OneCClient {
  readonly profile: OneCProfile
  readonly path: string
  /** The session from the last checkauth; tests may overwrite it to play a broken or foreign client. */
  session: { cookieName: string; cookieValue: string; line4: string } | null = null
  /** `file_limit` from the last init, the default chunk size of uploads. */
  fileLimit: number | null = null

  constructor(private readonly options: OneCClientOptions) {
    if (!options.inject && !options.baseUrl) throw new Error('OneCClient needs inject (a Fastify app) or baseUrl')
    this.profile = options.profile ?? 'ut11'
    this.path = options.path ?? '/1c_exchange'
  }

  // --- transport --------------------------------------------------------------------------------------------

  private basicHeader(): string {
    return `Basic ${Buffer.from(`${this.options.login}:${this.options.password}`, 'utf8').toString('base64')}`
  }

  /**
   * One request as 1C makes it: the given query string, `Cookie: <line2>=<line3>` of the current session, Basic
   * credentials (see `basicOnEveryRequest`), and for POST the raw body.
   */
  async request(
    query: string,
    init: { method?: 'GET' | 'POST'; body?: Buffer; headers?: Record<string, string>; basic?: boolean; cookie?: boolean } = {},
  ): Promise<OneCResponse> {
    const method = init.method ?? 'GET'
    const url = `${this.path}?${query}`
    const headers: Record<string, string> = {}
    if (init.cookie !== false && this.session) headers['cookie'] = `${this.session.cookieName}=${this.session.cookieValue}`
    if (init.basic ?? this.options.basicOnEveryRequest ?? true) headers['authorization'] = this.basicHeader()
    Object.assign(headers, init.headers)

    let statusCode: number
    let responseHeaders: Record<string, string> = {}
    let body: Buffer
    if (this.options.inject) {
      const res = await this.options.inject.inject({
        method,
        url,
        headers,
        ...(init.body !== undefined ? { payload: init.body } : {}),
      })
      statusCode = res.statusCode
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
      }
      body = res.rawPayload
    } else {
      const res = await fetch(new URL(url, this.options.baseUrl), {
        method,
        headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(this.options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(this.options.timeoutMs) } : {}),
      })
      statusCode = res.status
      responseHeaders = Object.fromEntries([...res.headers.entries()].map(([k, v]) => [k.toLowerCase(), v]))
      body = Buffer.from(await res.arrayBuffer())
    }
    const contentType = responseHeaders['content-type'] ?? null
    return { method, url, statusCode, contentType, headers: responseHeaders, body, text: this.decode(body, contentType) }
  }

  /**
   * ПолучитьТелоКакСтроку(): the charset of Content-Type (UTF-8 when absent, unverified). УНФ, on a result with U+FFFD,
   * retries with the charset named in Content-Type, then windows-1251, then UTF-8 (PROTOCOL.md §4). A BOM is kept.
   */
  private decode(body: Buffer, contentType: string | null): string {
    const charset = charsetOf(contentType) ?? 'utf-8'
    let text = decodeWith(body, charset) ?? decodeWith(body, 'utf-8')!
    if (this.profile === 'unf' && text.includes('\ufffd')) {
      for (const retry of [charset, 'windows-1251', 'utf-8']) {
        const again = decodeWith(body, retry)
        if (again !== null && !again.includes('\ufffd')) {
          text = again
          break
        }
      }
    }
    return text
  }

  // --- URLs as each configuration builds them ------------------------------------------------------------------

  /** The session token suffix: УНФ `"&" + line4` verbatim; БЭД `&sessid=<line4 minus "sessid=">` when its option is on. */
  private sessidSuffix(): string {
    if (!this.session) return ''
    if (this.profile === 'unf') return `&${this.session.line4}`
    if (this.options.useSessionId) return `&sessid=${this.session.line4.replace('sessid=', '')}`
    return ''
  }

  private downloadQuery(mode: 'init' | 'query' | 'success'): string {
    let query = `type=sale&mode=${mode}${this.sessidSuffix()}`
    if (mode === 'init' && this.profile === 'unf' && this.options.subordinateDocuments) query += '&cmlVersion=2.10'
    return query
  }

  /** Uploads: УНФ puts sessid and the versions before mode; `filename` is appended unencoded (PROTOCOL.md §1.3, §2). */
  private uploadQuery(mode: 'init' | 'file' | 'import', filename?: string): string {
    const name = filename === undefined ? '' : `&filename=${filename}`
    if (this.profile === 'unf') {
      const versions = this.options.subordinateDocuments ? '&version=2.09&cmlVersion=2.10' : ''
      return `type=sale${this.sessidSuffix()}${versions}&mode=${mode}${name}`
    }
    return `type=sale&mode=${mode}${name}${this.sessidSuffix()}`
  }

  private step(mode: string, response: OneCResponse, ok: boolean, problem?: string): OneCStep {
    const step: OneCStep = { mode, url: response.url, statusCode: response.statusCode, ok, keyword: keywordOf(response.text), response }
    if (problem !== undefined) step.problem = problem
    return step
  }

  // --- modes ---------------------------------------------------------------------------------------------------

  /** PROTOCOL.md §3.1. `type` is `sale`, or `catalog` for the node's connection test. */
  async checkauth(options: { type?: string } = {}): Promise<CheckauthStep> {
    this.session = null
    const response = await this.request(`type=${options.type ?? 'sale'}&mode=checkauth`, { basic: true, cookie: false })
    const lines = linesOf(response.text)
    const base = { lines }
    if (keywordOf(response.text) !== 'success') {
      // БЭД: "Авторизация не выполнена… Проверьте имя пользователя и пароль"; УНФ shows the body.
      const shown = this.profile === 'unf' ? `: ${response.text}` : ''
      return { ...this.step('checkauth', response, false, `Авторизация не выполнена. Проверьте имя пользователя и пароль${shown}`), ...base }
    }
    const cookieName = lines[1] ?? ''
    const cookieValue = lines[2] ?? ''
    const line4 = lines[3] ?? ''
    // Not trimmed: a CR or space would end up in the Cookie header 1C builds.
    if (!/^[A-Za-z0-9_-]+$/.test(cookieName) || !/^[A-Za-z0-9_-]+$/.test(cookieValue)) {
      return { ...this.step('checkauth', response, false, 'Cookie lines of the checkauth answer are not plain tokens'), ...base, cookieName, cookieValue, line4 }
    }
    if (this.profile === 'unf' && !line4.startsWith('sessid=')) {
      return { ...this.step('checkauth', response, false, 'Line 4 of the checkauth answer is not sessid=<token>'), ...base, cookieName, cookieValue, line4 }
    }
    this.session = { cookieName, cookieValue, line4 }
    return { ...this.step('checkauth', response, true), ...base, cookieName, cookieValue, line4 }
  }

  /**
   * PROTOCOL.md §3.2. For an upload БЭД needs exactly 2 lines, УНФ at least 2; on УНФ's download path only "a body came
   * back" is checked. `zip=yes` on line 1 allows zip; `file_limit=` on line 2 is the chunk size.
   */
  async init(purpose: 'download' | 'upload' = this.profile === 'unf' ? 'download' : 'upload'): Promise<InitStep> {
    const response = await this.request(purpose === 'download' ? this.downloadQuery('init') : this.uploadQuery('init'))
    const lines = linesOf(response.text)
    const zip = (lines[0] ?? '').trim().toLowerCase() === 'zip=yes'
    const limitText = (lines[1] ?? '').replace('file_limit=', '').trim()
    const fileLimit = /^\d+$/.test(limitText) ? Number(limitText) : null
    let problem: string | undefined
    if (response.body.length === 0) problem = 'Получен пустой ответ сервера'
    else if (purpose === 'upload') {
      const lineCountOk = this.profile === 'ut11' ? lines.length === 2 : lines.length >= 2
      if (!lineCountOk || fileLimit === null) problem = 'Не удалось прочитать ответ сервера. Параметры обмена не получены'
    }
    if (problem === undefined && fileLimit !== null) this.fileLimit = fileLimit
    return { ...this.step('init', response, problem === undefined, problem), lines, zip, fileLimit }
  }

  /** PROTOCOL.md §3.3: the body is decoded to a string and tested by its first characters. */
  async query(): Promise<QueryStep> {
    const response = await this.request(this.downloadQuery('query'))
    const fail = (problem: string): QueryStep => ({ ...this.step('query', response, false, problem), document: null, documents: [], notes: [] })
    let text = response.text
    if (this.options.stripBom && text.startsWith('\ufeff')) text = text.slice(1)
    if (response.body.length === 0) return fail('Получен пустой ответ сервера')
    if (this.profile === 'unf' && keywordOf(text) === 'failure') return fail(`Ошибка на сервере: ${linesOf(text).slice(1).join(' ')}`)
    if (text.startsWith('PK')) return fail('zip answers are not supported by this test client')
    const isXml = text.startsWith('<?xml') || (this.profile === 'unf' && text.startsWith('<КоммерческаяИнформация'))
    if (!isXml) return fail('Не удалось прочитать данные, загруженные с сервера.')
    let root: XmlElement
    try {
      root = parseXml(text)
    } catch (error) {
      // ПрочитатьXML fails: the whole batch fails and no success is sent (PROTOCOL.md §6).
      return fail(`Ошибка разбора XML: ${(error as Error).message}`)
    }
    if (root.name !== 'КоммерческаяИнформация') return fail(`Unexpected root element ${root.name}`)
    const documents = readDocuments(root)
    const notes = documents.length === 0 ? ['Нет документов для обработки'] : []
    return { ...this.step('query', response, true), document: text, documents, notes }
  }

  /** PROTOCOL.md §3.4: БЭД only checks that an answer arrived; УНФ fails on a missing answer or one starting `failure`. */
  async success(): Promise<OneCStep> {
    const response = await this.request(this.downloadQuery('success'))
    if (this.profile === 'unf' && (response.body.length === 0 || keywordOf(response.text) === 'failure')) {
      return this.step('success', response, false, `Ошибка подтверждения на сервере: ${response.text}`)
    }
    return this.step('success', response, true)
  }

  /**
   * PROTOCOL.md §3.5, §8 (РазделитьФайлыНаФрагменты): the file cut into consecutive byte ranges of `chunkSize`
   * (default: `file_limit` from init), each POSTed with the same filename. Stops at the first chunk not answered
   * `success`: БЭД's "Не получен статус завершения операции", or the site's failure.
   */
  async upload(filename: string, bytes: Buffer, chunkSize = this.fileLimit ?? 1024 * 1024): Promise<UploadResult> {
    if (!(chunkSize > 0)) throw new Error('chunkSize must be positive')
    const steps: OneCStep[] = []
    for (let offset = 0; offset < bytes.length || (offset === 0 && bytes.length === 0); offset += chunkSize) {
      const chunk = bytes.subarray(offset, offset + chunkSize)
      const headers: Record<string, string> = {}
      if (this.options.fileContentType) headers['content-type'] = this.options.fileContentType
      const response = await this.request(this.uploadQuery('file', filename), { method: 'POST', body: chunk, headers })
      const keyword = keywordOf(response.text)
      if (keyword !== 'success') {
        const problem = keyword === 'failure' ? `Ошибка на сервере: ${linesOf(response.text).slice(1).join(' ')}` : 'Не получен статус завершения операции'
        steps.push(this.step('file', response, false, problem))
        return { steps, ok: false, problems: [problem] }
      }
      steps.push(this.step('file', response, true))
      if (bytes.length === 0) break
    }
    return { steps, ok: true, problems: [] }
  }

  /** PROTOCOL.md §3.6: repeated while the answer is `progress` (БЭД at once, УНФ after 5 s). */
  async import(filename: string): Promise<UploadResult> {
    const steps: OneCStep[] = []
    const maxPolls = this.options.maxImportPolls ?? 20
    for (let poll = 0; poll < maxPolls; poll++) {
      const response = await this.request(this.uploadQuery('import', filename))
      const keyword = keywordOf(response.text)
      if (keyword === 'progress') {
        steps.push(this.step('import', response, true))
        if (this.options.importPollDelayMs) await sleep(this.options.importPollDelayMs)
        continue
      }
      if (keyword === 'success') {
        steps.push(this.step('import', response, true))
        return { steps, ok: true, problems: [] }
      }
      const problem = keyword === 'failure' ? `Ошибка на сервере: ${linesOf(response.text).slice(1).join(' ')}` : 'Не получен статус завершения операции'
      steps.push(this.step('import', response, false, problem))
      return { steps, ok: false, problems: [problem] }
    }
    return { steps, ok: false, problems: [`import still in progress after ${maxPolls} polls`] }
  }

  // --- whole runs ----------------------------------------------------------------------------------------------

  /**
   * One download run (PROTOCOL.md §1.1 / §1.2): checkauth → [init, УНФ] → query → success. `load` plays 1C's loading
   * transaction: if it throws, the load is rolled back and no success is sent (PROTOCOL.md §6).
   */
  async exchange(options: { load?: (documents: OneCDocument[]) => void | Promise<void> } = {}): Promise<ExchangeResult> {
    const steps: OneCStep[] = []
    const result: ExchangeResult = { steps, document: null, documents: [], documentCount: 0, problems: [], successSent: false }
    const stop = (step: OneCStep) => {
      steps.push(step)
      if (step.problem !== undefined) result.problems.push(step.problem)
      return !step.ok
    }
    if (stop(await this.checkauth())) return result
    if (this.profile === 'unf' && stop(await this.init('download'))) return result
    const query = await this.query()
    if (stop(query)) return result
    result.document = query.document
    result.documents = query.documents
    result.documentCount = query.documents.length
    if (options.load) {
      try {
        await options.load(query.documents)
      } catch (error) {
        result.problems.push(`Загрузка не выполнена: ${(error as Error).message}`)
        return result
      }
    }
    result.successSent = true
    stop(await this.success())
    return result
  }

  /** One upload portion (PROTOCOL.md §1.3): checkauth → init → file… → import…, in a session of its own. */
  async uploadCycle(filename: string, bytes: Buffer, chunkSize?: number): Promise<UploadResult> {
    const steps: OneCStep[] = []
    const auth = await this.checkauth()
    steps.push(auth)
    if (!auth.ok) return { steps, ok: false, problems: [auth.problem ?? 'checkauth failed'] }
    const init = await this.init('upload')
    steps.push(init)
    if (!init.ok) return { steps, ok: false, problems: [init.problem ?? 'init failed'] }
    const upload = await this.upload(filename, bytes, chunkSize ?? init.fileLimit ?? undefined)
    steps.push(...upload.steps)
    if (!upload.ok) return { steps, ok: false, problems: upload.problems }
    const imported = await this.import(filename)
    steps.push(...imported.steps)
    return { steps, ok: imported.ok, problems: imported.problems }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A small, strict XML reader: enough to list the documents, and strict where 1C's parser is (well-formedness, the
// characters XML 1.0 forbids, unknown entities).

export interface XmlElement {
  /** Local name (a namespace prefix is dropped). */
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text, entities decoded. */
  text: string
}

const FORBIDDEN_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (whole, entity: string | undefined) => {
    if (entity === undefined) throw new Error('bare & in text')
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10))
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
    const value = named[entity]
    if (value === undefined) throw new Error(`unknown entity ${whole}`)
    return value
  })
}

const START_TAG = /([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

export function parseXml(input: string): XmlElement {
  const forbidden = FORBIDDEN_XML_CHARS.exec(input)
  if (forbidden) throw new Error(`forbidden character U+${forbidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${forbidden.index}`)
  let pos = 0
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  const at = (s: string) => input.startsWith(s, pos)
  const skipTo = (end: string, what: string) => {
    const i = input.indexOf(end, pos)
    if (i < 0) throw new Error(`unterminated ${what}`)
    const content = input.slice(pos, i)
    pos = i + end.length
    return content
  }
  while (pos < input.length) {
    if (at('<?')) {
      skipTo('?>', 'processing instruction')
    } else if (at('<!--')) {
      skipTo('-->', 'comment')
    } else if (at('<![CDATA[')) {
      pos += 9
      const data = skipTo(']]>', 'CDATA section')
      const top = stack[stack.length - 1]
      if (!top) throw new Error('CDATA outside the root element')
      top.text += data
    } else if (at('<!')) {
      throw new Error('DOCTYPE is not allowed')
    } else if (at('</')) {
      pos += 2
      const name = skipTo('>', 'end tag').trim()
      const top = stack.pop()
      if (!top || top.name !== localName(name)) throw new Error(`end tag </${name}> does not match`)
    } else if (at('<')) {
      START_TAG.lastIndex = pos + 1
      const match = START_TAG.exec(input)
      if (!match) throw new Error(`malformed start tag at ${pos}`)
      pos = START_TAG.lastIndex
      const element: XmlElement = { name: localName(match[1]!), attributes: {}, children: [], text: '' }
      for (const attr of (match[2] ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        element.attributes[attr[1]!] = decodeEntities(attr[2] ?? attr[3] ?? '')
      }
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(element)
      else if (root) throw new Error('more than one root element')
      else root = element
      if (match[3] !== '/') stack.push(element)
    } else {
      const next = input.indexOf('<', pos)
      const raw = input.slice(pos, next < 0 ? input.length : next)
      pos = next < 0 ? input.length : next
      const top = stack[stack.length - 1]
      if (top) top.text += decodeEntities(raw)
      else if (raw.trim() !== '') throw new Error('text outside the root element')
    }
  }
  if (stack.length) throw new Error(`unclosed element <${stack[stack.length - 1]!.name}>`)
  if (!root) throw new Error('no root element')
  return root
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name)
}

export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text
}

/** 2.x: `Документ` directly under the root (CommerceML 3.1 wraps each in `Контейнер`; both are read). */
export function readDocuments(root: XmlElement): OneCDocument[] {
  const elements = root.children.flatMap((c) =>
    c.name === 'Документ' ? [c] : c.name === 'Контейнер' ? c.children.filter((d) => d.name === 'Документ') : [],
  )
  return elements.map((element) => {
    const requisites: Record<string, string> = {}
    for (const requisite of child(element, 'ЗначенияРеквизитов')?.children ?? []) {
      const name = childText(requisite, 'Наименование')
      if (name !== undefined && !(name in requisites)) requisites[name] = childText(requisite, 'Значение') ?? ''
    }
    return {
      id: childText(element, 'Ид'),
      number: childText(element, 'Номер'),
      date: childText(element, 'Дата'),
      time: childText(element, 'Время'),
      operation: childText(element, 'ХозОперация'),
      role: childText(element, 'Роль'),
      currency: childText(element, 'Валюта'),
      rate: childText(element, 'Курс'),
      sum: childText(element, 'Сумма'),
      comment: childText(element, 'Комментарий'),
      counterparties: (child(element, 'Контрагенты')?.children ?? []).map((c) => childText(c, 'Наименование') ?? ''),
      lines: (child(element, 'Товары')?.children ?? []).map((line) => ({
        id: childText(line, 'Ид'),
        name: childText(line, 'Наименование'),
        quantity: childText(line, 'Количество'),
        price: childText(line, 'ЦенаЗаЕдиницу'),
        sum: childText(line, 'Сумма'),
      })),
      requisites,
      element,
    }
  })
}
