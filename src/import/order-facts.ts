/**
 * 1C's facts about one order, from the requisites of a `Документ` it uploaded (PROTOCOL.md §8, "Requisites 1C sends
 * back"): its own number and date, posted, deletion mark, cancelled, and its payment and shipment documents. Names are
 * matched exactly as 1C writes them (PROTOCOL.md §5.5), except that a Latin `C` in `1C` is accepted for the Cyrillic
 * `С` 1C uses. Values are trimmed; one that cannot be read is left out of its field (it stays in `requisites`) and
 * named in `problems`.
 */
import { createHash } from 'node:crypto'
import type { UploadedDocument } from './upload-reader.js'

export interface OrderFacts {
  /** `Ид`: 1C's document UUID, kept as the external reference. */
  onecId: string | null
  /** `Номер`: our order number as 1C keeps it. */
  onecNumber: string | null
  number1c: string | null
  /** 1C's wall-clock time, `YYYY-MM-DDTHH:MM:SS` (1C writes no offset). */
  date1c: string | null
  posted: boolean | null
  deletionMark: boolean | null
  cancelled: boolean | null
  paymentNumber1c: string | null
  paymentDate1c: string | null
  shipmentNumber1c: string | null
  shipmentDate1c: string | null
  /** Every requisite of the document; a name given twice keeps its last value, as 1C's СвойстваЗаказа does. */
  requisites: Record<string, string>
}

export interface ReadFacts {
  facts: OrderFacts
  problems: string[]
  /** sha256 over the facts: equal exactly when 1C reported the same thing. */
  contentHash: string
}

export const REQUISITES = {
  number1c: 'Номер по 1С',
  date1c: 'Дата по 1С',
  posted: 'Проведен',
  deletionMark: 'ПометкаУдаления',
  cancelled: 'Отменен',
  paymentNumber1c: 'Номер оплаты по 1С',
  paymentDate1c: 'Дата оплаты по 1С',
  shipmentNumber1c: 'Номер отгрузки по 1С',
  shipmentDate1c: 'Дата отгрузки по 1С',
} as const

/** `Номер по 1C` (Latin C) → `Номер по 1С`; inner runs of spaces → one space. */
function canonicalName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().replace(/1C/g, '1С')
}

/** PROTOCOL.md §8: `true`/`false`, lowercase; any letter case is read. */
function readBoolean(value: string): boolean | null {
  const lower = value.toLowerCase()
  return lower === 'true' ? true : lower === 'false' ? false : null
}

/**
 * PROTOCOL.md §8: `yyyy-MM-ddTHH:mm:ss`. A bare date, a space instead of `T`, and Bitrix's `dd.mm.yyyy hh:mm:ss` are
 * read too. 1C's empty date (`0001-01-01T00:00:00`) is no date. Returns undefined when unreadable.
 */
function readDateTime(value: string): string | null | undefined {
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2}))?$/.exec(value)
  let parts: string[] | undefined
  if (match) parts = [match[1]!, match[2]!, match[3]!, match[4] ?? '00', match[5] ?? '00', match[6] ?? '00']
  else {
    match = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{1,2}):(\d{2}):(\d{2}))?$/.exec(value)
    if (match) parts = [match[3]!, match[2]!, match[1]!, (match[4] ?? '00').padStart(2, '0'), match[5] ?? '00', match[6] ?? '00']
  }
  if (!parts) return undefined
  const [year, month, day, hour, minute, second] = parts.map(Number) as [number, number, number, number, number, number]
  if (year <= 1) return null
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  return `${parts[0]}-${parts[1]}-${parts[2]}T${parts[3]}:${parts[4]}:${parts[5]}`
}

export function readOrderFacts(doc: UploadedDocument): ReadFacts {
  const requisites: Record<string, string> = {}
  for (const { name, value } of doc.requisites) requisites[canonicalName(name)] = value
  const problems: string[] = []
  const text = (name: string) => {
    const value = requisites[name]
    return value === undefined || value === '' ? null : value
  }
  const flag = (name: string) => {
    const value = text(name)
    if (value === null) return null
    const read = readBoolean(value)
    if (read === null) problems.push(`«${name}» is "${value.slice(0, 40)}", not true or false`)
    return read
  }
  const dateTime = (name: string) => {
    const value = text(name)
    if (value === null) return null
    const read = readDateTime(value)
    if (read === undefined) problems.push(`«${name}» is "${value.slice(0, 40)}", not a date yyyy-MM-ddTHH:mm:ss`)
    return read ?? null
  }
  const facts: OrderFacts = {
    onecId: doc.id,
    onecNumber: doc.number,
    number1c: text(REQUISITES.number1c),
    date1c: dateTime(REQUISITES.date1c),
    posted: flag(REQUISITES.posted),
    deletionMark: flag(REQUISITES.deletionMark),
    cancelled: flag(REQUISITES.cancelled),
    paymentNumber1c: text(REQUISITES.paymentNumber1c),
    paymentDate1c: dateTime(REQUISITES.paymentDate1c),
    shipmentNumber1c: text(REQUISITES.shipmentNumber1c),
    shipmentDate1c: dateTime(REQUISITES.shipmentDate1c),
    requisites,
  }
  // Keys sorted, so the hash does not depend on the order 1C wrote the requisites in.
  const canonical = JSON.stringify({ ...facts, requisites: Object.fromEntries(Object.entries(requisites).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) })
  return { facts, problems, contentHash: createHash('sha256').update(canonical).digest('hex') }
}
