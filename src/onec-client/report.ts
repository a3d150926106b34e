/**
 * The smoke report: each step of the exchange as 1C made it, each document as 1C reads it, and every problem 1C would
 * have. Built as data (printed as JSON with `--json`) and rendered as plain text for a person. No secrets: the
 * checkauth answer is shown by its first line only, and `sessid` values are cut from URLs.
 */
import type { Note, Problem } from './document-checks.js'
import { requisitesOf } from './document-checks.js'
import type { OneCProfile } from './client-types.js'
import type { OneCDocument } from './documents.js'
import { child, childText } from './xml-reader.js'

export interface StepView {
  mode: string
  method: 'GET' | 'POST'
  /** The request path and query, `sessid` values replaced by `…`. */
  url: string
  status: number
  /** Line 1 of the answer (a text answer's keyword, the XML declaration of a document), at most 80 characters. */
  firstLine: string
  bytes: number
  ms: number
  contentType: string | null
  ok: boolean
  problem?: string
}

interface LineView {
  name: string | null
  sku: string | null
  /** ТипНоменклатуры: Услуга or Товар. */
  type: string | null
  quantity: string | null
  unit: string | null
  price: string | null
  sum: string | null
  vatRate: string | null
  vatSum: string | null
}

export interface DocumentView {
  number: string | null
  date: string | null
  time: string | null
  buyer: string | null
  buyerInn: string | null
  sum: string | null
  currency: string | null
  /** «Заказ оплачен» as sent. */
  paid: string | null
  paidOn: string | null
  paymentMethod: string | null
  paymentMethodId: string | null
  paymentDocument: string | null
  status: string | null
  cancelled: string | null
  refund: { on: string | null; sum: string | null } | null
  /** The buyer's comment: «Комментарии покупателя», else the document Комментарий. */
  comment: string | null
  lines: LineView[]
}

export interface SmokeReport {
  /** The exchange URL as 1C was given it. */
  url: string
  login: string
  profile: OneCProfile
  action: 'download' | 'upload'
  steps: StepView[]
  documents: DocumentView[]
  notes: Note[]
  problems: Problem[]
  /** Whether `success` was sent (download only). */
  successSent: boolean
  ok: boolean
}

const PROFILE_NAMES: Record<OneCProfile, string> = {
  ut11: 'УТ 11 / КА 2 / ERP (БЭД library)',
  unf: 'УНФ 3.0 (node protocol «Битрикс»)',
  'bitrix-module': '«Модуль обмена 1С-Битрикс» (УТ 10.3, УПП, КА 1.1), CommerceML 3.1',
}

/** Removes secrets from a request URL: the `sessid` token 1C appends (PROTOCOL.md §2). */
export function redactSessid(url: string): string {
  return url.replace(/([?&]sessid=)[^&]*/gi, '$1…')
}

const orNull = (text: string | undefined): string | null => (text === undefined ? null : text)

/** One `Документ` as 1C reads it (PROTOCOL.md §5): the requisites by name, the lines with their VAT. */
export function describeDocument(doc: OneCDocument): DocumentView {
  const r = doc.requisites
  const buyer = child(doc.element, 'Контрагенты')?.children.find((c) => c.name === 'Контрагент')
  const refunded = r['Возврат оплаты'] === 'true'
  return {
    number: orNull(doc.number),
    date: orNull(doc.date),
    time: orNull(doc.time),
    buyer: buyer ? orNull(childText(buyer, 'Наименование') ?? childText(buyer, 'ПолноеНаименование')) : null,
    buyerInn: buyer ? orNull(childText(buyer, 'ИНН')) : null,
    sum: orNull(doc.sum),
    currency: orNull(doc.currency),
    paid: orNull(r['Заказ оплачен']),
    paidOn: orNull(r['Дата оплаты']),
    paymentMethod: orNull(r['Метод оплаты']),
    paymentMethodId: orNull(r['Метод оплаты ИД']),
    paymentDocument: orNull(r['Номер платежного документа']),
    status: orNull(r['Статус заказа']),
    cancelled: orNull(r['Отменен']),
    refund: refunded ? { on: orNull(r['Дата возврата']), sum: orNull(r['Сумма возврата']) } : null,
    comment: orNull(r['Комментарии покупателя'] ?? doc.comment),
    lines: (child(doc.element, 'Товары')?.children ?? [])
      .filter((line) => line.name === 'Товар')
      .map((line) => {
        const tax = child(line, 'Налоги')?.children.find((c) => c.name === 'Налог')
        const rate = tax ? childText(tax, 'Ставка') : child(line, 'СтавкиНалогов')?.children.map((c) => childText(c, 'Ставка'))[0]
        return {
          name: orNull(childText(line, 'Наименование')),
          sku: orNull(childText(line, 'Артикул')),
          type: orNull(requisitesOf(line)['ТипНоменклатуры']),
          quantity: orNull(childText(line, 'Количество')),
          unit: orNull(childText(line, 'БазоваяЕдиница')),
          price: orNull(childText(line, 'ЦенаЗаЕдиницу')),
          sum: orNull(childText(line, 'Сумма')),
          vatRate: orNull(rate),
          vatSum: tax ? orNull(childText(tax, 'Сумма')) : null,
        }
      }),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text

/** Control characters from a server are shown, never sent to the terminal (an ESC could rewrite the screen). */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function bytes(n: number): string {
  if (n < 10_000) return `${n} B`
  if (n < 10_000_000) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

const shown = (text: string | null, missing = '(none)') => (text === null ? missing : printable(text))

function documentText(doc: DocumentView): string[] {
  const when = [doc.date, doc.time].filter((v) => v !== null).join(' ')
  const head = `  ${shown(doc.number, '(no Номер)')}  of ${when || '(no Дата)'}  ·  ${shown(doc.buyer, '(no buyer)')}${doc.buyerInn ? `, ИНН ${doc.buyerInn}` : ''}`
  const facts = [
    `Сумма ${shown(doc.sum)} ${shown(doc.currency, '')}`.trimEnd(),
    `paid ${shown(doc.paid, '(not said)')}${doc.paidOn ? ` on ${printable(doc.paidOn)}` : ''}${doc.paymentDocument ? `, payment ${printable(doc.paymentDocument)}` : ''}`,
    `method ${shown(doc.paymentMethod, '(no «Метод оплаты»)')}${doc.paymentMethodId ? ` [${printable(doc.paymentMethodId)}]` : ''}`,
    `status ${shown(doc.status)}`,
  ]
  if (doc.cancelled === 'true') facts.push('CANCELLED')
  if (doc.refund) facts.push(`REFUND ${shown(doc.refund.sum, '?')} on ${shown(doc.refund.on, '?')}`)
  const lines = doc.lines.map((line, i) => {
    const vat = line.vatRate === null ? 'no VAT' : `VAT ${printable(line.vatRate)} %${line.vatSum ? ` ${printable(line.vatSum)}` : ''}`
    return (
      `      ${i + 1}. ${shown(line.name, '(no name)')} [${shown(line.type, 'no ТипНоменклатуры')}]  ` +
      `${shown(line.quantity, '?')} ${shown(line.unit, '')} × ${shown(line.price, '?')} = ${shown(line.sum, '?')}, ${vat}`.replace(/ {2,}×/, ' ×')
    )
  })
  const comment = doc.comment === null ? [] : [`      comment «${printable(doc.comment)}»`]
  return [head, `      ${facts.join('  ·  ')}`, ...comment, ...lines]
}

export function renderText(report: SmokeReport): string {
  const out: string[] = []
  out.push(`1C exchange smoke test: ${report.action} from ${report.url}`)
  out.push(`  as ${PROFILE_NAMES[report.profile]} (--profile ${report.profile}), login ${printable(report.login)}`)
  out.push('')
  out.push('Steps (request → answer: status, first line, size, time)')
  if (report.steps.length === 0) out.push('  (none: the service was not reached)')
  report.steps.forEach((step, i) => {
    out.push(
      `  ${String(i + 1).padStart(2)}. ${step.mode.padEnd(9)} ${step.method.padEnd(4)} ${printable(step.url)}\n` +
        `        → ${step.status}  ${JSON.stringify(printable(step.firstLine))}  ${bytes(step.bytes)}  ${step.ms} ms` +
        `${step.contentType ? `  ${printable(step.contentType)}` : ''}${step.ok ? '' : '  ✗ 1C stops here'}`,
    )
  })
  if (report.action === 'download') {
    out.push('')
    out.push(`Documents: ${report.documents.length}${report.documents.length ? ' (as 1C reads them: number, date, buyer; sum, payment, status; lines)' : ''}`)
    for (const doc of report.documents) out.push(...documentText(doc))
  }
  if (report.notes.length) {
    out.push('')
    out.push('Notes')
    for (const note of report.notes) out.push(`  - ${note.document ? `${printable(note.document)}: ` : ''}${printable(note.message)}`)
  }
  out.push('')
  if (report.problems.length === 0) {
    out.push(
      report.action === 'download'
        ? `Problems: none. 1C would load this answer${report.successSent ? ' and has confirmed it with success' : ''}.`
        : 'Problems: none. 1C would consider the file delivered.',
    )
  } else {
    out.push(`Problems: ${report.problems.length}`)
    for (const p of report.problems) out.push(`  ✗ ${p.document ? `${printable(p.document)}: ` : ''}${printable(p.message)} [${p.check}]`)
  }
  out.push('')
  out.push(report.ok ? 'Result: clean (exit 0)' : `Result: ${report.problems.length} problem(s) (exit 1)`)
  return `${out.join('\n')}\n`
}
