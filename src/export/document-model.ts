/**
 * The CommerceML order document as a model (../shared/commerceml/PROTOCOL.md §5): `toDocumentModel(order, settings)`
 * maps a platform order to a `DocumentModel`, a plain object that says, in CommerceML's own words, what goes into one
 * `Документ`. All business decisions (who the buyer is, VAT, payment facts, statuses, time zones, refusing orders 1C
 * would mis-book) are taken here; order-document.ts only writes the model.
 */
import type { IntegrationSettings } from '../integration/settings.schema.js'
import type { OrderStatus, VatRate } from '../olvery/olvery.schema.js'
import type { PlatformOrder, PlatformOrderItem } from '../olvery/platform-order.js'
import { counterpartyOf, type CounterpartyModel } from './counterparty.js'
import { derivePaymentFacts, formatMoney, parseMoney } from './payment-rules.js'
import { wallClock, type WallClock } from './wall-clock.js'
import { clip, LINE_ID_MAX, NAME_MAX, present, sanitizeXmlText, VALUE_MAX, withOptional, GLOBAL_ID_MAX } from './xml-text.js'

export interface TaxModel {
  Наименование: string
  УчтеноВСумме?: boolean
  Сумма: string
  /** Integer percent as text (`20`, `10`), never `0.2` (§5.4). */
  Ставка?: string
}

interface DiscountModel {
  Наименование: string
  Сумма: string
  Процент?: string
  /** Must be `true` when present, or [BED] subtracts the discount a second time (§5.4). */
  УчтеноВСумме?: boolean
  Комментарий?: string
}

interface UnitModel {
  /** OKEI code, 3–4 characters (XSD ЕдиницаТип). */
  Код?: string
  НаименованиеПолное?: string
  /** ≤ 3 characters (XSD Строка3). */
  МеждународноеСокращение?: string
  /** The element's text, e.g. `шт`. */
  Наименование: string
}

export interface RequisiteModel {
  Наименование: string
  /** Booleans are written `true`/`false`, lowercase (§5.1). */
  Значение: string | boolean
}

export interface LineModel {
  /** On every line, ≤ 80 characters, no `#` (§5.1, §5.4). */
  Ид: string
  Артикул?: string
  Наименование: string
  БазоваяЕдиница: UnitModel
  СтавкиНалогов?: Array<{ Наименование: string; Ставка: string }>
  /** `ВидНоменклатуры` and `ТипНоменклатуры` (§5.4). */
  ЗначенияРеквизитов: RequisiteModel[]
  ЦенаЗаЕдиницу: string
  Количество: string
  Сумма: string
  Налоги?: TaxModel[]
  Скидки?: DiscountModel[]
}

export interface DocumentModel {
  Ид: string
  Номер: string
  /** `YYYY-MM-DD`. */
  Дата: string
  ХозОперация: 'Заказ товара'
  Роль: 'Продавец'
  Валюта: string
  Курс: string
  Сумма: string
  Контрагент: CounterpartyModel
  /** `HH:MM:SS`. */
  Время?: string
  Комментарий?: string
  Налоги?: TaxModel[]
  Товары: LineModel[]
  ЗначенияРеквизитов: RequisiteModel[]
}

/**
 * The order cannot be sent as it is: 1C would duplicate it, mis-book it or fail the whole batch on it. The export
 * journals the order with `reason`; it is never silently dropped (EXPORT-SEMANTICS.md, rule 7).
 */
export class OrderNotExportableError extends Error {
  readonly code = 'ORDER_NOT_EXPORTABLE'
  readonly orderId: string
  readonly orderNumber: string
  readonly reason: string
  constructor(order: Pick<PlatformOrder, 'id' | 'number'>, reason: string) {
    super(`Order ${JSON.stringify(order.number)} (${order.id}) cannot be sent to 1C: ${reason}`)
    this.name = 'OrderNotExportableError'
    this.orderId = order.id
    this.orderNumber = order.number
    this.reason = reason
  }
}

/** §5.2: [BED] looks earlier loads up in a `Строка(11)` column; a longer number duplicates the order on every re-send. */
const NUMBER_MAX = 11

/**
 * Stable status keys for the 1C operator's mapping table («Статус заказа» `[<code>] <name>`, «Статуса заказа ИД»
 * the code; §5.5). Never change a published code: 1C matches the text exactly.
 */
const ORDER_STATUSES: Readonly<Record<OrderStatus, { code: string; name: string; final: boolean }>> = {
  new: { code: 'N', name: 'Принят', final: false },
  in_progress: { code: 'W', name: 'В работе', final: false },
  done: { code: 'D', name: 'Выполнен', final: true },
  closed: { code: 'F', name: 'Закрыт', final: true },
  cancelled: { code: 'C', name: 'Отменен', final: true },
}

/**
 * OKEI units 1C knows: full name and international code (≤ 3 characters; none for «Условная единица»). An unknown
 * code is sent with the platform's short name only.
 */
const OKEI_UNITS: Readonly<Record<string, { full: string; international?: string }>> = {
  '006': { full: 'Метр', international: 'MTR' },
  '055': { full: 'Квадратный метр', international: 'MTK' },
  '112': { full: 'Литр', international: 'LTR' },
  '163': { full: 'Грамм', international: 'GRM' },
  '166': { full: 'Килограмм', international: 'KGM' },
  '355': { full: 'Минута', international: 'MIN' },
  '356': { full: 'Час', international: 'HUR' },
  '359': { full: 'Сутки', international: 'DAY' },
  '362': { full: 'Месяц', international: 'MON' },
  '796': { full: 'Штука', international: 'PCE' },
  '876': { full: 'Условная единица' },
}

const VAT = 'НДС'

/** Integer percent as text (§5.4); null for lines without VAT. */
function vatRateText(rate: VatRate): string | null {
  return rate === 'none' ? null : String(Number.parseInt(rate, 10))
}

const QUANTITY = /^(\d+)(?:\.(\d*))?$/

/** numeric(14,3) → the shortest decimal: `'2.000'` → `'2'`, `'1.500'` → `'1.5'`. Null when not a decimal ≥ 0. */
export function formatQuantity(text: string): string | null {
  const match = QUANTITY.exec(text.trim())
  if (!match) return null
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '')
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  return fraction ? `${whole}.${fraction}` : whole
}

function unitOf(item: PlatformOrderItem): UnitModel {
  const code = item.unitCode.trim()
  const known = OKEI_UNITS[code]
  const unit: UnitModel = { Наименование: clip(item.unitName, NAME_MAX) }
  if (code.length >= 3 && code.length <= 4) unit.Код = code
  if (known) {
    unit.НаименованиеПолное = known.full
    if (known.international && known.international.length <= 3) unit.МеждународноеСокращение = known.international
  }
  return unit
}

const HOUR_MS = 3_600_000
/** Per zone, per hour of UTC time: the zone's offset in that whole hour, or null when it changes within the hour. */
const hourOffsets = new Map<string, Map<number, number | null>>()

function offsetAt(instant: number, zone: string): number {
  return Date.parse(`${wallClock(new Date(instant), zone).dateTime}Z`) - instant
}

/**
 * `wallClock(instant, zone)`, the same text, with the zone's rules asked once per hour of UTC time instead of once per
 * date: an order's document has several dates, and a batch thousands of orders. An hour in which the offset changes
 * (a DST change at a half hour, say) is left to `wallClock` itself.
 */
export function hourlyWallClock(instant: Date, zone: string): WallClock {
  const ms = instant.getTime()
  const hour = Math.floor(ms / HOUR_MS)
  let byHour = hourOffsets.get(zone)
  if (!byHour) hourOffsets.set(zone, (byHour = new Map<number, number | null>()))
  let offset = byHour.get(hour)
  if (offset === undefined) {
    const start = offsetAt(hour * HOUR_MS, zone)
    offset = start === offsetAt(hour * HOUR_MS + HOUR_MS - 1000, zone) ? start : null
    if (byHour.size >= 100_000) byHour.clear()
    byHour.set(hour, offset)
  }
  if (offset === null) return wallClock(instant, zone)
  const local = new Date(ms + offset)
  const two = (n: number) => String(n).padStart(2, '0')
  const date = `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`
  return { date, time, dateTime: `${date}T${time}` }
}

/**
 * Maps a platform order to the document 1C receives for it now. Throws `OrderNotExportableError` when 1C would
 * duplicate the order (`Номер` > 11 characters), mis-book it (the order total differs from the sum of its lines, a
 * line without a positive quantity, no lines) or fail the batch on it (no 3-letter currency, unknown time zone).
 */
export function toDocumentModel(order: PlatformOrder, settings: IntegrationSettings): DocumentModel {
  const refuse = (reason: string): never => {
    throw new OrderNotExportableError(order, reason)
  }
  const money = (text: string, what: string): bigint => {
    try {
      return parseMoney(text)
    } catch {
      return refuse(`${what} ${JSON.stringify(text)} is not an amount with at most 2 decimals`)
    }
  }

  const number = sanitizeXmlText(order.number).trim()
  if (number === '') refuse('the order has no number; 1C identifies orders by Номер')
  if (Array.from(number).length > NUMBER_MAX) {
    refuse(`Номер ${JSON.stringify(number)} is longer than ${NUMBER_MAX} characters; 1C would create a duplicate on every re-send (PROTOCOL.md §5.2)`)
  }
  const currency = (settings.currency ?? order.currency ?? '').trim()
  if (Array.from(currency).length !== 3) refuse(`currency ${JSON.stringify(currency)} is not a 3-letter code (Валюта)`)
  const timeZone = settings.timezone ?? order.timezone
  let at: (instant: Date) => WallClock
  try {
    wallClock(order.createdAt, timeZone)
    at = (instant) => hourlyWallClock(instant, timeZone)
  } catch {
    return refuse(`unknown time zone ${JSON.stringify(timeZone)}`)
  }
  if (order.items.length === 0) refuse('the order has no lines; 1C needs at least one Товар (PROTOCOL.md §5.4)')

  // Lines (§5.4)
  let linesTotal = 0n
  let vatTotal = 0n
  const rates = new Set<string | null>()
  const lines = order.items.map((item): LineModel => {
    const quantity = formatQuantity(item.quantity)
    if (quantity === null || !/[1-9]/.test(quantity)) {
      refuse(`line ${item.lineNo} has quantity ${JSON.stringify(item.quantity)}; 1C skips lines without a positive quantity (PROTOCOL.md §5.4)`)
    }
    const amount = money(item.amount, `line ${item.lineNo} amount`)
    const price = money(item.price, `line ${item.lineNo} price`)
    const discount = money(item.discount, `line ${item.lineNo} discount`)
    const rate = vatRateText(item.vatRate)
    const vat = rate === null ? 0n : money(item.vatAmount, `line ${item.lineNo} VAT`)
    linesTotal += amount
    vatTotal += vat
    rates.add(rate)
    const kind = item.kind === 'goods' ? 'Товар' : 'Услуга'
    const id = (present(item.serviceId) ?? item.id).replaceAll('#', '-')
    return withOptional<LineModel>(
      {
        Ид: clip(id, LINE_ID_MAX),
        Наименование: clip(item.name, NAME_MAX),
        БазоваяЕдиница: unitOf(item),
        ЗначенияРеквизитов: [
          { Наименование: 'ВидНоменклатуры', Значение: kind },
          { Наименование: 'ТипНоменклатуры', Значение: kind },
        ],
        ЦенаЗаЕдиницу: formatMoney(price),
        Количество: quantity!,
        Сумма: formatMoney(amount),
      },
      {
        Артикул: present(item.sku) && clip(item.sku!, NAME_MAX),
        СтавкиНалогов: rate === null ? undefined : [{ Наименование: VAT, Ставка: rate }],
        Налоги: rate === null ? undefined : [{ Наименование: VAT, УчтеноВСумме: true, Сумма: formatMoney(vat), Ставка: rate }],
        Скидки: discount > 0n ? [{ Наименование: 'Скидка на товар', Сумма: formatMoney(discount), УчтеноВСумме: true }] : undefined,
      },
    )
  })

  // Document Сумма = Σ line Сумма (§5.2); a platform total that disagrees would be booked wrongly.
  const total = money(order.total, 'order total')
  if (total !== linesTotal) {
    refuse(`the order total ${formatMoney(total)} differs from the sum of its lines ${formatMoney(linesTotal)}`)
  }

  // Document VAT (§5.2): only when some line has VAT; Ставка only when every line has that same rate.
  let taxes: TaxModel[] | undefined
  if ([...rates].some((rate) => rate !== null)) {
    const [only] = rates
    taxes = [
      withOptional<TaxModel>(
        { Наименование: VAT, УчтеноВСумме: true, Сумма: formatMoney(vatTotal) },
        { Ставка: rates.size === 1 && only != null ? only : undefined },
      ),
    ]
  }

  // Requisites (§5.5–§5.7)
  const payment = derivePaymentFacts(order.payments, settings.paymentRules)
  const status = ORDER_STATUSES[order.status] ?? refuse(`unknown order status ${JSON.stringify(order.status)}`)
  const cancelled = order.status === 'cancelled'
  const requisites: RequisiteModel[] = [{ Наименование: 'Метод оплаты', Значение: clip(settings.paymentMethodName, VALUE_MAX) }]
  const methodId = present(settings.paymentMethodId)
  if (methodId) requisites.push({ Наименование: 'Метод оплаты ИД', Значение: clip(methodId, VALUE_MAX) })
  requisites.push({ Наименование: 'Заказ оплачен', Значение: payment.paid })
  // УНФ reads «Дата оплаты» as a date only; a date-time gives an empty date (§5.5).
  if (payment.paidAt) requisites.push({ Наименование: 'Дата оплаты', Значение: at(payment.paidAt).date })
  if (payment.externalId) requisites.push({ Наименование: 'Номер платежного документа', Значение: clip(payment.externalId, VALUE_MAX) })
  requisites.push({ Наименование: 'Отменен', Значение: cancelled })
  if (cancelled) requisites.push({ Наименование: 'Дата отмены заказа', Значение: at(order.cancelledAt ?? order.updatedAt).dateTime })
  requisites.push(
    { Наименование: 'Финальный статус', Значение: status.final },
    { Наименование: 'Статус заказа', Значение: `[${status.code}] ${status.name}` },
    { Наименование: 'Статуса заказа ИД', Значение: status.code },
    { Наименование: 'Дата изменения статуса', Значение: at(order.updatedAt).dateTime },
  )
  const comment = present(order.comment)
  if (comment) requisites.push({ Наименование: 'Комментарии покупателя', Значение: clip(comment, VALUE_MAX) })
  // §5.7: «Заказ оплачен» stays true; the refund is told in its own requisites.
  if (payment.refund) {
    requisites.push(
      { Наименование: 'Возврат оплаты', Значение: true },
      { Наименование: 'Дата возврата', Значение: at(payment.refund.refundedAt).date },
      { Наименование: 'Сумма возврата', Значение: payment.refund.amount },
    )
  }

  const created = at(order.createdAt)
  return withOptional<DocumentModel>(
    {
      Ид: clip(order.id, GLOBAL_ID_MAX),
      Номер: number,
      Дата: created.date,
      ХозОперация: 'Заказ товара',
      Роль: 'Продавец',
      Валюта: currency,
      Курс: '1',
      Сумма: formatMoney(linesTotal),
      Контрагент: counterpartyOf(order.customer),
      Время: created.time,
      Товары: lines,
      ЗначенияРеквизитов: requisites,
    },
    { Налоги: taxes },
  )
}
