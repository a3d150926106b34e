/**
 * "Did 1C get order A-123?" answered in plain Russian from the API's order status (OrderDeliveryStatus of
 * openapi.yaml): one sentence that answers the question, then the facts behind it. No DOM: unit tests import it.
 */
import { count, formatDateTime } from './format.js'
import type { components } from './generated/openapi.types.js'

type Status = components['schemas']['OrderDeliveryStatus']
type Report = components['schemas']['OrderReport']

type Tone = 'ok' | 'wait' | 'warn' | 'info'

export interface DeliveryWords {
  /** The answer: «Да, 1С получила…», «Нет, …», «…ещё не подтвердила…». */
  headline: string
  tone: Tone
  details: string[]
}

const batch = (id: number | null | undefined) => (id === null || id === undefined ? '' : ` (пакет № ${id})`)

/** `2026-03-10T14:31:07` as 1C wrote it (its own wall clock, no offset) → «10.03.2026 14:31». */
export function formatWallClock(value: string | null): string {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value) : null
  if (!match) return value ?? ''
  const [, y, m, d, hh, mm] = match
  return `${d}.${m}.${y}${hh ? ` ${hh}:${mm}` : ''}`
}

function ruleWords(rule: { status?: string | null; gateway?: string | null }): string {
  const parts = [rule.status ? `статус «${rule.status}»` : '', rule.gateway ? `платёжный шлюз «${rule.gateway}»` : ''].filter(Boolean)
  return parts.join(', ')
}

function paymentWords(payment: Status['payments'][number]): string {
  const paid = payment.paidAt ? `, оплачен ${formatDateTime(payment.paidAt)}` : ''
  const fits = payment.matchesRules ? 'подходит под правила' : 'не подходит под правила'
  return `Платёж ${payment.amount} через ${payment.gateway}, статус «${payment.status}»${paid}: ${fits}.`
}

/** What 1C reported about the order in its uploads (PROTOCOL.md §8), as one paragraph. */
function reportWords(report: Report): string {
  const facts: string[] = []
  const number = report.number1c ?? report.onecNumber
  if (number) facts.push(`заказ покупателя № ${number}${report.date1c ? ` от ${formatWallClock(report.date1c)}` : ''}`)
  if (report.posted !== null) facts.push(report.posted ? 'проведён' : 'не проведён')
  if (report.deletionMark) facts.push('помечен на удаление')
  if (report.cancelled) facts.push('отменён')
  if (report.paymentNumber1c) facts.push(`оплата № ${report.paymentNumber1c}${report.paymentDate1c ? ` от ${formatWallClock(report.paymentDate1c)}` : ''}`)
  if (report.shipmentNumber1c) facts.push(`отгрузка № ${report.shipmentNumber1c}${report.shipmentDate1c ? ` от ${formatWallClock(report.shipmentDate1c)}` : ''}`)
  const source = report.filename ? ` (файл ${report.filename}, получен ${formatDateTime(report.reportedAt)})` : ` (${formatDateTime(report.reportedAt)})`
  return `1С сообщила о заказе: ${facts.length ? facts.join(', ') : 'без подробностей'}${source}.`
}

function answer(status: Status): Omit<DeliveryWords, 'details'> {
  const n = status.number
  const sent = status.lastSent
  const acked = status.lastAcknowledged
  if (status.reason === 'other company') return { tone: 'info', headline: `Заказ ${n} — заказ другой компании: эта интеграция его не выгружает.` }
  if (status.reason === 'excluded') {
    const why = status.excluded?.reason ? `: ${status.excluded.reason}` : ''
    const who = status.excluded?.by ? ` ${status.excluded.by}` : ''
    return { tone: 'info', headline: `Заказ ${n} исключён из выгрузки администратором${who} ${formatDateTime(status.excluded?.at)}${why}. Пока он исключён, 1С его не получит, как бы он ни менялся.` }
  }
  if (!status.inScope) {
    return { tone: 'info', headline: `Нет: заказ ${n} не попадает в выгрузку — ни один его платёж не подходит под правила интеграции.` }
  }
  if (status.notExportable) {
    return { tone: 'warn', headline: `Заказ ${n} нельзя отправить в 1С: ${status.notExportable}` }
  }
  if (acked && acked.fingerprint !== null) {
    const got = `1С получила заказ ${n} и подтвердила загрузку ${formatDateTime(acked.at)}${batch(acked.batchId)}`
    if (!status.pending) return { tone: 'ok', headline: `Да, ${got}. С тех пор заказ не менялся.` }
    if (sent && sent.fingerprint === status.currentFingerprint && sent.batchId !== acked.batchId) {
      return {
        tone: 'wait',
        headline: `${got}, но потом заказ изменился: новая версия отправлена ${formatDateTime(sent.at)}${batch(sent.batchId)}, 1С ещё не подтвердила её загрузку.`,
      }
    }
    return { tone: 'wait', headline: `${got}, но потом заказ изменился: новая версия уйдёт в 1С при следующем обмене.` }
  }
  if (acked) {
    return { tone: 'wait', headline: `Заказ ${n} поставлен на повторную выгрузку: 1С получала его ${formatDateTime(acked.at)}, он уйдёт снова при следующем обмене.` }
  }
  if (sent) {
    const again = status.pending && sent.fingerprint !== status.currentFingerprint ? ' С тех пор он изменился: новая версия уйдёт при следующем обмене.' : ''
    return { tone: 'wait', headline: `Заказ ${n} отправлен в 1С ${formatDateTime(sent.at)}${batch(sent.batchId)}, но 1С ещё не подтвердила его загрузку.${again}` }
  }
  if (status.pending) return { tone: 'wait', headline: `Нет, 1С ещё не получала заказ ${n}: он уйдёт при следующем обмене.` }
  return { tone: 'info', headline: `1С не получала заказ ${n}, и сейчас он не ожидает отправки.` }
}

export function describeDelivery(status: Status): DeliveryWords {
  const details: string[] = []
  if (status.isolated) {
    details.push('1С раз за разом не загружает пакеты с этим заказом, поэтому он отправляется отдельно от других. Посмотрите журнал обмена в 1С: там написано, что ей мешает.')
  } else if (status.unacknowledgedServes >= 3) {
    details.push(`Заказ отправлен ${count(status.unacknowledgedServes, ['раз', 'раза', 'раз'])} без подтверждения: похоже, 1С не может его загрузить.`)
  }
  if (status.reason === 'tracked') {
    details.push('Платежей, подходящих под правила, больше нет, но 1С уже получала этот заказ, поэтому его изменения (возврат, отмена) по-прежнему уходят в 1С.')
  }
  if (status.matchedRule) details.push(`Подходит под правило: ${ruleWords(status.matchedRule)}.`)
  if (status.payments.length === 0) details.push('У заказа нет платежей.')
  for (const payment of status.payments) details.push(paymentWords(payment))
  if (status.reportedBy1C) details.push(reportWords(status.reportedBy1C))
  return { ...answer(status), details }
}
