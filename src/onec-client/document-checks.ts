/**
 * What 1C would stumble on in a `query` answer: the checks of PROTOCOL.md §9 that are about what 1C reads, beyond the
 * XSD. Each check names the passage of PROTOCOL.md that says why 1C cares. Used by the smoke CLI (`npm run onec`) and
 * by tests; pure functions of the answer, no I/O.
 *
 * A problem is something that makes 1C fail the batch, load it wrongly or duplicate an order. Notes are facts worth
 * showing that 1C copes with (an empty answer, a VAT rate an older release may not map).
 */
import type { OneCDocument } from './documents.js'
import { child, childText, type XmlElement } from './xml-reader.js'

export type CheckCode =
  /** A step 1C would stop at (the client's own verdict, in 1C's words), or the service unreachable. */
  | 'protocol'
  | 'transport'
  | 'layout'
  | 'body-start'
  | 'charset'
  | 'forbidden-character'
  | 'replacement-character'
  | 'number-missing'
  | 'number-length'
  | 'number-unique'
  | 'operation'
  | 'date'
  | 'time'
  | 'currency'
  | 'amount'
  | 'sum'
  | 'no-lines'
  | 'line-id'
  | 'line-type'
  | 'quantity'
  | 'boolean'
  | 'payment-method'
  | 'payment-date'

export interface Problem {
  /** Which check failed: a stable code, for scripts reading `--json`. */
  check: CheckCode
  /** The document's Номер (or `#<position>` without one) when the problem is about one document. */
  document?: string
  message: string
}

export interface Note {
  document?: string
  message: string
}

export interface AnswerCheckOptions {
  /** The integration sends a UTF-8 BOM on purpose (settings `bom: true`, PROTOCOL.md §4); otherwise a BOM is a problem. */
  allowBom?: boolean
}

// ---------------------------------------------------------------------------------------------------------------
// The bytes and the header

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * PROTOCOL.md §3.3, §4: БЭД takes a body as data only when its decoded text starts with `<?xml`; nothing may come
 * before it, and whether the platform strips a BOM is unverified. The charset must be in Content-Type, unquoted and
 * the last parameter, because УНФ re-decodes with "the text after `charset=`".
 */
export function checkAnswerEnvelope(body: Buffer, contentType: string | null, options: AnswerCheckOptions = {}): Problem[] {
  const problems: Problem[] = []
  const start = options.allowBom && body.subarray(0, 3).equals(UTF8_BOM) ? body.subarray(3) : body
  if (start.subarray(0, 5).toString('latin1') !== '<?xml') {
    const shown = JSON.stringify(start.subarray(0, 12).toString('latin1'))
    const why = body.subarray(0, 3).equals(UTF8_BOM)
      ? 'a UTF-8 byte order mark comes first (only right for an integration with "bom": true; then pass --bom)'
      : `it starts with ${shown}`
    problems.push({ check: 'body-start', message: `The answer does not start with the bytes <?xml: ${why}. 1C: «Не удалось прочитать данные, загруженные с сервера.»` })
  }
  if (contentType === null) {
    problems.push({ check: 'charset', message: 'The answer has no Content-Type, so 1C has to guess the charset (PROTOCOL.md §4).' })
    return problems
  }
  const params = contentType.split(';').slice(1).map((p) => p.trim()).filter((p) => p !== '')
  const charsetAt = params.findIndex((p) => /^charset\s*=/i.test(p))
  if (charsetAt < 0) {
    problems.push({ check: 'charset', message: `Content-Type "${contentType}" names no charset (PROTOCOL.md §4).` })
  } else {
    const value = params[charsetAt]!.replace(/^charset\s*=\s*/i, '')
    if (charsetAt !== params.length - 1) {
      problems.push({ check: 'charset', message: `charset is not the last parameter of Content-Type "${contentType}": УНФ reads everything after "charset=" (PROTOCOL.md §4).` })
    }
    if (/^["']/.test(value)) problems.push({ check: 'charset', message: `charset is quoted in Content-Type "${contentType}" (PROTOCOL.md §4).` })
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// Characters

/** XML 1.0 forbids these (PROTOCOL.md §4); БЭД's parser fails the whole batch on one. */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
/** Character references to forbidden characters are as fatal as the characters themselves. */
const FORBIDDEN_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g

function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}

function isForbiddenCodePoint(code: number): boolean {
  return (code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd) || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff
}

/** Where in the text: the line number, and the text around it with invisible characters shown. */
function around(text: string, index: number): string {
  const line = text.slice(0, index).split('\n').length
  const context = text.slice(Math.max(0, index - 30), index + 10).replace(/[\u0000-\u001f\ufffd]/g, (c) => `[${codePointName(c)}]`)
  return `line ${line}, near "${context}"`
}

/**
 * PROTOCOL.md §4: no character XML 1.0 forbids (as such or as a character reference) and no U+FFFD, which makes УНФ
 * re-decode the answer and marks text already broken by a wrong decoding. Reports each kind once, with where.
 */
export function checkCharacters(text: string): Problem[] {
  const problems: Problem[] = []
  const forbidden = [...text.matchAll(FORBIDDEN)]
  const references = [...text.matchAll(FORBIDDEN_REFERENCE)].filter((m) => {
    const ref = m[1]!
    return isForbiddenCodePoint(ref.startsWith('x') ? parseInt(ref.slice(1), 16) : parseInt(ref, 10))
  })
  if (forbidden.length > 0) {
    const first = forbidden[0]!
    problems.push({
      check: 'forbidden-character',
      message: `${forbidden.length} character(s) XML 1.0 forbids, first ${codePointName(first[0])} at ${around(text, first.index)}: 1C fails the whole batch.`,
    })
  }
  if (references.length > 0) {
    const first = references[0]!
    problems.push({
      check: 'forbidden-character',
      message: `${references.length} character reference(s) to characters XML 1.0 forbids, first ${first[0]} at ${around(text, first.index)}: 1C fails the whole batch.`,
    })
  }
  const replacement = text.indexOf('\ufffd')
  if (replacement >= 0) {
    const count = text.split('\ufffd').length - 1
    problems.push({
      check: 'replacement-character',
      message: `${count} U+FFFD replacement character(s), first at ${around(text, replacement)}: text broken by a wrong decoding, and УНФ re-decodes the whole answer.`,
    })
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers as 1C reads them: Число() of the string; a failed parse silently becomes 0 in УНФ (PROTOCOL.md §5.1).

/** A decimal as an integer count of 10^-scale, or null when 1C's Число() would not read it. */
export function parseDecimal(text: string | undefined): { units: bigint; scale: number } | null {
  if (text === undefined) return null
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim())
  if (!match) return null
  const fraction = match[3] ?? ''
  const units = BigInt(`${match[2]}${fraction}`) * (match[1] === '-' ? -1n : 1n)
  return { units, scale: fraction.length }
}

function rescale(value: { units: bigint; scale: number }, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale)
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

function isClockTime(text: string): boolean {
  const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(text)
  return match !== null && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[3]) < 60
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

/** ЗначенияРеквизитов of an element (a line or a document): Наименование → Значение, first value wins as in 1C. */
export function requisitesOf(element: XmlElement): Record<string, string> {
  const values: Record<string, string> = {}
  for (const requisite of child(element, 'ЗначенияРеквизитов')?.children ?? []) {
    const name = childText(requisite, 'Наименование')
    if (name !== undefined && !(name in values)) values[name] = childText(requisite, 'Значение') ?? ''
  }
  return values
}

/** Requisites 1C converts with Булево() or compares with "true" (PROTOCOL.md §5.5, §5.7). */
const BOOLEAN_REQUISITES = ['Заказ оплачен', 'Отменен', 'Финальный статус', 'Возврат оплаты', 'Доставка разрешена', 'Оплачен'] as const

/** How a document is named in a problem: its Номер, else its position. */
function documentLabel(doc: OneCDocument, index: number): string {
  return doc.number !== undefined && doc.number.trim() !== '' ? doc.number : `#${index + 1}`
}

/** Every element below `element` (depth first), with its path, for checks that apply wherever a value appears. */
function* descendants(element: XmlElement, path: string[] = []): Generator<{ path: string; element: XmlElement; parent: XmlElement }> {
  for (const c of element.children) {
    const at = [...path, c.name]
    yield { path: at.join('/'), element: c, parent: element }
    yield* descendants(c, at)
  }
}

/**
 * The values 1C reads as booleans: every `УчтеноВСумме`, and every requisite value (`ЗначениеРеквизита/Значение`, of
 * the document and of its lines) that spells true or false in any case. Free text (names, comments) is not a boolean.
 */
function booleanValues(document: XmlElement): Array<{ path: string; text: string; strict: boolean }> {
  const values: Array<{ path: string; text: string; strict: boolean }> = []
  for (const { path, element, parent } of descendants(document)) {
    if (element.name === 'УчтеноВСумме') values.push({ path, text: element.text, strict: true })
    else if (element.name === 'Значение' && parent.name === 'ЗначениеРеквизита' && /^(true|false)$/i.test(element.text.trim())) {
      values.push({ path: `${path} of «${childText(parent, 'Наименование') ?? '?'}»`, text: element.text, strict: false })
    }
  }
  return values
}

/** The checks of one document (PROTOCOL.md §5, §6, §9). */
function checkDocument(doc: OneCDocument, index = 0): Problem[] {
  const label = documentLabel(doc, index)
  const problems: Problem[] = []
  const problem = (check: CheckCode, message: string) => problems.push({ check, document: label, message })

  // §5.2: Номер is the 1C dedup key, kept in a Строка(11) column.
  if (doc.number === undefined || doc.number.trim() === '') problem('number-missing', 'No Номер: 1C cannot match the order with an earlier load.')
  else if (Array.from(doc.number).length > 11) {
    problem('number-length', `Номер "${doc.number}" has ${Array.from(doc.number).length} characters, more than 11: 1C loads it, but every re-send creates a duplicate order.`)
  }
  // §5.6, §6: БЭД fails the whole batch on any other ХозОперация.
  if (doc.operation !== 'Заказ товара') {
    problem('operation', `ХозОперация is ${doc.operation === undefined ? 'missing' : `"${doc.operation}"`}, not «Заказ товара»: 1C fails the whole batch.`)
  }
  // §5.2: Дата(СтрЗаменить(Дата,"-","") + СтрЗаменить(Время,":","")); another form silently gives an empty date.
  if (doc.date === undefined || !isCalendarDate(doc.date)) {
    problem('date', `Дата ${doc.date === undefined ? 'is missing' : `"${doc.date}" is not YYYY-MM-DD`}: 1C reads an empty date.`)
  }
  if (doc.time !== undefined && !isClockTime(doc.time)) problem('time', `Время "${doc.time}" is not HH:MM:SS: 1C reads an empty date.`)
  // §5.2: an empty Валюта fails the batch; УТ looks the currency up by a 3-character name.
  if (doc.currency === undefined || Array.from(doc.currency).length !== 3) {
    problem('currency', `Валюта ${doc.currency === undefined || doc.currency === '' ? 'is missing' : `"${doc.currency}" is not 3 characters`}: 1C fails the batch or picks the wrong currency.`)
  }

  // §5.4: lines.
  const lineElements = child(doc.element, 'Товары')?.children.filter((c) => c.name === 'Товар') ?? []
  if (lineElements.length === 0) problem('no-lines', 'The document has no Товары/Товар lines: 1C creates an empty order.')
  let linesTotal: { units: bigint; scale: number } | null = { units: 0n, scale: 0 }
  lineElements.forEach((line, i) => {
    const name = `line ${i + 1}${childText(line, 'Наименование') ? ` «${childText(line, 'Наименование')}»` : ''}`
    const id = childText(line, 'Ид')
    if (id === undefined || id.trim() === '') problem('line-id', `${name} has no Ид: 1C fails with «Поле объекта не обнаружено (Ид)».`)
    else if (id.includes('#')) problem('line-id', `${name} has an Ид with "#" ("${id}"): УНФ cuts it there and may match another item.`)
    const type = requisitesOf(line)['ТипНоменклатуры']
    if (type === undefined || type.trim() === '') problem('line-type', `${name} has no ТипНоменклатуры requisite: 1C treats a service as goods.`)
    const quantity = parseDecimal(childText(line, 'Количество'))
    if (quantity === null || quantity.units <= 0n) {
      problem('quantity', `${name} has Количество ${JSON.stringify(childText(line, 'Количество') ?? null)}, not above 0: 1C skips the line silently.`)
    }
    const lineSum = parseDecimal(childText(line, 'Сумма'))
    if (lineSum === null) {
      problem('amount', `${name} has Сумма ${JSON.stringify(childText(line, 'Сумма') ?? null)}, not a number 1C reads (it becomes 0).`)
      linesTotal = null
    } else if (linesTotal !== null) {
      const scale = Math.max(linesTotal.scale, lineSum.scale)
      linesTotal = { units: rescale(linesTotal, scale) + rescale(lineSum, scale), scale }
    }
    for (const field of ['ЦенаЗаЕдиницу'] as const) {
      const text = childText(line, field)
      if (text !== undefined && parseDecimal(text) === null) problem('amount', `${name} has ${field} "${text}", not a number 1C reads (it becomes 0).`)
    }
  })

  // §5.2: the document Сумма is the order total = Σ line Сумма.
  const total = parseDecimal(doc.sum)
  if (total === null) problem('amount', `Сумма ${JSON.stringify(doc.sum ?? null)} is not a number 1C reads (it becomes 0).`)
  else if (linesTotal !== null && lineElements.length > 0) {
    const lines: { units: bigint; scale: number } = linesTotal
    const scale = Math.max(total.scale, lines.scale)
    if (rescale(total, scale) !== rescale(lines, scale)) {
      problem('sum', `Сумма ${doc.sum} differs from the sum of its lines ${formatDecimal(lines)}: the order in 1C will not match the payment.`)
    }
  }

  // §5.1: booleans lowercase (some 1C comparisons are case-sensitive, e.g. line Скидка/УчтеноВСумме).
  for (const { path, text, strict } of booleanValues(doc.element)) {
    if (!/^(true|false)$/.test(text)) {
      problem('boolean', `${path} is "${text}": ${strict ? 'it must be' : 'booleans must be'} lowercase true or false.`)
    }
  }
  const requisites = doc.requisites
  for (const name of BOOLEAN_REQUISITES) {
    const value = requisites[name]
    if (value !== undefined && !/^(true|false)$/i.test(value.trim())) problem('boolean', `«${name}» is "${value}", not true or false.`)
  }

  // §5.5, §5.6: «Метод оплаты» is the key 1C maps to a payment form; «Дата оплаты» date-only, else УНФ reads an empty date.
  if (requisites['Метод оплаты'] === undefined || requisites['Метод оплаты'].trim() === '') {
    problem('payment-method', '«Метод оплаты» is missing: 1C cannot map the payment to a payment form or acquiring agreement.')
  }
  const paidOn = requisites['Дата оплаты']
  if (requisites['Заказ оплачен'] === 'true' && (paidOn === undefined || paidOn.trim() === '')) {
    problem('payment-date', '«Заказ оплачен» is true but «Дата оплаты» is missing: УНФ creates no payment.')
  } else if (paidOn !== undefined && !isCalendarDate(paidOn)) {
    problem('payment-date', `«Дата оплаты» "${paidOn}" is not a date YYYY-MM-DD: УНФ reads an empty date and creates no payment.`)
  }
  return problems
}

function formatDecimal(value: { units: bigint; scale: number }): string {
  const negative = value.units < 0n
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0')
  const text = value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`
  return negative ? `-${text}` : text
}

/** Every document, plus what spans documents: a Номер must be unique within the answer (§5.2, §7.2 point 4). */
export function checkDocuments(documents: readonly OneCDocument[]): Problem[] {
  const problems = documents.flatMap((doc, i) => checkDocument(doc, i))
  const seen = new Map<string, number>()
  for (const doc of documents) if (doc.number) seen.set(doc.number, (seen.get(doc.number) ?? 0) + 1)
  for (const [number, count] of seen) {
    if (count > 1) problems.push({ check: 'number-unique', document: number, message: `Номер "${number}" appears ${count} times in one answer: 1C loads them into one order.` })
  }
  return problems
}

/** VAT rates the cited УТ release maps (PROTOCOL.md §5.4); others fall back to the document rate or «Без НДС». */
const MAPPED_VAT_RATES = new Set(['0', '10', '18', '20'])

/** Facts worth showing that do not stop 1C, one note per kind (not one per document). */
export function documentNotes(documents: readonly OneCDocument[]): Note[] {
  const byRate = new Map<string, string[]>()
  documents.forEach((doc, i) => {
    const rates = new Set<string>()
    for (const line of child(doc.element, 'Товары')?.children ?? []) {
      for (const tax of child(line, 'Налоги')?.children ?? []) {
        const rate = childText(tax, 'Ставка')
        if (rate !== undefined && !MAPPED_VAT_RATES.has(rate)) rates.add(rate)
      }
    }
    for (const rate of rates) byRate.set(rate, [...(byRate.get(rate) ?? []), documentLabel(doc, i)])
  })
  return [...byRate].map(([rate, labels]) => ({
    message:
      `VAT rate ${rate} % in ${labels.length} document(s) (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', …' : ''}): ` +
      'check that the customer\'s 1C release maps it, else those lines load «Без НДС» (PROTOCOL.md §5.4).',
  }))
}

/** The whole answer to `query`, as the CLI checks it once the client has read it as data. */
export function checkQueryAnswer(
  answer: { body: Buffer; contentType: string | null; text: string; documents: readonly OneCDocument[] },
  options: AnswerCheckOptions = {},
): Problem[] {
  return [...checkAnswerEnvelope(answer.body, answer.contentType, options), ...checkCharacters(answer.text), ...checkDocuments(answer.documents)]
}

/**
 * PROTOCOL.md §5.9: a 2.x client (БЭД, УНФ) reads `Документ` directly under the root, the 1C-Bitrix module in its 3.1
 * form only inside `Контейнер`. Documents in the other place are not loaded, yet 1C confirms the batch, so those
 * orders are acknowledged without reaching 1C.
 */
export function checkLayout(unseen: number, layout: 'root' | 'container'): Problem[] {
  if (unseen === 0) return []
  const message =
    layout === 'container'
      ? `${unseen} Документ(s) directly under the root: the 1C-Bitrix module reads CommerceML 3.1, each Документ inside a Контейнер, and loads none of them.`
      : `${unseen} Документ(s) inside Контейнер (CommerceML 3.1): this 1C reads CommerceML 2.x, Документ directly under the root, and loads none of them.`
  return [{ check: 'layout', message: `${message} The batch is still confirmed with success, so those orders count as delivered.` }]
}
