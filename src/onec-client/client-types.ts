/**
 * The shapes the 1C client works with: its options, the answers as 1C receives them, and each step and run as 1C
 * judges them (PROTOCOL.md §3). Types only.
 */
import type { OneCDocument } from './documents.js'

/**
 * Which 1C plays (PROTOCOL.md §1, §5.9): 'ut11' the БЭД library of УТ 11 / КА 2 / ERP, 'unf' УНФ 3.0 with the node
 * protocol "Битрикс", 'bitrix-module' the 1C-side "Модуль обмена 1С-Битрикс" of older configurations (УТ 10.3, УПП,
 * КА 1.1) reading CommerceML 3.1.
 */
export type OneCProfile = 'ut11' | 'unf' | 'bitrix-module'

/** Anything with Fastify's `inject` (a FastifyInstance). */
export interface InjectTarget {
  inject(options: {
    method: 'GET' | 'POST'
    url: string
    headers: Record<string, string>
    payload?: Buffer
  }): Promise<{ statusCode: number; headers: Record<string, string | string[] | number | undefined>; rawPayload: Buffer }>
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

export interface QueryStep extends OneCStep {
  /** The decoded document text, when 1C would have read it as data. */
  document: string | null
  documents: OneCDocument[]
  /**
   * `Документ`s in the answer this client does not read because they are in the other layout (inside `Контейнер`
   * for a 2.x client, directly under the root for the 3.1 module): 1C confirms without loading them.
   */
  unseen: number
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

