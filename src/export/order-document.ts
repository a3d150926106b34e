/**
 * The CommerceML 2.08 order document (../shared/commerceml/PROTOCOL.md §4, §5, §9), in two layers:
 *
 * 1. `toDocumentModel(order, settings)` maps a platform order to a `DocumentModel`: a plain object that says, in
 *    CommerceML's own words, what goes into one `Документ`. All business decisions (who the buyer is, VAT, payment
 *    facts, statuses, time zones, refusing orders 1C would mis-book) are taken here.
 * 2. `renderOrderDocument(model)` writes the `<Документ>…</Документ>` fragment, byte for byte in the layout of
 *    `examples/order-service-card.xml`: 2-space indentation, the `Документ` at depth 1, elements in XSD order, every
 *    value through one sanitizer. A fragment is a string per document, so a batch is
 *    `documentHeader(…) + fragments.join('') + documentFooter()`, and a fragment is also what the fingerprint hashes.
 *
 * The document declares no namespace (§5.1, §5.9); tests validate it against the XSD with the namespace injected (§9).
 */
import type { DocumentEncoding, IntegrationSettings } from '../integrations/settings.schema.js'
import type { PlatformCustomer, PlatformOrder, PlatformOrderItem } from '../olvery/platform-order.js'
import type { OrderStatus, VatRate } from '../olvery/olvery.schema.js'
import { derivePaymentFacts, formatMoney, parseMoney } from './payment-rules.js'

// ---------------------------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------------------------

/** XSD АдресТип. */
export type AddressFieldType =
  | 'Почтовый индекс'
  | 'Страна'
  | 'Регион'
  | 'Район'
  | 'Населенный пункт'
  | 'Город'
  | 'Улица'
  | 'Дом'
  | 'Корпус'
  | 'Квартира'

/** XSD КонтактТип. УТ recognises only `Почта` and `Телефон рабочий` (§5.3). */
export type ContactType =
  | 'Телефон внутренний'
  | 'Телефон рабочий'
  | 'Телефон мобильный'
  | 'Телефон домашний'
  | 'Пейджер'
  | 'Факс'
  | 'Почта'
  | 'ICQ'
  | 'ВебСайт'
  | 'Координаты на карте'
  | 'Прочее'

export interface AddressModel {
  Представление: string
  Комментарий?: string
  АдресноеПоле?: Array<{ Тип: AddressFieldType; Значение: string }>
}

export interface ContactModel {
  Тип: ContactType
  Значение: string
  Комментарий?: string
}

interface CounterpartyCommon {
  /** ≤ 40, stable per customer (§5.3). */
  Ид?: string
  Наименование?: string
  Комментарий?: string
  Адрес?: AddressModel
  Контакты?: ContactModel[]
  /** Written last (§5.3). */
  Роль: 'Покупатель'
}

/** A buyer with ОфициальноеНаименование is a legal entity in 1C [BED ЗаполнитьДанныеКонтрагента]. */
export interface LegalEntityModel extends CounterpartyCommon {
  kind: 'legal'
  ОфициальноеНаименование: string
  ЮридическийАдрес?: AddressModel
  ИНН?: string
  КПП?: string
}

/** A person; with an ИНН (12 digits) and no ОфициальноеНаименование, УТ creates an ИП. */
export interface PersonModel extends CounterpartyCommon {
  kind: 'person'
  ПолноеНаименование: string
  Фамилия?: string
  Имя?: string
  Отчество?: string
  ИНН?: string
}

export type CounterpartyModel = LegalEntityModel | PersonModel

export interface TaxModel {
  Наименование: string
  УчтеноВСумме?: boolean
  Сумма: string
  /** Integer percent as text (`20`, `10`), never `0.2` (§5.4). */
  Ставка?: string
}

export interface DiscountModel {
  Наименование: string
  Сумма: string
  Процент?: string
  /** Must be `true` when present, or [BED] subtracts the discount a second time (§5.4). */
  УчтеноВСумме?: boolean
  Комментарий?: string
}

export interface UnitModel {
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

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// Text: one sanitizer for every value, escaping, length limits
// ---------------------------------------------------------------------------------------------------------------

/**
 * Characters XML 1.0 forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF, unpaired surrogates),
 * and U+FFFD, which makes УНФ re-decode the body as another charset (§4).
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const NEEDS_TEXT_WORK = /[\u0000-\u0008\u000B\u000C\u000D-\u001F&<>\uD800-\uDFFF\uFFFD\uFFFE\uFFFF]/
const NEEDS_ATTRIBUTE_WORK = /[\u0000-\u001F&<>"\uD800-\uDFFF\uFFFD\uFFFE\uFFFF]/

/** Removes what XML 1.0 forbids, and U+FFFD (§4). */
export function sanitizeXmlText(value: string): string {
  return value.replace(FORBIDDEN, '')
}

/**
 * Text content: sanitized, `& < >` escaped. CR is written `&#xD;` because a parser turns a literal CR into LF.
 */
export function escapeXmlText(value: string): string {
  if (!NEEDS_TEXT_WORK.test(value)) return value
  return sanitizeXmlText(value).replace(/[&<>\r]/g, (ch) => TEXT_ESCAPES[ch]!)
}

/** Attribute values: as text, plus `"`, and TAB/LF/CR as references so attribute normalisation keeps them. */
export function escapeXmlAttribute(value: string): string {
  if (!NEEDS_ATTRIBUTE_WORK.test(value)) return value
  return sanitizeXmlText(value).replace(/[&<>"\t\n\r]/g, (ch) => ATTRIBUTE_ESCAPES[ch]!)
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' }
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;' }

/** Sanitized, trimmed, and cut to `max` characters (code points, as the XSD counts them). */
function clip(value: string, max: number): string {
  const text = sanitizeXmlText(value).trim()
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('').trimEnd()
}

/** A trimmed non-empty value, or undefined. */
function present(value: string | null | undefined): string | undefined {
  if (value == null) return undefined
  const text = sanitizeXmlText(value).trim()
  return text === '' ? undefined : text
}

// XSD limits (commerceml-2.08.xsd simple types)
const NAME_MAX = 255 // НаименованиеТип, СтрокаТип, АртикулТип
const COMMENT_MAX = 3000 // КомментарийТип
const VALUE_MAX = 1000 // ЗначениеТип
const GLOBAL_ID_MAX = 40 // ИдентификаторГлобальныйТип
const LINE_ID_MAX = 80 // Идентификатор80
/** §5.2: [BED] looks earlier loads up in a `Строка(11)` column; a longer number duplicates the order on every re-send. */
export const NUMBER_MAX = 11

// ---------------------------------------------------------------------------------------------------------------
// Wall-clock dates in a time zone
// ---------------------------------------------------------------------------------------------------------------

export interface WallClock {
  /** `YYYY-MM-DD` */
  date: string
  /** `HH:MM:SS` */
  time: string
  /** `YYYY-MM-DDTHH:MM:SS` (xsd:dateTime without an offset) */
  dateTime: string
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * The wall-clock time of `instant` in `timeZone`, without an offset: `Дата`, `Время` and `ДатаФормирования` are
 * local to the order's location (§5.2). Throws `RangeError` for an unknown zone.
 */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value
  const year = (parts['year'] ?? '').padStart(4, '0')
  const hour = parts['hour'] === '24' ? '00' : (parts['hour'] ?? '')
  const date = `${year}-${parts['month']}-${parts['day']}`
  const time = `${hour}:${parts['minute']}:${parts['second']}`
  return { date, time, dateTime: `${date}T${time}` }
}

// ---------------------------------------------------------------------------------------------------------------
// Platform order → model
// ---------------------------------------------------------------------------------------------------------------

/**
 * Stable status keys for the 1C operator's mapping table («Статус заказа» `[<code>] <name>`, «Статуса заказа ИД»
 * the code; §5.5). Never change a published code: 1C matches the text exactly.
 */
export const ORDER_STATUSES: Readonly<Record<OrderStatus, { code: string; name: string; final: boolean }>> = {
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
export const OKEI_UNITS: Readonly<Record<string, { full: string; international?: string }>> = {
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

function contactsOf(customer: PlatformCustomer): ContactModel[] | undefined {
  const contacts: ContactModel[] = []
  const email = present(customer.email)
  const phone = present(customer.phone)
  if (email) contacts.push({ Тип: 'Почта', Значение: clip(email, NAME_MAX) })
  if (phone) contacts.push({ Тип: 'Телефон рабочий', Значение: clip(phone, NAME_MAX) })
  return contacts.length ? contacts : undefined
}

function addressOf(text: string | null): AddressModel | undefined {
  const value = present(text)
  return value ? { Представление: clip(value, NAME_MAX) } : undefined
}

/** Puts optional members only when they have a value, so the model compares and prints cleanly. */
function withOptional<T extends object>(base: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (base as Record<string, unknown>)[key] = value
  return base
}

/**
 * §5.3: a customer acting for a resident company is that company (a legal entity, or an ИП as a person with a
 * 12-digit ИНН); otherwise the person. ИНН and КПП that do not have the legal shape are left out rather than sent
 * to 1C, which finds and creates counterparties by them.
 */
function counterpartyOf(customer: PlatformCustomer): CounterpartyModel {
  const company = customer.company
  const common = { Адрес: addressOf(customer.premises), Контакты: contactsOf(customer) }
  if (company && company.kind === 'legal') {
    const official = clip(company.fullName, NAME_MAX)
    const inn = present(company.inn)
    const kpp = present(company.kpp)?.toUpperCase()
    return withOptional<LegalEntityModel>(
      {
        kind: 'legal',
        Ид: clip(company.id, GLOBAL_ID_MAX),
        Наименование: present(company.shortName) ? clip(company.shortName!, NAME_MAX) : official,
        ОфициальноеНаименование: official,
        Роль: 'Покупатель',
      },
      {
        ЮридическийАдрес: addressOf(company.legalAddress),
        ИНН: inn && /^\d{10}$/.test(inn) ? inn : undefined,
        КПП: kpp && /^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp) ? kpp : undefined,
        ...common,
      },
    )
  }
  if (company && company.kind === 'sole_trader') {
    const name = clip(company.fullName, NAME_MAX)
    const inn = present(company.inn)
    return withOptional<PersonModel>(
      { kind: 'person', Ид: clip(company.id, GLOBAL_ID_MAX), Наименование: name, ПолноеНаименование: name, Роль: 'Покупатель' },
      { ИНН: inn && /^\d{12}$/.test(inn) ? inn : undefined, ...common },
    )
  }
  const lastName = present(customer.lastName)
  const firstName = present(customer.firstName)
  const middleName = present(customer.middleName)
  const fullName =
    [lastName, firstName, middleName].filter(Boolean).join(' ') ||
    present(customer.email) ||
    present(customer.phone) ||
    `Покупатель ${customer.id}`
  const name = clip(fullName, NAME_MAX)
  return withOptional<PersonModel>(
    { kind: 'person', Ид: clip(customer.id, GLOBAL_ID_MAX), Наименование: name, ПолноеНаименование: name, Роль: 'Покупатель' },
    {
      Фамилия: lastName && clip(lastName, NAME_MAX),
      Имя: firstName && clip(firstName, NAME_MAX),
      Отчество: middleName && clip(middleName, NAME_MAX),
      ...common,
    },
  )
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
    at = (instant) => wallClock(instant, timeZone)
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

// ---------------------------------------------------------------------------------------------------------------
// Model → XML text
// ---------------------------------------------------------------------------------------------------------------

const INDENT = Array.from({ length: 12 }, (_, depth) => '  '.repeat(depth))

/** A minimal writer: one element per line, 2 spaces per level, every value escaped. */
class FragmentWriter {
  private out = ''
  private depth: number
  constructor(depth: number) {
    this.depth = depth
  }
  private indent(): string {
    return INDENT[this.depth] ?? '  '.repeat(this.depth)
  }
  open(name: string): void {
    this.out += `${this.indent()}<${name}>\n`
    this.depth++
  }
  close(name: string): void {
    this.depth--
    this.out += `${this.indent()}</${name}>\n`
  }
  leaf(name: string, value: string | boolean, attributes?: Array<[string, string | undefined]>): void {
    let attrs = ''
    if (attributes) for (const [key, attr] of attributes) if (attr !== undefined) attrs += ` ${key}="${escapeXmlAttribute(attr)}"`
    const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : escapeXmlText(value)
    this.out += `${this.indent()}<${name}${attrs}>${text}</${name}>\n`
  }
  optional(name: string, value: string | boolean | undefined): void {
    if (value !== undefined) this.leaf(name, value)
  }
  toString(): string {
    return this.out
  }
}

function writeAddress(w: FragmentWriter, name: string, address: AddressModel | undefined): void {
  if (!address) return
  w.open(name)
  w.leaf('Представление', address.Представление)
  w.optional('Комментарий', address.Комментарий)
  for (const field of address.АдресноеПоле ?? []) {
    w.open('АдресноеПоле')
    w.leaf('Тип', field.Тип)
    w.leaf('Значение', field.Значение)
    w.close('АдресноеПоле')
  }
  w.close(name)
}

/** XSD order (§5.3): Ид, Наименование, the legal-entity or the person group, Комментарий, Адрес, Контакты, Роль. */
function writeCounterparty(w: FragmentWriter, party: CounterpartyModel): void {
  w.open('Контрагент')
  w.optional('Ид', party.Ид)
  w.optional('Наименование', party.Наименование)
  if (party.kind === 'legal') {
    w.leaf('ОфициальноеНаименование', party.ОфициальноеНаименование)
    writeAddress(w, 'ЮридическийАдрес', party.ЮридическийАдрес)
    w.optional('ИНН', party.ИНН)
    w.optional('КПП', party.КПП)
  } else {
    w.leaf('ПолноеНаименование', party.ПолноеНаименование)
    w.optional('Фамилия', party.Фамилия)
    w.optional('Имя', party.Имя)
    w.optional('Отчество', party.Отчество)
    w.optional('ИНН', party.ИНН)
  }
  w.optional('Комментарий', party.Комментарий)
  writeAddress(w, 'Адрес', party.Адрес)
  if (party.Контакты?.length) {
    w.open('Контакты')
    for (const contact of party.Контакты) {
      w.open('Контакт')
      w.leaf('Тип', contact.Тип)
      w.leaf('Значение', contact.Значение)
      w.optional('Комментарий', contact.Комментарий)
      w.close('Контакт')
    }
    w.close('Контакты')
  }
  w.leaf('Роль', party.Роль)
  w.close('Контрагент')
}

function writeTaxes(w: FragmentWriter, taxes: TaxModel[] | undefined): void {
  if (!taxes?.length) return
  w.open('Налоги')
  for (const tax of taxes) {
    w.open('Налог')
    w.leaf('Наименование', tax.Наименование)
    w.optional('УчтеноВСумме', tax.УчтеноВСумме)
    w.leaf('Сумма', tax.Сумма)
    w.optional('Ставка', tax.Ставка)
    w.close('Налог')
  }
  w.close('Налоги')
}

function writeRequisites(w: FragmentWriter, requisites: RequisiteModel[]): void {
  if (!requisites.length) return
  w.open('ЗначенияРеквизитов')
  for (const requisite of requisites) {
    w.open('ЗначениеРеквизита')
    w.leaf('Наименование', requisite.Наименование)
    w.leaf('Значение', requisite.Значение)
    w.close('ЗначениеРеквизита')
  }
  w.close('ЗначенияРеквизитов')
}

/** XSD order (§5.4): Ид Артикул Наименование БазоваяЕдиница СтавкиНалогов ЗначенияРеквизитов ЦенаЗаЕдиницу Количество Сумма Налоги Скидки. */
function writeLine(w: FragmentWriter, line: LineModel): void {
  w.open('Товар')
  w.leaf('Ид', line.Ид)
  w.optional('Артикул', line.Артикул)
  w.leaf('Наименование', line.Наименование)
  const unit = line.БазоваяЕдиница
  w.leaf('БазоваяЕдиница', unit.Наименование, [
    ['Код', unit.Код],
    ['НаименованиеПолное', unit.НаименованиеПолное],
    ['МеждународноеСокращение', unit.МеждународноеСокращение],
  ])
  if (line.СтавкиНалогов?.length) {
    w.open('СтавкиНалогов')
    for (const rate of line.СтавкиНалогов) {
      w.open('СтавкаНалога')
      w.leaf('Наименование', rate.Наименование)
      w.leaf('Ставка', rate.Ставка)
      w.close('СтавкаНалога')
    }
    w.close('СтавкиНалогов')
  }
  writeRequisites(w, line.ЗначенияРеквизитов)
  w.leaf('ЦенаЗаЕдиницу', line.ЦенаЗаЕдиницу)
  w.leaf('Количество', line.Количество)
  w.leaf('Сумма', line.Сумма)
  writeTaxes(w, line.Налоги)
  if (line.Скидки?.length) {
    w.open('Скидки')
    for (const discount of line.Скидки) {
      w.open('Скидка')
      w.leaf('Наименование', discount.Наименование)
      w.leaf('Сумма', discount.Сумма)
      w.optional('Процент', discount.Процент)
      w.optional('УчтеноВСумме', discount.УчтеноВСумме)
      w.optional('Комментарий', discount.Комментарий)
      w.close('Скидка')
    }
    w.close('Скидки')
  }
  w.close('Товар')
}

/**
 * The `<Документ>…</Документ>` fragment, indented for depth 1 and ending with a newline. Element order is the XSD's
 * (§5.2): Время and Комментарий come after Контрагенты.
 */
export function renderOrderDocument(model: DocumentModel): string {
  const w = new FragmentWriter(1)
  w.open('Документ')
  w.leaf('Ид', model.Ид)
  w.leaf('Номер', model.Номер)
  w.leaf('Дата', model.Дата)
  w.leaf('ХозОперация', model.ХозОперация)
  w.leaf('Роль', model.Роль)
  w.leaf('Валюта', model.Валюта)
  w.leaf('Курс', model.Курс)
  w.leaf('Сумма', model.Сумма)
  w.open('Контрагенты')
  writeCounterparty(w, model.Контрагент)
  w.close('Контрагенты')
  w.optional('Время', model.Время)
  w.optional('Комментарий', model.Комментарий)
  writeTaxes(w, model.Налоги)
  w.open('Товары')
  for (const line of model.Товары) writeLine(w, line)
  w.close('Товары')
  writeRequisites(w, model.ЗначенияРеквизитов)
  w.close('Документ')
  return w.toString()
}

/** §5.9: 2.08, without a namespace. */
export const SCHEMA_VERSION = '2.08'

/**
 * The XML declaration and the root start tag (§5.2). The declaration names the encoding the body will be written
 * in (§4); nothing may precede it. `ДатаФормирования` is wall-clock time in `timezone`, without an offset.
 */
export function documentHeader(generatedAt: Date, timezone: string, encoding: DocumentEncoding): string {
  return (
    `<?xml version="1.0" encoding="${encoding}"?>\n` +
    `<КоммерческаяИнформация ВерсияСхемы="${SCHEMA_VERSION}" ДатаФормирования="${wallClock(generatedAt, timezone).dateTime}">\n`
  )
}

export function documentFooter(): string {
  return '</КоммерческаяИнформация>\n'
}

/** A whole document: header, the fragments as they are, footer. With no fragments it is the empty answer (§3.3). */
export function renderCommerceML(
  fragments: readonly string[],
  options: { generatedAt: Date; timezone: string; encoding: DocumentEncoding },
): string {
  return documentHeader(options.generatedAt, options.timezone, options.encoding) + fragments.join('') + documentFooter()
}

/** The answer to `query` when nothing is pending: the root with no `Документ` (§3.3). */
export function emptyDocument(generatedAt: Date, timezone: string, encoding: DocumentEncoding): string {
  return renderCommerceML([], { generatedAt, timezone, encoding })
}
