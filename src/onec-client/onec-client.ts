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
 * - profile 'bitrix-module' = the 1C-side "Модуль обмена 1С-Битрикс" asking for CommerceML 3.1: the Bitrix protocol
 *   as УНФ speaks it, with `&version=3.1` on init (the parameter a Bitrix site switches its schema by, PROTOCOL.md
 *   §5.9), and the answer read as 3.1: each `Документ` inside a `Контейнер` (documents.ts). The module's own code was
 *   not examined: what it sends is inferred from the Bitrix server side (unverified, PROTOCOL.md §10).
 * - 'ut11' and 'unf' read 2.x: `Документ` directly under the root; a document inside `Контейнер` is not loaded.
 *
 * Types are in client-types.ts, the XML reader in xml-reader.ts, the documents in documents.ts, the text answers in
 * text-answers.ts. Transport: a Fastify instance (`inject`) or a base URL (`fetch`): the tests (through test/helpers/onec-client.ts) and
 * the smoke CLI (onec.cli.ts, `npm run onec`) use this same client. It imports nothing from the service or the tests.
 * Problems are returned, not thrown, with 1C's own wording where 1C has one; only transport errors throw.
 */

import type {
  CheckauthStep,
  ExchangeResult,
  InitStep,
  OneCClientOptions,
  OneCProfile,
  OneCResponse,
  OneCStep,
  QueryStep,
  UploadResult,
} from './client-types.js'
import { documentElements, readDocument, type OneCDocument } from './documents.js'
import { decodeAnswer, keywordOf, linesOf } from './text-answers.js'
import { parseXml, type XmlElement } from './xml-reader.js'

export type * from './client-types.js'
export { readDocuments, type OneCDocument } from './documents.js'
export { parseXml } from './xml-reader.js'

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

  /** УНФ and the 1C-Bitrix module speak the Bitrix flavour of the protocol: init before the download, sessid always. */
  get bitrixProtocol(): boolean {
    return this.profile === 'unf' || this.profile === 'bitrix-module'
  }

  /** Where this client looks for `Документ` in a query answer (documents.ts). */
  get layout(): 'root' | 'container' {
    return this.profile === 'bitrix-module' ? 'container' : 'root'
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
    return { method, url, statusCode, contentType, headers: responseHeaders, body, text: decodeAnswer(body, contentType, this.profile) }
  }

  // --- URLs as each configuration builds them ------------------------------------------------------------------

  /** The session token suffix: УНФ `"&" + line4` verbatim; БЭД `&sessid=<line4 minus "sessid=">` when its option is on. */
  private sessidSuffix(): string {
    if (!this.session) return ''
    if (this.bitrixProtocol) return `&${this.session.line4}`
    if (this.options.useSessionId) return `&sessid=${this.session.line4.replace('sessid=', '')}`
    return ''
  }

  private downloadQuery(mode: 'init' | 'query' | 'success'): string {
    let query = `type=sale&mode=${mode}${this.sessidSuffix()}`
    if (mode === 'init' && this.profile === 'unf' && this.options.subordinateDocuments) query += '&cmlVersion=2.10'
    if (mode === 'init' && this.profile === 'bitrix-module') query += '&version=3.1'
    return query
  }

  /** Uploads: УНФ puts sessid and the versions before mode; `filename` is appended unencoded (PROTOCOL.md §1.3, §2). */
  private uploadQuery(mode: 'init' | 'file' | 'import', filename?: string): string {
    const name = filename === undefined ? '' : `&filename=${filename}`
    if (this.bitrixProtocol) {
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
      const shown = this.bitrixProtocol ? `: ${response.text}` : ''
      return { ...this.step('checkauth', response, false, `Авторизация не выполнена. Проверьте имя пользователя и пароль${shown}`), ...base }
    }
    const cookieName = lines[1] ?? ''
    const cookieValue = lines[2] ?? ''
    const line4 = lines[3] ?? ''
    // Not trimmed: a CR or space would end up in the Cookie header 1C builds.
    if (!/^[A-Za-z0-9_-]+$/.test(cookieName) || !/^[A-Za-z0-9_-]+$/.test(cookieValue)) {
      return { ...this.step('checkauth', response, false, 'Cookie lines of the checkauth answer are not plain tokens'), ...base, cookieName, cookieValue, line4 }
    }
    if (this.bitrixProtocol && !line4.startsWith('sessid=')) {
      return { ...this.step('checkauth', response, false, 'Line 4 of the checkauth answer is not sessid=<token>'), ...base, cookieName, cookieValue, line4 }
    }
    this.session = { cookieName, cookieValue, line4 }
    return { ...this.step('checkauth', response, true), ...base, cookieName, cookieValue, line4 }
  }

  /**
   * PROTOCOL.md §3.2. For an upload БЭД needs exactly 2 lines, УНФ at least 2; on УНФ's download path only "a body came
   * back" is checked. `zip=yes` on line 1 allows zip; `file_limit=` on line 2 is the chunk size.
   */
  async init(purpose: 'download' | 'upload' = this.bitrixProtocol ? 'download' : 'upload'): Promise<InitStep> {
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
    const fail = (problem: string): QueryStep => ({ ...this.step('query', response, false, problem), document: null, documents: [], unseen: 0, notes: [] })
    let text = response.text
    if (this.options.stripBom && text.startsWith('\ufeff')) text = text.slice(1)
    if (response.body.length === 0) return fail('Получен пустой ответ сервера')
    if (this.bitrixProtocol && keywordOf(text) === 'failure') return fail(`Ошибка на сервере: ${linesOf(text).slice(1).join(' ')}`)
    if (text.startsWith('PK')) return fail('zip answers are not supported by this test client')
    const isXml = text.startsWith('<?xml') || (this.bitrixProtocol && text.startsWith('<КоммерческаяИнформация'))
    if (!isXml) return fail('Не удалось прочитать данные, загруженные с сервера.')
    let root: XmlElement
    try {
      root = parseXml(text)
    } catch (error) {
      // ПрочитатьXML fails: the whole batch fails and no success is sent (PROTOCOL.md §6).
      return fail(`Ошибка разбора XML: ${(error as Error).message}`)
    }
    if (root.name !== 'КоммерческаяИнформация') return fail(`Unexpected root element ${root.name}`)
    const { elements, unseen } = documentElements(root, this.layout)
    const documents = elements.map(readDocument)
    const notes = documents.length === 0 ? ['Нет документов для обработки'] : []
    return { ...this.step('query', response, true), document: text, documents, unseen, notes }
  }

  /** PROTOCOL.md §3.4: БЭД only checks that an answer arrived; УНФ fails on a missing answer or one starting `failure`. */
  async success(): Promise<OneCStep> {
    const response = await this.request(this.downloadQuery('success'))
    if (this.bitrixProtocol && (response.body.length === 0 || keywordOf(response.text) === 'failure')) {
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
    if (this.bitrixProtocol && stop(await this.init('download'))) return result
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
