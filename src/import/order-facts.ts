/**
 * 1C's facts about one order, from a `Документ` it uploaded (PROTOCOL.md §8, "Requisites 1C sends back" and "Dialects
 * seen in real uploads"): its own number and date, posted, deletion mark, cancelled, and its payment and shipment
 * documents. A fact may come as a requisite or as an element of `Документ` (FORMS); the first requisite form that
 * can be read wins, an element only stands in when no requisite gives the fact, and two forms that disagree are
 * named in `problems`. Names are matched as 1C writes them (PROTOCOL.md §5.5), except that a Latin `C` in `1C` is
 * accepted for the Cyrillic `С` 1C uses. A value that cannot be read is left out of its field (it stays in
 * `requisites`) and named in `problems`. A fact no form gives is null: absence is never a fact, and applying
 * (imports.repository.ts) keeps what an earlier upload said.
 */
import { createHash } from 'node:crypto'
import { canonicalName, readBoolean, readDateTime } from './onec-values.js'
import type { UploadedDocument } from './upload-reader.js'

export interface OrderFacts {
  /** `Ид`: 1C's document UUID, kept as the external reference. */
  onecId: string | null
  /** `Номер`: our order number as 1C keeps it. */
  onecNumber: string | null
  number1c: string | null
  /** 1C's wall-clock time, `YYYY-MM-DDTHH:MM:SS` (an offset 1C wrote is dropped, onec-values.ts). */
  date1c: string | null
  posted: boolean | null
  deletionMark: boolean | null
  cancelled: boolean | null
  paymentNumber1c: string | null
  paymentDate1c: string | null
  shipmentNumber1c: string | null
  shipmentDate1c: string | null
  /**
   * Every requisite of the document (a name given twice keeps its last value, as 1C's СвойстваЗаказа does), and
   * the fact elements (`Номер1С`, `НомерВерсии`, …) under their own name unless a requisite of that name is there.
   */
  requisites: Record<string, string>
}

export interface ReadFacts {
  facts: OrderFacts
  problems: string[]
  /** sha256 over the facts: equal exactly when 1C reported the same thing. */
  contentHash: string
}

type Kind = 'text' | 'flag' | 'date'
type FactName = Exclude<keyof OrderFacts, 'onecId' | 'onecNumber' | 'requisites'>

/**
 * Where each fact may come from, requisites in order of preference, then elements. «Номер1С» is also a requisite
 * name Bitrix reads [BSX lang]; `Номер1С`, `Дата1С`, `ПометкаУдаления` as elements come from the 1C-side
 * "Модуль обмена 1С-Битрикс" and 1C's demo bases (PROTOCOL.md §8).
 */
const FORMS: Record<FactName, { kind: Kind; requisites: readonly string[]; elements: readonly string[] }> = {
  number1c: { kind: 'text', requisites: ['Номер по 1С', 'Номер1С'], elements: ['Номер1С'] },
  date1c: { kind: 'date', requisites: ['Дата по 1С', 'Дата1С'], elements: ['Дата1С'] },
  posted: { kind: 'flag', requisites: ['Проведен'], elements: ['Проведен'] },
  deletionMark: { kind: 'flag', requisites: ['ПометкаУдаления'], elements: ['ПометкаУдаления'] },
  cancelled: { kind: 'flag', requisites: ['Отменен'], elements: ['Отменен'] },
  paymentNumber1c: { kind: 'text', requisites: ['Номер оплаты по 1С'], elements: [] },
  paymentDate1c: { kind: 'date', requisites: ['Дата оплаты по 1С'], elements: [] },
  shipmentNumber1c: { kind: 'text', requisites: ['Номер отгрузки по 1С'], elements: [] },
  shipmentDate1c: { kind: 'date', requisites: ['Дата отгрузки по 1С'], elements: [] },
}

/** Elements kept in `requisites` under their own name; `Комментарий` is free text, read only for its back-link. */
const KEPT_ELEMENTS = ['Номер1С', 'Дата1С', 'ПометкаУдаления', 'Проведен', 'Отменен', 'НомерВерсии'] as const

/** PROTOCOL.md §8: "[Номер документа на сайте: K482]" in `Комментарий` may be the only link to our order. */
const SITE_NUMBER = /\[\s*номер\s+документа\s+на\s+сайте\s*:\s*([^\]]*?)\s*\]/i

/** Our order number as the document's `Комментарий` gives it, or null. */
export function siteNumberOf(doc: UploadedDocument): string | null {
  const comment = doc.elements['Комментарий']
  const number = comment === undefined ? undefined : SITE_NUMBER.exec(comment)?.[1]
  return number ? number : null
}

interface Candidate {
  /** How a problem names the form: «requisite» or <element>. */
  label: string
  raw: string
}

function readAs(kind: Kind, raw: string): { value: string | boolean | null } | { unreadable: string } {
  if (kind === 'text') return { value: raw }
  if (kind === 'flag') {
    const value = readBoolean(raw)
    return value === null ? { unreadable: 'not true or false' } : { value }
  }
  const value = readDateTime(raw)
  return value === undefined ? { unreadable: 'not a date yyyy-MM-ddTHH:mm:ss' } : { value }
}

export function readOrderFacts(doc: UploadedDocument): ReadFacts {
  const requisites: Record<string, string> = {}
  for (const { name, value } of doc.requisites) requisites[canonicalName(name)] = value
  const elements: Record<string, string> = {}
  for (const [name, value] of Object.entries(doc.elements)) elements[canonicalName(name)] = value
  const problems: string[] = []

  const fact = (name: FactName) => {
    const { kind, requisites: requisiteNames, elements: elementNames } = FORMS[name]
    const candidates: Candidate[] = [
      ...requisiteNames.flatMap((n) => (requisites[n] ? [{ label: `«${n}»`, raw: requisites[n] }] : [])),
      ...elementNames.flatMap((n) => (elements[n] ? [{ label: `<${n}>`, raw: elements[n] }] : [])),
    ]
    let kept: { label: string; raw: string; value: string | boolean } | null = null
    for (const candidate of candidates) {
      const read = readAs(kind, candidate.raw)
      if ('unreadable' in read) {
        problems.push(`${candidate.label} is "${candidate.raw.slice(0, 40)}", ${read.unreadable}`)
        continue
      }
      // An empty date is no date: not a value, so it neither wins nor disagrees.
      if (read.value === null) continue
      if (kept === null) kept = { ...candidate, value: read.value }
      else if (read.value !== kept.value) {
        problems.push(`${kept.label} "${kept.raw.slice(0, 40)}" and ${candidate.label} "${candidate.raw.slice(0, 40)}" disagree; ${kept.label} is kept`)
      }
    }
    return kept === null ? null : kept.value
  }
  const text = (name: FactName) => fact(name) as string | null
  const flag = (name: FactName) => fact(name) as boolean | null

  const read = {
    number1c: text('number1c'),
    date1c: text('date1c'),
    posted: flag('posted'),
    deletionMark: flag('deletionMark'),
    cancelled: flag('cancelled'),
    paymentNumber1c: text('paymentNumber1c'),
    paymentDate1c: text('paymentDate1c'),
    shipmentNumber1c: text('shipmentNumber1c'),
    shipmentDate1c: text('shipmentDate1c'),
  }
  // After the facts are read, so an element copied here is never taken for a requisite of the same name.
  for (const name of KEPT_ELEMENTS) if (elements[name] !== undefined && !(name in requisites)) requisites[name] = elements[name]
  const facts: OrderFacts = { onecId: doc.id, onecNumber: doc.number, ...read, requisites }
  // Keys sorted, so the hash does not depend on the order 1C wrote the requisites in.
  const canonical = JSON.stringify({ ...facts, requisites: Object.fromEntries(Object.entries(requisites).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) })
  return { facts, problems, contentHash: createHash('sha256').update(canonical).digest('hex') }
}
