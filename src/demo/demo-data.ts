/**
 * Deterministic demo data for the Olvery reference schema (OLVERY-SOURCE.md, "Reference schema and demo data"):
 * locations with their managing, supplier and resident companies, customers, catalogs, orders with lines and
 * payments, in realistic Russian, plus hard cases that an exchange with 1C must survive (quotes, `&`, `<`, `>`,
 * apostrophes, 300-character names, emoji and `₽` outside windows-1251, ASCII control characters, fractional
 * quantities, refunds and retried payments).
 *
 * Determinism: the output depends only on the options. Randomness comes from a seeded sfc32 generator, UUIDs
 * included, and time from `options.now` (default `DEMO_REFERENCE_DATE`), never from the clock. The same options
 * give byte-identical rows whether the data is generated at once (`generateDemoData`) or chunk by chunk
 * (`generateDemoOrderChunks`, `seedDemo`).
 *
 * Money is computed in integer kopecks and quantities in thousandths, then formatted as the exact decimal strings
 * PostgreSQL returns for numeric(14,2) and numeric(14,3); floats never hold a money value.
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import type {
  CompaniesTable,
  CompanyKind,
  CustomersTable,
  ItemKind,
  LocationsTable,
  OlveryDatabase,
  OrderItemsTable,
  OrdersTable,
  OrderStatus,
  PaymentsTable,
  PaymentStatus,
  ServicesTable,
  VatRate,
} from '../olvery/olvery.schema.js'

// ---------------------------------------------------------------------------------------------------------------
// Public types

/** Rows exactly as the reference schema returns them (numeric as strings, timestamptz as Date). */
export type LocationRow = Selectable<LocationsTable>
export type CompanyRow = Selectable<CompaniesTable>
export type CustomerRow = Selectable<CustomersTable>
export type ServiceRow = Selectable<ServicesTable>
export type OrderRow = Selectable<OrdersTable>
export type OrderItemRow = Selectable<OrderItemsTable>
export type PaymentRow = Selectable<PaymentsTable>

/** The end of the default history window. Fixed, so that data generated on different days is the same. */
export const DEMO_REFERENCE_DATE = '2026-03-02T09:00:00.000Z'

/** Order numbers are `PREFIX-NNNNNN`; the contract allows 11 characters, so 7 digits per location at most. */
export const MAX_DEMO_ORDERS = 9_999_999

export interface DemoOptions {
  /** Numbers and strings are both read as text: `42` and `'42'` give the same data. */
  seed: number | string
  orders: number
  /** Default 3: Moscow, Yekaterinburg, Novosibirsk (at most `DEMO_LOCATION_COUNT_MAX`). */
  locations?: number
  /** Orders are created on the `days` days before the reference date (default 180). */
  days?: number
  /** The reference date: no timestamp is later. Default `DEMO_REFERENCE_DATE`; pass `new Date()` for live demos. */
  now?: Date | string
  /** Default: one per 8 orders per location on average, from 10 to 5000 (the first location adds 3 hard cases). */
  customersPerLocation?: number
}

export interface ResolvedDemoOptions {
  seed: string
  orders: number
  locations: number
  days: number
  /** ISO 8601. */
  now: string
  customersPerLocation: number
}

/** A supplier company (a seller whose orders go to its 1C), with how many orders the data gives it. */
export interface DemoSupplier {
  id: string
  locationId: string
  kind: CompanyKind
  fullName: string
  shortName: string | null
  inn: string | null
  /** True for the one supplier whose catalog and orders carry the hard cases (first location). */
  hardCases: boolean
  orders: number
  /** Orders with at least one `purchased` payment through `CKassa`: what a default integration exports. */
  ckassaPurchasedOrders: number
}

/** A sellable item of a supplier: the service row plus what the order generator needs to put it on a line. */
export interface DemoOffer {
  serviceId: string
  name: string
  sku: string | null
  kind: ItemKind
  unitCode: string
  unitName: string
  /** List price before discounts, kopecks. */
  priceKopecks: number
  vatRate: VatRate
}

export interface DemoCatalog {
  options: ResolvedDemoOptions
  locations: LocationRow[]
  companies: CompanyRow[]
  customers: CustomerRow[]
  services: ServiceRow[]
  /** Every supplier, in location order; counts are zero here (see `DemoData.suppliers`). */
  suppliers: DemoSupplier[]
  /** Offers by supplier company id. */
  offers: ReadonlyMap<string, readonly DemoOffer[]>
}

export interface DemoOrderChunk {
  orders: OrderRow[]
  order_items: OrderItemRow[]
  payments: PaymentRow[]
}

export interface DemoData extends DemoOrderChunk {
  options: ResolvedDemoOptions
  locations: LocationRow[]
  companies: CompanyRow[]
  customers: CustomerRow[]
  services: ServiceRow[]
  /** Every supplier with its order counts; see `topCKassaSupplier`. */
  suppliers: DemoSupplier[]
}

export interface DemoSummary {
  options: ResolvedDemoOptions
  counts: Record<keyof OlveryDatabase, number>
  suppliers: DemoSupplier[]
}

export interface InsertDemoOptions {
  /** Rows per INSERT statement (default 2000). */
  rowsPerStatement?: number
}

export interface SeedDemoOptions extends DemoOptions, InsertDemoOptions {
  /** Orders generated and inserted per step (default 2000): memory holds one step, not the whole data. */
  ordersPerChunk?: number
  /** Called after each step. */
  onProgress?: (ordersInserted: number, ordersTotal: number) => void
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

/** cyrb128: spreads the seed text over the 128-bit state of sfc32. */
function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** sfc32 (PractRand-tested, 128-bit state): fast, and identical on every JavaScript engine. */
class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: string) {
    ;[this.a, this.b, this.c, this.d] = hashSeed(seed)
    for (let i = 0; i < 12; i++) this.uint32() // the first outputs still echo the seed
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0
    return t >>> 0
  }

  /** [0, 1) */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    return item(items, Math.floor(this.next() * items.length))
  }

  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, weight] of choices) total += weight
    let r = this.next() * total
    for (const [value, weight] of choices) {
      r -= weight
      if (r < 0) return value
    }
    return item(choices, choices.length - 1)[0]
  }

  digits(count: number): string {
    let text = ''
    for (let i = 0; i < count; i++) text += String(this.int(0, 9))
    return text
  }

  hex(bytes: number): string {
    let text = ''
    for (let i = 0; i < bytes; i++) text += this.int(0, 255).toString(16).padStart(2, '0')
    return text
  }

  /** RFC 9562 version 4 layout: version nibble 4, variant bits 10. */
  uuid(): string {
    const a = hex32(this.uint32())
    const b = hex32((this.uint32() & 0xffff0fff) | 0x4000)
    const c = hex32(((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0)
    const d = hex32(this.uint32())
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`
  }
}

function hex32(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0')
}

/** Indexing that fails loudly: every index used here is in range by construction. */
function item<T>(items: readonly T[], index: number): T {
  const value = items[index]
  if (value === undefined) throw new RangeError(`index ${index} outside 0..${items.length - 1}`)
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// Exact decimals

/**
 * round(a / b), halves up, for non-negative integers. Exact in doubles: when 2a + b < 2^53 the quotient is either
 * an integer (represented exactly) or at least 1/(2b) away from one, far more than the rounding error of `/`.
 */
function divRound(a: number, b: number): number {
  const numerator = 2 * a + b
  if (!Number.isSafeInteger(numerator)) throw new RangeError(`${a} / ${b} is too large for exact arithmetic`)
  return Math.floor(numerator / (2 * b))
}

/** Kopecks → numeric(14,2) text, e.g. 123450 → '1234.50'. */
export function formatMoney(kopecks: number): string {
  const rubles = Math.floor(kopecks / 100)
  const rest = kopecks - rubles * 100
  return `${rubles}.${rest < 10 ? '0' : ''}${rest}`
}

/** Thousandths → numeric(14,3) text, e.g. 1500 → '1.500'. */
export function formatQuantity(thousandths: number): string {
  const whole = Math.floor(thousandths / 1000)
  return `${whole}.${String(thousandths - whole * 1000).padStart(3, '0')}`
}

export interface LineMoney {
  /** Unit price after the discount. */
  price: number
  /** Line discount: what the list price would have made minus `amount`. */
  discount: number
  amount: number
  vatAmount: number
}

/**
 * One order line in kopecks, as the contract defines the columns: price is the unit price after discount,
 * amount = round(price × quantity, 2), discount is what the line lost to it, and vat_amount is the VAT contained
 * in the amount (prices include VAT): round(amount × rate / (100 + rate), 2).
 */
export function lineMoney(
  listPriceKopecks: number,
  discountPercent: number,
  quantityThousandths: number,
  vatRate: VatRate,
): LineMoney {
  const price = divRound(listPriceKopecks * (100 - discountPercent), 100)
  const amount = divRound(price * quantityThousandths, 1000)
  const discount = divRound(listPriceKopecks * quantityThousandths, 1000) - amount
  const rate = vatRate === 'none' ? 0 : Number(vatRate)
  const vatAmount = rate === 0 ? 0 : divRound(amount * rate, 100 + rate)
  return { price, discount, amount, vatAmount }
}

// ---------------------------------------------------------------------------------------------------------------
// Russian requisites

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8]
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]

function innCheckDigit(digits: string, weights: readonly number[]): string {
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * item(weights, i)
  return String((sum % 11) % 10)
}

/** ИНН of an organisation: region (2 digits), tax office (2), record (5), check digit. */
function legalInn(rng: Random, region: string): string {
  const base = region + String(rng.int(1, 46)).padStart(2, '0') + rng.digits(5)
  return base + innCheckDigit(base, INN10_WEIGHTS)
}

/** ИНН of a person (a sole trader): region, tax office, record (6), two check digits. */
function personalInn(rng: Random, region: string): string {
  const base = region + String(rng.int(1, 46)).padStart(2, '0') + rng.digits(6)
  const eleven = base + innCheckDigit(base, INN12_WEIGHTS_11)
  return eleven + innCheckDigit(eleven, INN12_WEIGHTS_12)
}

/** КПП: the tax office of the ИНН, reason 01 (registered at its own address), serial 001. */
function kppFor(inn: string): string {
  return `${inn.slice(0, 4)}01001`
}

// ---------------------------------------------------------------------------------------------------------------
// Reference content

interface LocationTemplate {
  name: string
  brand: string
  city: string
  timezone: string
  /**
   * Russia has kept fixed offsets without daylight saving since 2014, so a constant gives local business hours
   * exactly without consulting the time-zone database (whose version would otherwise leak into the data).
   */
  utcOffsetHours: number
  prefix: string
  region: string
  address: string
}

const LOCATIONS: readonly LocationTemplate[] = [
  {
    name: 'Технопарк «Северный»', brand: 'Северный', city: 'Москва',
    timezone: 'Europe/Moscow', utcOffsetHours: 3, prefix: 'MSK', region: '77',
    address: '127015, г. Москва, ул. Бутырская, д. 62',
  },
  {
    name: 'Бизнес-центр «Исеть»', brand: 'Исеть', city: 'Екатеринбург',
    timezone: 'Asia/Yekaterinburg', utcOffsetHours: 5, prefix: 'EKB', region: '66',
    address: '620014, г. Екатеринбург, ул. Бориса Ельцина, д. 8',
  },
  {
    name: 'Технопарк «Обь»', brand: 'Обь', city: 'Новосибирск',
    timezone: 'Asia/Novosibirsk', utcOffsetHours: 7, prefix: 'NSK', region: '54',
    address: '630090, г. Новосибирск, ул. Инженерная, д. 20',
  },
  {
    name: 'Бизнес-центр «Невский квартал»', brand: 'Невский квартал', city: 'Санкт-Петербург',
    timezone: 'Europe/Moscow', utcOffsetHours: 3, prefix: 'SPB', region: '78',
    address: '191025, г. Санкт-Петербург, Невский пр-кт, д. 88',
  },
  {
    name: 'ИТ-парк «Кама»', brand: 'Кама', city: 'Казань',
    timezone: 'Europe/Moscow', utcOffsetHours: 3, prefix: 'KZN', region: '16',
    address: '420074, г. Казань, ул. Петербургская, д. 52',
  },
  {
    name: 'Бизнес-центр «Янтарный»', brand: 'Янтарный', city: 'Калининград',
    timezone: 'Europe/Kaliningrad', utcOffsetHours: 2, prefix: 'KGD', region: '39',
    address: '236022, г. Калининград, пр-кт Мира, д. 43',
  },
  {
    name: 'Технопарк «Жигули»', brand: 'Жигули', city: 'Самара',
    timezone: 'Europe/Samara', utcOffsetHours: 4, prefix: 'SMR', region: '63',
    address: '443013, г. Самара, ул. Дачная, д. 2',
  },
  {
    name: 'Технопарк «Иртыш»', brand: 'Иртыш', city: 'Омск',
    timezone: 'Asia/Omsk', utcOffsetHours: 6, prefix: 'OMS', region: '55',
    address: '644024, г. Омск, ул. Ленина, д. 18',
  },
  {
    name: 'Бизнес-центр «Енисей»', brand: 'Енисей', city: 'Красноярск',
    timezone: 'Asia/Krasnoyarsk', utcOffsetHours: 7, prefix: 'KJA', region: '24',
    address: '660049, г. Красноярск, ул. Карла Маркса, д. 48',
  },
  {
    name: 'Бизнес-центр «Золотой Рог»', brand: 'Золотой Рог', city: 'Владивосток',
    timezone: 'Asia/Vladivostok', utcOffsetHours: 10, prefix: 'VVO', region: '25',
    address: '690091, г. Владивосток, ул. Светланская, д. 29',
  },
]

export const DEMO_LOCATION_COUNT_MAX = LOCATIONS.length

/** Share of orders by location, first location busiest. */
const LOCATION_WEIGHTS = [5, 3, 2, 2, 1.5, 1.5, 1, 1, 1, 1]
/** Share of a location's orders by supplier, first supplier busiest. */
const SUPPLIER_WEIGHTS = [6, 3, 2, 1.5]

type UnitKey = 'pcs' | 'unit' | 'hour' | 'kg'

/** OKEI codes and their short names as 1C prints them. */
const UNITS: Record<UnitKey, { code: string; name: string }> = {
  pcs: { code: '796', name: 'шт' },
  unit: { code: '876', name: 'усл. ед.' },
  hour: { code: '356', name: 'ч' },
  kg: { code: '166', name: 'кг' },
}

/** How an offer's quantity is drawn: whole pieces, pages, one service, hours in halves, weight in 125 g steps. */
type QuantityRule = 'piece' | 'pages' | 'single' | 'hours' | 'weight'

interface OfferTemplate {
  name: string
  kind: ItemKind
  unit: UnitKey
  /** List price in rubles before the supplier's own markup. */
  price: number
  /** For a VAT payer; sole traders on the simplified system charge none. */
  vat: VatRate
  quantity: QuantityRule
}

interface SupplierTemplate {
  brands: readonly string[]
  skuPrefix: string
  offers: readonly OfferTemplate[]
}

function offer(
  name: string,
  kind: ItemKind,
  unit: UnitKey,
  price: number,
  vat: VatRate,
  quantity: QuantityRule,
): OfferTemplate {
  return { name, kind, unit, price, vat, quantity }
}

const LEGAL_SUPPLIERS: readonly SupplierTemplate[] = [
  {
    brands: ['Кофе Тайм', 'Вкусный офис'],
    skuPrefix: 'KT',
    offers: [
      offer('Капучино 300 мл', 'goods', 'pcs', 220, '22', 'piece'),
      offer('Американо 250 мл', 'goods', 'pcs', 180, '22', 'piece'),
      offer('Круассан с миндалём', 'goods', 'pcs', 165, '10', 'piece'),
      offer('Бизнес-ланч (суп, горячее, салат)', 'goods', 'pcs', 450, '22', 'piece'),
      offer('Кофе-брейк на 10 персон', 'service', 'unit', 6500, '22', 'single'),
      offer('Кофе в зёрнах «Эфиопия Сидамо»', 'goods', 'kg', 2400, '22', 'weight'),
    ],
  },
  {
    brands: ['Чистый офис', 'Блеск Сервис'],
    skuPrefix: 'CL',
    offers: [
      offer('Генеральная уборка офиса до 50 кв. м', 'service', 'unit', 6900, '22', 'single'),
      offer('Поддерживающая уборка', 'service', 'hour', 950, '22', 'hours'),
      offer('Мойка окна', 'service', 'pcs', 700, '22', 'piece'),
      offer('Химчистка офисного кресла', 'service', 'pcs', 1200, '22', 'piece'),
      offer('Вывоз крупногабаритного мусора', 'service', 'unit', 3500, '22', 'single'),
    ],
  },
  {
    brands: ['Принт Экспресс', 'Копицентр «Лист»'],
    skuPrefix: 'PR',
    offers: [
      offer('Печать A4 ч/б, лист', 'service', 'pcs', 8, '22', 'pages'),
      offer('Печать A4 цветная, лист', 'service', 'pcs', 35, '22', 'pages'),
      offer('Ламинирование A4', 'service', 'pcs', 60, '22', 'piece'),
      offer('Визитки 90x50 мм, 100 шт.', 'goods', 'pcs', 1400, '22', 'piece'),
      offer('Брошюровка до 100 листов', 'service', 'pcs', 150, '22', 'piece'),
    ],
  },
  {
    brands: ['АйТи Помощь', 'Сисадмин на час'],
    skuPrefix: 'IT',
    offers: [
      offer('Настройка рабочего места', 'service', 'unit', 2500, '22', 'single'),
      offer('Выезд инженера', 'service', 'hour', 2200, '22', 'hours'),
      offer('Картридж для лазерного принтера HP 85A (совместимый)', 'goods', 'pcs', 1890, '22', 'piece'),
      offer('Кабель витая пара Cat.6, 5 м', 'goods', 'pcs', 390, '22', 'piece'),
      offer('Восстановление данных с диска', 'service', 'unit', 7500, '22', 'single'),
    ],
  },
  {
    brands: ['Точка роста', 'Рабочее пространство «Улей»'],
    skuPrefix: 'CW',
    offers: [
      offer('Аренда переговорной на 6 человек', 'service', 'hour', 1500, '22', 'hours'),
      offer('Аренда конференц-зала на 40 мест', 'service', 'hour', 6000, '22', 'hours'),
      offer('Фиксированное место в коворкинге, день', 'service', 'unit', 1200, '22', 'piece'),
      offer('Гостевой пропуск на парковку, сутки', 'service', 'unit', 400, '22', 'piece'),
    ],
  },
  {
    brands: ['Родник', 'Быстрый курьер'],
    skuPrefix: 'DL',
    offers: [
      offer('Вода питьевая 19 л', 'goods', 'pcs', 390, '22', 'piece'),
      offer('Помпа механическая для бутылей', 'goods', 'pcs', 650, '22', 'piece'),
      offer('Молоко 3,2 %, 1 л', 'goods', 'pcs', 110, '10', 'piece'),
      offer('Доставка документов по городу', 'service', 'unit', 600, '22', 'single'),
      // International carriage is taxed at 0 % (Tax Code art. 164).
      offer('Международная доставка документов (экспресс)', 'service', 'unit', 4200, '0', 'single'),
    ],
  },
]

const SOLE_TRADER_SUPPLIERS: readonly SupplierTemplate[] = [
  {
    brands: ['Барбершоп'],
    skuPrefix: 'BB',
    offers: [
      offer('Мужская стрижка', 'service', 'unit', 1500, 'none', 'single'),
      offer('Стрижка бороды', 'service', 'unit', 800, 'none', 'single'),
      offer('Детская стрижка', 'service', 'unit', 900, 'none', 'single'),
    ],
  },
  {
    brands: ['Массажный кабинет'],
    skuPrefix: 'MS',
    offers: [
      offer('Массаж шейно-воротниковой зоны, 30 мин', 'service', 'unit', 1800, 'none', 'single'),
      offer('Классический массаж', 'service', 'hour', 3200, 'none', 'hours'),
    ],
  },
  {
    brands: ['Цветочная лавка'],
    skuPrefix: 'FL',
    offers: [
      offer('Букет «Весеннее настроение»', 'goods', 'pcs', 3500, 'none', 'piece'),
      offer('Роза красная 60 см', 'goods', 'pcs', 250, 'none', 'piece'),
      offer('Доставка цветов по зданию', 'service', 'unit', 300, 'none', 'single'),
    ],
  },
  {
    brands: ['Фотостудия'],
    skuPrefix: 'PH',
    offers: [
      offer('Фотосъёмка для портфолио', 'service', 'hour', 4000, 'none', 'hours'),
      offer('Деловой портрет (5 фото в обработке)', 'service', 'unit', 6000, 'none', 'single'),
    ],
  },
  {
    brands: ['Мастерская'],
    skuPrefix: 'MR',
    offers: [
      offer('Изготовление ключа', 'service', 'pcs', 450, 'none', 'piece'),
      offer('Ремонт обуви (набойки)', 'service', 'unit', 900, 'none', 'single'),
      offer('Заточка ножей', 'service', 'pcs', 350, 'none', 'piece'),
    ],
  },
]

/*
 * Hard cases. They live in the first location: one supplier whose name, catalog and orders carry them, buyers
 * with missing fields, and resident companies with awkward names. `FORCED_ORDERS` below puts them on orders.
 */
const HARD_SUPPLIER = {
  fullName: 'Общество с ограниченной ответственностью "Рога & Копыта"',
  shortName: 'ООО "Рога & Копыта"',
}

const LONG_SERVICE_NAME =
  'Комплексное техническое обслуживание и сопровождение делового мероприятия в конференц-зале: аренда зала ' +
  'на 120 посадочных мест, звуковое и мультимедийное оборудование (проектор, экран, радиомикрофоны, ноутбук ' +
  'для презентаций), онлайн-трансляция и запись, услуги технического специалиста и администратора, уборка до ' +
  'и после мероприятия, гардероб и навигация для гостей'

/** Keys let FORCED_ORDERS name offers of the hard supplier. */
const HARD_OFFERS = {
  long: offer(LONG_SERVICE_NAME, 'service', 'unit', 185000, '22', 'single'),
  coffeeBreak: offer('Кофе-брейк "Стандарт" <10 персон> & десерт', 'service', 'unit', 7500, '22', 'single'),
  croissant: offer('Круассан «Классический»', 'goods', 'pcs', 150, '10', 'piece'),
  // A gift certificate is an advance, not a sale: no VAT until it is redeemed.
  certificate: offer('Подарочный сертификат на 3 000 ₽', 'goods', 'pcs', 3000, 'none', 'piece'),
  cake: offer('Торт «С днём рождения» 🎂', 'goods', 'pcs', 2900, '22', 'piece'),
  host: offer('Услуги ведущего мероприятия', 'service', 'hour', 5000, '22', 'hours'),
  beans: offer("Кофе в зёрнах «Д'Оро»", 'goods', 'kg', 2600, '22', 'weight'),
  abroad: offer('Международная доставка подарков', 'service', 'unit', 5200, '0', 'single'),
} satisfies Record<string, OfferTemplate>

type HardOfferKey = keyof typeof HARD_OFFERS

const LONG_COMPANY_NAME =
  'Общество с ограниченной ответственностью «Научно-производственное объединение по разработке, внедрению и ' +
  'сопровождению программных комплексов автоматизации учёта, планирования и управления ресурсами промышленных ' +
  'предприятий, организаций транспорта, строительства и жилищно-коммунального хозяйства «СибИнформСистемы-Консалтинг»»'

const LONG_COMPANY = { fullName: LONG_COMPANY_NAME, shortName: 'ООО НПО «СибИнформСистемы-Консалтинг»' }

const APOSTROPHE_COMPANY = {
  fullName: "Общество с ограниченной ответственностью «Л'Этуаль Консалтинг»",
  shortName: "ООО «Л'Этуаль Консалтинг»",
  domain: 'letoile',
}

const HARD_COMMENTS = {
  markup: 'Счёт выставить на ООО "Ромашка" & Ко, <срочно>: встреча в 10:00, гость д\'Артаньян',
  emoji: 'Спасибо! 😀 Сдачи с 5 000 ₽ не нужно',
  // Pasted text can carry them; BEL and VT are not allowed in XML 1.0, so the exporter has to deal with them.
  control: 'Код домофона 12\u000734,\u000Bвход со двора',
}

const ADHOC_LINE = { name: 'Доставка по бизнес-центру', priceKopecks: 15000 }

type PaymentScenario =
  | 'none'
  | 'pending'
  | 'failed'
  | 'authorized'
  | 'purchased'
  | 'failed_then_purchased'
  | 'cancelled_then_purchased'
  | 'duplicate_refunded'
  | 'partial'
  | 'refunded'
  | 'abandoned'

type HardCustomerKey = 'longCompany' | 'noMiddleName' | 'noContacts'

interface ForcedOrder {
  customer: HardCustomerKey | null
  lines: ReadonlyArray<{ offer: HardOfferKey | 'adhoc'; quantity: number; discount?: number }> | null
  status: OrderStatus
  scenario: PaymentScenario
  gateway: Gateway
  comment: string | null
}

/**
 * Orders that are always present (spread over the history) so that every hard case and every status reaches
 * an order of the hard supplier, however few orders are asked for. All are in the first location.
 */
const FORCED_ORDERS: readonly ForcedOrder[] = [
  {
    customer: 'longCompany',
    lines: [{ offer: 'long', quantity: 1000 }, { offer: 'coffeeBreak', quantity: 1000, discount: 10 }],
    status: 'done',
    scenario: 'purchased',
    gateway: 'CKassa',
    comment: HARD_COMMENTS.markup,
  },
  {
    customer: 'noMiddleName',
    lines: [{ offer: 'certificate', quantity: 2000 }, { offer: 'cake', quantity: 1000 }],
    status: 'closed',
    scenario: 'failed_then_purchased',
    gateway: 'CKassa',
    comment: HARD_COMMENTS.emoji,
  },
  {
    customer: 'noContacts',
    lines: [{ offer: 'host', quantity: 1500 }, { offer: 'beans', quantity: 375 }],
    status: 'done',
    scenario: 'purchased',
    gateway: 'CKassa',
    comment: HARD_COMMENTS.control,
  },
  { customer: null, lines: null, status: 'cancelled', scenario: 'refunded', gateway: 'CKassa', comment: null },
  { customer: null, lines: null, status: 'done', scenario: 'duplicate_refunded', gateway: 'CKassa', comment: null },
  { customer: null, lines: null, status: 'in_progress', scenario: 'authorized', gateway: 'YooKassa', comment: null },
  { customer: null, lines: null, status: 'new', scenario: 'pending', gateway: 'CKassa', comment: null },
  {
    customer: null,
    lines: null,
    status: 'done',
    scenario: 'cancelled_then_purchased',
    gateway: 'Tinkoff',
    comment: null,
  },
  { customer: null, lines: null, status: 'closed', scenario: 'partial', gateway: 'CKassa', comment: null },
  { customer: null, lines: null, status: 'cancelled', scenario: 'abandoned', gateway: 'SberPay', comment: null },
  {
    customer: null,
    lines: [
      { offer: 'croissant', quantity: 3000 },
      { offer: 'abroad', quantity: 1000 },
      { offer: 'adhoc', quantity: 1000 },
    ],
    status: 'done',
    scenario: 'purchased',
    gateway: 'SberPay',
    comment: null,
  },
  { customer: null, lines: null, status: 'new', scenario: 'none', gateway: 'CKassa', comment: null },
]

/** How many orders it takes for every hard case to be present. */
export const DEMO_HARD_CASE_ORDERS = FORCED_ORDERS.length

const MALE_LAST_NAMES = [
  'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев',
  'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев',
  'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин', 'Фролов', 'Александров', 'Дмитриев', 'Королёв', 'Гусев', 'Киселёв',
  'Ильин', 'Максимов', 'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев', 'Антонов', 'Тарасов',
  'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов', 'Осипов', 'Сидоров',
  'Вишневский', 'Покровский', 'Ким', 'Шевченко', 'Черных', 'Бондаренко', 'Цой', 'Ерёмин', 'Голубев', 'Ёлкин',
]
const MALE_FIRST_NAMES = [
  'Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Артём', 'Илья', 'Кирилл', 'Михаил',
  'Никита', 'Матвей', 'Роман', 'Егор', 'Арсений', 'Иван', 'Денис', 'Евгений', 'Тимофей', 'Владислав',
  'Игорь', 'Павел', 'Олег', 'Константин', 'Григорий', 'Фёдор', 'Юрий', 'Вадим', 'Руслан', 'Тимур',
]
const FEMALE_FIRST_NAMES = [
  'Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Екатерина', 'Татьяна', 'Ирина', 'Светлана', 'Юлия',
  'Анастасия', 'Дарья', 'Полина', 'Алина', 'Виктория', 'Ксения', 'Марина', 'Софья', 'Алёна', 'Вероника',
  'Людмила', 'Галина', 'Надежда', 'Валерия', 'Кристина', 'Диана', 'Евгения', 'Ульяна', 'Маргарита', 'Лилия',
]
/** Patronymics as [male, female] pairs, written out rather than derived: the derivation has many exceptions. */
const PATRONYMICS: ReadonlyArray<readonly [string, string]> = [
  ['Александрович', 'Александровна'], ['Дмитриевич', 'Дмитриевна'], ['Сергеевич', 'Сергеевна'],
  ['Андреевич', 'Андреевна'], ['Алексеевич', 'Алексеевна'], ['Иванович', 'Ивановна'], ['Михайлович', 'Михайловна'],
  ['Николаевич', 'Николаевна'], ['Владимирович', 'Владимировна'], ['Петрович', 'Петровна'], ['Юрьевич', 'Юрьевна'],
  ['Викторович', 'Викторовна'], ['Олегович', 'Олеговна'], ['Игоревич', 'Игоревна'], ['Павлович', 'Павловна'],
  ['Евгеньевич', 'Евгеньевна'], ['Ильич', 'Ильинична'], ['Никитич', 'Никитична'], ['Фомич', 'Фоминична'],
  ['Константинович', 'Константиновна'], ['Валерьевич', 'Валерьевна'], ['Романович', 'Романовна'],
]

const COMPANY_BRANDS = [
  'Вектор', 'Гранит', 'Альтаир', 'СибТехПроект', 'Северный ветер', 'Медиа Плюс', 'Инфосистемы', 'Капитал Групп',
  'Лаборатория 42', 'Зелёный город', 'Стройинвест', 'Финансовый дом', 'Орбита', 'Меркурий', 'Точные решения',
  'Ромашка', 'БиоТех', 'Цифровые двойники', 'Аэроплан', 'Контур качества', 'Нейросфера', 'Геодата',
  'Умный склад', 'Интерлогистика', 'Кванториум', 'Полимер-Юг',
]

const PERSONAL_MAIL_DOMAINS = ['example.com', 'example.net', 'example.org']

const HOME_STREETS = [
  'ул. Ленина', 'ул. Советская', 'ул. Мира', 'ул. Гагарина', 'ул. Садовая', 'пр-кт Победы', 'ул. Лесная',
]

const ORDER_COMMENTS = [
  'Позвоните за 10 минут до прихода',
  'Оставьте, пожалуйста, на ресепшене',
  'Нужен счёт и закрывающие документы на компанию',
  'Закажите пропуск для курьера на 1-й этаж',
  'Без сахара, пожалуйста',
  'Переговорная нужна с проектором',
  'Уборка после 19:00, в офисе идут встречи',
  'Доставить к 12:30 в переговорную «Байкал»',
  'Прошу связаться по почте',
  'Повторите прошлый заказ — всё понравилось',
]

type Gateway = 'CKassa' | 'YooKassa' | 'Tinkoff' | 'SberPay'

const GATEWAY_WEIGHTS: ReadonlyArray<readonly [Gateway, number]> = [
  ['CKassa', 78],
  ['YooKassa', 9],
  ['Tinkoff', 7],
  ['SberPay', 6],
]

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
}

function translit(text: string): string {
  let out = ''
  for (const ch of text.toLowerCase()) {
    const mapped = TRANSLIT[ch]
    if (mapped !== undefined) out += mapped
    else if (/[a-z0-9]/.test(ch)) out += ch
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Options

function resolveOptions(options: DemoOptions): ResolvedDemoOptions {
  const problems: string[] = []
  const seed = String(options.seed ?? '')
  if (seed === '' || (typeof options.seed === 'number' && !Number.isFinite(options.seed))) {
    problems.push('seed must be a non-empty string or a finite number')
  }
  const wholeNumber = (name: string, value: unknown, min: number, max: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`)
    }
  }
  wholeNumber('orders', options.orders, 0, MAX_DEMO_ORDERS)
  const locations = options.locations ?? 3
  wholeNumber('locations', locations, 1, DEMO_LOCATION_COUNT_MAX)
  const days = options.days ?? 180
  wholeNumber('days', days, 1, 3650)
  const now = new Date(options.now ?? DEMO_REFERENCE_DATE)
  if (Number.isNaN(now.getTime())) problems.push(`now must be a date, got ${String(options.now)}`)
  const perLocation = Math.min(5000, Math.max(10, Math.ceil((options.orders || 0) / (locations || 1) / 8)))
  const customersPerLocation = options.customersPerLocation ?? perLocation
  wholeNumber('customersPerLocation', customersPerLocation, 1, 100_000)
  if (problems.length) throw new RangeError(`Invalid demo data options: ${problems.join('; ')}`)
  return {
    seed,
    orders: options.orders,
    locations,
    days,
    // Whole seconds, like every generated timestamp.
    now: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    customersPerLocation,
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The catalog: locations, companies, customers, services

interface LocationModel {
  row: LocationRow
  template: LocationTemplate
  offsetMs: number
  suppliers: SupplierModel[]
  supplierWeights: Array<readonly [number, number]>
  customers: CustomerRow[]
}

interface SupplierModel {
  company: CompanyRow
  offers: DemoOffer[]
  /** Offer templates in the order of `offers`, for quantities. */
  rules: QuantityRule[]
  /** VAT of a line not in the catalog (delivery): the supplier's usual rate. */
  defaultVat: VatRate
}

interface DemoModel {
  options: ResolvedDemoOptions
  catalog: DemoCatalog
  locations: LocationModel[]
  locationWeights: Array<readonly [number, number]>
  hard: {
    supplier: SupplierModel
    offers: Record<HardOfferKey, number>
    customers: Record<HardCustomerKey, CustomerRow>
  }
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

interface Person {
  last: string
  first: string
  middle: string | null
  female: boolean
}

function femaleLastName(male: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(male)) return `${male}а`
  if (/(ский|цкий)$/.test(male)) return `${male.slice(0, -2)}ая`
  return male // Ким, Шевченко, Черных do not change
}

function randomPerson(rng: Random): Person {
  const female = rng.chance(0.5)
  const last = rng.pick(MALE_LAST_NAMES)
  const patronymic = rng.pick(PATRONYMICS)
  return {
    last: female ? femaleLastName(last) : last,
    first: female ? rng.pick(FEMALE_FIRST_NAMES) : rng.pick(MALE_FIRST_NAMES),
    middle: female ? patronymic[1] : patronymic[0],
    female,
  }
}

const initials = (p: Person): string => `${p.first.charAt(0)}.${p.middle ? ` ${p.middle.charAt(0)}.` : ''}`

function randomPhone(rng: Random): string {
  return `+79${rng.digits(9)}` // E.164, a Russian mobile number
}

function randomPremises(rng: Random): string {
  return rng.weighted<() => string>([
    [() => `офис ${rng.int(1, 12)}${String(rng.int(1, 30)).padStart(2, '0')}`, 70],
    [() => `каб. ${rng.int(1, 60)}`, 10],
    [() => `пом. ${rng.int(1, 9)}Н`, 8],
    [() => `коворкинг, место ${rng.int(1, 80)}`, 12],
  ])()
}

/** Timestamps of catalog rows: set up before the first order. */
function beforeHistory(rng: Random, model: { historyStartMs: number }): Date {
  return new Date(model.historyStartMs - rng.int(1, 400) * DAY_MS - rng.int(0, 86_399) * 1000)
}

function buildModel(options: ResolvedDemoOptions): DemoModel {
  const rng = new Random(`${options.seed}\u0000catalog`)
  const nowMs = Date.parse(options.now)
  const timeBase = { historyStartMs: nowMs - (options.days + 1) * DAY_MS }
  const usedInns = new Set<string>()
  const uniqueInn = (make: () => string): string => {
    for (;;) {
      const inn = make()
      if (!usedInns.has(inn)) {
        usedInns.add(inn)
        return inn
      }
    }
  }

  const locationRows: LocationRow[] = []
  const companies: CompanyRow[] = []
  const customers: CustomerRow[] = []
  const services: ServiceRow[] = []
  const suppliers: DemoSupplier[] = []
  const offersBySupplier = new Map<string, DemoOffer[]>()
  const locations: LocationModel[] = []
  let hardSupplier: SupplierModel | null = null
  const hardOffers: Partial<Record<HardOfferKey, number>> = {}
  const hardCustomers: Partial<Record<HardCustomerKey, CustomerRow>> = {}

  const addCompany = (
    template: LocationTemplate,
    locationId: string,
    kind: CompanyKind,
    names: { fullName: string; shortName: string | null },
    address: string | null,
  ): CompanyRow => {
    const inn = uniqueInn(() => (kind === 'legal' ? legalInn : personalInn)(rng, template.region))
    const row: CompanyRow = {
      id: rng.uuid(),
      location_id: locationId,
      kind,
      full_name: names.fullName,
      short_name: names.shortName,
      inn,
      kpp: kind === 'legal' ? kppFor(inn) : null,
      legal_address: address,
      updated_at: beforeHistory(rng, timeBase),
    }
    companies.push(row)
    return row
  }

  const legalNames = (brand: string, joinStock = false) =>
    joinStock
      ? { fullName: `Акционерное общество «${brand}»`, shortName: `АО «${brand}»` }
      : { fullName: `Общество с ограниченной ответственностью «${brand}»`, shortName: `ООО «${brand}»` }

  const soleTraderNames = (person: Person) => ({
    fullName: `Индивидуальный предприниматель ${[person.last, person.first, person.middle].filter(Boolean).join(' ')}`,
    shortName: `ИП ${person.last} ${initials(person)}`,
  })

  const homeAddress = (template: LocationTemplate) =>
    `г. ${template.city}, ${rng.pick(HOME_STREETS)}, д. ${rng.int(1, 120)}, кв. ${rng.int(1, 300)}`

  const addSupplier = (
    location: LocationModel,
    company: CompanyRow,
    skuPrefix: string,
    templates: readonly OfferTemplate[],
    markup: number,
    isHard: boolean,
  ): SupplierModel => {
    const offers: DemoOffer[] = []
    const rules: QuantityRule[] = []
    const skuBase = rng.int(100, 999)
    templates.forEach((template, index) => {
      const rubles = Math.max(1, Math.round(template.price * markup))
      // Some shops like prices ending in 90 kopecks.
      const priceKopecks = rubles * 100 - (rubles >= 100 && rng.chance(0.3) ? 10 : 0)
      const service: ServiceRow = {
        id: rng.uuid(),
        company_id: company.id,
        name: template.name,
        sku: rng.chance(0.1) ? null : `${skuPrefix}-${skuBase}-${String(index + 1).padStart(3, '0')}`,
        kind: template.kind,
        updated_at: beforeHistory(rng, timeBase),
      }
      services.push(service)
      offers.push({
        serviceId: service.id,
        name: service.name,
        sku: service.sku,
        kind: template.kind,
        unitCode: UNITS[template.unit].code,
        unitName: UNITS[template.unit].name,
        priceKopecks,
        vatRate: company.kind === 'sole_trader' ? 'none' : template.vat,
      })
      rules.push(template.quantity)
    })
    offersBySupplier.set(company.id, offers)
    const model: SupplierModel = { company, offers, rules, defaultVat: company.kind === 'sole_trader' ? 'none' : '22' }
    location.suppliers.push(model)
    suppliers.push({
      id: company.id,
      locationId: location.row.id,
      kind: company.kind,
      fullName: company.full_name,
      shortName: company.short_name,
      inn: company.inn,
      hardCases: isHard,
      orders: 0,
      ckassaPurchasedOrders: 0,
    })
    return model
  }

  const addCustomer = (
    location: LocationModel,
    person: Person,
    company: CompanyRow | null,
    domain: string | null,
    fields: Partial<CustomerRow> = {},
  ): CustomerRow => {
    const login = `${translit(person.first)}.${translit(person.last)}${rng.chance(0.3) ? rng.int(1, 99) : ''}`
    const row: CustomerRow = {
      id: rng.uuid(),
      location_id: location.row.id,
      company_id: company?.id ?? null,
      last_name: person.last,
      first_name: person.first,
      middle_name: person.middle,
      phone: rng.chance(0.05) ? null : randomPhone(rng),
      // Reserved example domains (RFC 2606): demo data must not reach real mailboxes.
      email: rng.chance(0.08) ? null : `${login}@${domain ? `${domain}.example` : rng.pick(PERSONAL_MAIL_DOMAINS)}`,
      premises: rng.chance(0.1) ? null : randomPremises(rng),
      updated_at: beforeHistory(rng, timeBase),
      ...fields,
    }
    customers.push(row)
    location.customers.push(row)
    return row
  }

  for (let index = 0; index < options.locations; index++) {
    const template = item(LOCATIONS, index)
    const row: LocationRow = { id: rng.uuid(), name: template.name, timezone: template.timezone }
    locationRows.push(row)
    const location: LocationModel = {
      row,
      template,
      offsetMs: template.utcOffsetHours * HOUR_MS,
      suppliers: [],
      supplierWeights: [],
      customers: [],
    }
    locations.push(location)
    const officeAddress = () => `${template.address}, офис ${rng.int(1, 12)}${String(rng.int(1, 30)).padStart(2, '0')}`

    // The managing company runs the building; typographic quotes nest as 1C users type them.
    addCompany(
      template,
      row.id,
      'legal',
      {
        fullName: `Общество с ограниченной ответственностью «Управляющая компания «${template.brand}»»`,
        shortName: `ООО «УК «${template.brand}»»`,
      },
      `${template.address}, офис 101`,
    )

    // Suppliers: 2–4, at least one legal entity and one sole trader; the hard supplier leads the first location.
    const legalCount = index === 0 ? rng.int(2, 3) : rng.int(1, 3)
    const soleCount = Math.min(rng.int(1, 2), 4 - legalCount)
    const legalTemplates = shuffled(rng, LEGAL_SUPPLIERS).slice(0, index === 0 ? legalCount - 1 : legalCount)
    if (index === 0) {
      const company = addCompany(template, row.id, 'legal', HARD_SUPPLIER, officeAddress())
      const keys = Object.keys(HARD_OFFERS) as HardOfferKey[]
      hardSupplier = addSupplier(location, company, 'RK', keys.map((key) => HARD_OFFERS[key]), 1, true)
      keys.forEach((key, i) => (hardOffers[key] = i))
    }
    for (const supplierTemplate of legalTemplates) {
      const brand = rng.pick(supplierTemplate.brands)
      const company = addCompany(template, row.id, 'legal', legalNames(brand, rng.chance(0.2)), officeAddress())
      addSupplier(location, company, supplierTemplate.skuPrefix, supplierTemplate.offers, 0.9 + rng.next() * 0.3, false)
    }
    for (const supplierTemplate of shuffled(rng, SOLE_TRADER_SUPPLIERS).slice(0, soleCount)) {
      const person = randomPerson(rng)
      const company = addCompany(template, row.id, 'sole_trader', soleTraderNames(person), homeAddress(template))
      addSupplier(location, company, supplierTemplate.skuPrefix, supplierTemplate.offers, 0.9 + rng.next() * 0.3, false)
    }
    location.supplierWeights = location.suppliers.map((_, i) => [i, item(SUPPLIER_WEIGHTS, i)] as const)

    // Resident companies: the tenants whose employees buy on the company's behalf.
    const residents: Array<{ company: CompanyRow; domain: string | null }> = []
    for (const brand of shuffled(rng, COMPANY_BRANDS).slice(0, rng.int(4, 7))) {
      if (rng.chance(0.2)) {
        const person = randomPerson(rng)
        const company = addCompany(template, row.id, 'sole_trader', soleTraderNames(person), homeAddress(template))
        residents.push({ company, domain: null })
      } else {
        const names = legalNames(brand, rng.chance(0.15))
        // A tenant registered without a short name or address: both columns are nullable in the contract.
        const sparse = rng.chance(0.1)
        const company = sparse
          ? addCompany(template, row.id, 'legal', { ...names, shortName: null }, null)
          : addCompany(template, row.id, 'legal', names, officeAddress())
        residents.push({ company, domain: translit(brand) })
      }
    }

    if (index === 0) {
      const long = addCompany(template, row.id, 'legal', LONG_COMPANY, officeAddress())
      const apostrophe = addCompany(template, row.id, 'legal', APOSTROPHE_COMPANY, officeAddress())
      residents.push({ company: apostrophe, domain: APOSTROPHE_COMPANY.domain })
      const buyer = { last: 'Кузнецова', first: 'Мария', middle: 'Игоревна', female: true }
      hardCustomers.longCompany = addCustomer(location, buyer, long, 'sibinform', { premises: 'офис 305' })
      // A foreign buyer: no patronymic, and an apostrophe in the surname.
      const foreigner = { last: "О'Брайен", first: 'Патрик', middle: null, female: false }
      hardCustomers.noMiddleName = addCustomer(location, foreigner, apostrophe, APOSTROPHE_COMPANY.domain, {
        email: 'patrick.obrien@letoile.example',
        phone: '+79161234567',
      })
      const silent = { last: 'Степанов', first: 'Григорий', middle: 'Ильич', female: false }
      const noContacts = { email: null, phone: null, premises: 'офис 512' }
      hardCustomers.noContacts = addCustomer(location, silent, null, null, noContacts)
    }

    for (let c = 0; c < options.customersPerLocation; c++) {
      const onBehalf = rng.chance(0.35) ? rng.pick(residents) : null
      addCustomer(location, randomPerson(rng), onBehalf?.company ?? null, onBehalf?.domain ?? null)
    }
  }

  if (!hardSupplier || !hardCustomers.longCompany || !hardCustomers.noMiddleName || !hardCustomers.noContacts) {
    throw new Error('the first location must carry the hard cases') // unreachable: locations >= 1
  }
  const catalog: DemoCatalog = {
    options,
    locations: locationRows,
    companies,
    customers,
    services,
    suppliers,
    offers: offersBySupplier,
  }
  return {
    options,
    catalog,
    locations,
    locationWeights: locations.map((_, i) => [i, item(LOCATION_WEIGHTS, i)] as const),
    hard: {
      supplier: hardSupplier,
      offers: hardOffers as Record<HardOfferKey, number>,
      customers: hardCustomers as Record<HardCustomerKey, CustomerRow>,
    },
  }
}

function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    const a = item(copy, i)
    copy[i] = item(copy, j)
    copy[j] = a
  }
  return copy
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

/** What a line is made of: a catalog offer, or a line typed in by hand without a service. */
type LineSource = Omit<DemoOffer, 'serviceId'> & { serviceId: string | null }

interface GeneratedOrder {
  order: OrderRow
  items: OrderItemRow[]
  payments: PaymentRow[]
}

const BUSINESS_OPENS_MS = 8 * HOUR_MS
const BUSINESS_HOURS_MS = 13 * HOUR_MS

type Weights<T> = ReadonlyArray<readonly [T, number]>

/** Pieces: mostly one or two; 0 stands for "four to ten". */
const PIECES: Weights<number> = [[1, 50], [2, 22], [3, 10], [0, 18]]
/** Hours in thousandths: whole and half hours, now and then a quarter. */
const HOURS: Weights<number> = [
  [1000, 30], [1500, 15], [2000, 20], [3000, 10], [500, 8], [4000, 7], [2500, 5], [1250, 3], [8000, 2],
]
const LINE_COUNTS: Weights<number> = [[1, 45], [2, 25], [3, 15], [4, 10], [5, 5]]

function randomQuantity(rng: Random, rule: QuantityRule): number {
  switch (rule) {
    case 'piece':
      return (rng.weighted(PIECES) || rng.int(4, 10)) * 1000
    case 'pages':
      return rng.int(1, 200) * 1000
    case 'single':
      return rng.chance(0.9) ? 1000 : 2000
    case 'hours':
      return rng.weighted(HOURS)
    case 'weight':
      return rng.int(2, 24) * 125 // 0.250 … 3.000 kg in 125 g steps: three decimals
  }
}

/** Fresh orders are still open; old ones are done or closed. */
const STATUS_BY_AGE: ReadonlyArray<{ underDays: number; weights: Weights<OrderStatus> }> = [
  { underDays: 1, weights: [['new', 50], ['in_progress', 35], ['done', 10], ['cancelled', 5]] },
  { underDays: 7, weights: [['new', 10], ['in_progress', 30], ['done', 45], ['closed', 7], ['cancelled', 8]] },
  { underDays: Infinity, weights: [['new', 1], ['in_progress', 1], ['done', 35], ['closed', 55], ['cancelled', 8]] },
]

function randomStatus(rng: Random, ageDays: number): OrderStatus {
  const band = STATUS_BY_AGE.find((b) => ageDays < b.underDays) ?? item(STATUS_BY_AGE, STATUS_BY_AGE.length - 1)
  return rng.weighted(band.weights)
}

/**
 * How orders in each status were paid, as [weights for a person, for a buyer on behalf of a company]: companies
 * often pay by invoice outside the platform, which leaves no payment row at all.
 */
const SCENARIOS: Record<OrderStatus, readonly [Weights<PaymentScenario>, Weights<PaymentScenario>]> = (() => {
  const paid = (invoice: number): Weights<PaymentScenario> => [
    ['purchased', 70],
    ['failed_then_purchased', 10],
    ['cancelled_then_purchased', 5],
    ['duplicate_refunded', 3],
    ['partial', 3],
    ['none', invoice],
  ]
  const working = (invoice: number): Weights<PaymentScenario> => [
    ['purchased', 55],
    ['authorized', 20],
    ['failed_then_purchased', 10],
    ['partial', 4],
    ['none', invoice],
  ]
  const fresh: Weights<PaymentScenario> = [['none', 45], ['pending', 35], ['failed', 12], ['abandoned', 8]]
  const cancelled: Weights<PaymentScenario> = [['none', 40], ['refunded', 40], ['abandoned', 15], ['failed', 5]]
  return {
    new: [fresh, fresh],
    in_progress: [working(3), working(12)],
    done: [paid(3), paid(12)],
    closed: [paid(3), paid(12)],
    cancelled: [cancelled, cancelled],
  }
})()

function randomScenario(rng: Random, status: OrderStatus, b2b: boolean): PaymentScenario {
  return rng.weighted(SCENARIOS[status][b2b ? 1 : 0])
}

/** The gateway's own transaction number, in the shape each gateway uses. */
function externalId(rng: Random, gateway: Gateway): string {
  switch (gateway) {
    case 'CKassa':
      return `${rng.int(1, 9)}${rng.digits(12)}` // regPayNum
    case 'YooKassa':
      return `${rng.hex(4)}-000f-5000-${rng.pick(['8', '9', 'a', 'b'])}${rng.hex(2).slice(1)}-${rng.hex(6)}`
    case 'Tinkoff':
      return `${rng.int(1, 9)}${rng.digits(9)}` // PaymentId
    case 'SberPay':
      return rng.uuid() // orderId
  }
}

/**
 * Events of one order in time order: payment attempts, the status change, refunds. Every event is at or after the
 * previous one and never after the reference date.
 */
function buildTimeline(
  rng: Random,
  order: { createdMs: number; totalKopecks: number; status: OrderStatus; gateway: Gateway; id: string },
  scenario: PaymentScenario,
  nowMs: number,
): { payments: PaymentRow[]; updatedMs: number; cancelledMs: number | null } {
  // Whole seconds, like every generated timestamp, and never after the reference date.
  const cap = (ms: number) => Math.floor(Math.min(ms, nowMs) / 1000) * 1000
  const secondsLater = (from: number, min: number, max: number) => cap(from + rng.int(min, max) * 1000)
  const payments: PaymentRow[] = []
  let cursor = order.createdMs
  const retryGateway = (): Gateway => (rng.chance(0.8) ? order.gateway : rng.weighted(GATEWAY_WEIGHTS))

  const pay = (status: PaymentStatus, gateway: Gateway, amount: number): PaymentRow => {
    const created = secondsLater(cursor, 5, 600)
    let paid: number | null = null
    let updated = created
    if (status === 'purchased' || status === 'refunded') {
      paid = secondsLater(created, 5, 120)
      updated = paid
    } else if (status === 'failed' || status === 'authorized') {
      updated = secondsLater(created, 10, 90)
    } else if (status === 'cancelled') {
      updated = secondsLater(created, 15 * 60, 30 * 60) // the payment page expired
    }
    cursor = updated
    const row: PaymentRow = {
      id: rng.uuid(),
      order_id: order.id,
      gateway,
      status,
      amount: formatMoney(amount),
      paid_at: paid === null ? null : new Date(paid),
      external_id: status === 'pending' && rng.chance(0.5) ? null : externalId(rng, gateway),
      created_at: new Date(created),
      updated_at: new Date(updated),
    }
    payments.push(row)
    return row
  }
  const refund = (payment: PaymentRow, atMs: number) => {
    payment.status = 'refunded'
    payment.updated_at = new Date(cap(atMs))
  }

  const total = order.totalKopecks
  let refundAfterCancel: PaymentRow | null = null
  switch (scenario) {
    case 'none':
      break
    case 'pending':
    case 'failed':
    case 'authorized':
    case 'purchased':
      pay(scenario, order.gateway, total)
      break
    case 'failed_then_purchased':
      pay('failed', order.gateway, total)
      pay('purchased', retryGateway(), total)
      break
    case 'cancelled_then_purchased':
      pay('cancelled', order.gateway, total)
      pay('purchased', retryGateway(), total)
      break
    case 'duplicate_refunded': {
      // The buyer paid twice from two tabs; the support refunds the first payment a day or two later.
      const first = pay('purchased', order.gateway, total)
      pay('purchased', order.gateway, total)
      refund(first, cursor + rng.int(HOUR_MS, 2 * DAY_MS))
      break
    }
    case 'partial': {
      // Prepayment of half, the rest after the work is done.
      const half = Math.floor(total / 2)
      pay('purchased', order.gateway, half)
      cursor = cap(cursor + rng.int(HOUR_MS, 3 * DAY_MS))
      pay('purchased', order.gateway, total - half)
      break
    }
    case 'refunded':
      refundAfterCancel = pay('purchased', order.gateway, total)
      break
    case 'abandoned':
      pay('cancelled', order.gateway, total)
      break
  }

  let updatedMs = order.createdMs
  let cancelledMs: number | null = null
  switch (order.status) {
    case 'new':
      break
    case 'in_progress':
      updatedMs = cap(cursor + rng.int(10 * MINUTE_MS, 6 * HOUR_MS))
      break
    case 'done':
      updatedMs = cap(cursor + rng.int(HOUR_MS, 2 * DAY_MS))
      break
    case 'closed':
      updatedMs = cap(cursor + rng.int(DAY_MS, 10 * DAY_MS))
      break
    case 'cancelled':
      cancelledMs = cap(cursor + rng.int(10 * MINUTE_MS, 3 * DAY_MS))
      updatedMs = cancelledMs
      if (refundAfterCancel) refund(refundAfterCancel, cancelledMs + rng.int(5 * MINUTE_MS, 2 * HOUR_MS))
      break
  }
  return { payments, updatedMs, cancelledMs }
}

/** Position → index into FORCED_ORDERS: spread evenly over the history, or the first ones for tiny data. */
function forcedPositions(orders: number): Map<number, number> {
  const positions = new Map<number, number>()
  const count = Math.min(orders, FORCED_ORDERS.length)
  for (let j = 0; j < count; j++) {
    positions.set(orders >= FORCED_ORDERS.length ? Math.floor(((j + 0.5) * orders) / FORCED_ORDERS.length) : j, j)
  }
  return positions
}

function* generateOrders(model: DemoModel): Generator<GeneratedOrder> {
  const { options } = model
  const rng = new Random(`${options.seed}\u0000orders`)
  const nowMs = Date.parse(options.now)
  const forced = forcedPositions(options.orders)
  const nextNumber = model.locations.map(() => 1)

  for (let position = 0; position < options.orders; position++) {
    const forcedIndex = forced.get(position)
    const spec = forcedIndex === undefined ? null : item(FORCED_ORDERS, forcedIndex)
    const locationIndex = spec ? 0 : rng.weighted(model.locationWeights)
    const location = item(model.locations, locationIndex)
    const supplier = spec ? model.hard.supplier : item(location.suppliers, rng.weighted(location.supplierWeights))
    const customer = spec?.customer ? model.hard.customers[spec.customer] : rng.pick(location.customers)

    // Creation times grow with the position, inside local business hours of the days before the reference date;
    // numbers therefore grow with time within a location, as the platform assigns them.
    const dayFloat = ((position + rng.next()) / options.orders) * options.days
    const day = Math.floor(dayFloat)
    const todayLocal = Math.floor((nowMs + location.offsetMs) / DAY_MS) * DAY_MS
    const dayStartLocal = todayLocal - (options.days - day) * DAY_MS
    const localMs = dayStartLocal + BUSINESS_OPENS_MS + (dayFloat - day) * BUSINESS_HOURS_MS
    const createdMs = Math.floor((localMs - location.offsetMs) / 1000) * 1000

    const orderId = rng.uuid()
    const items: OrderItemRow[] = []
    const addLine = (o: LineSource, quantity: number, discount: number) => {
      const money = lineMoney(o.priceKopecks, discount, quantity, o.vatRate)
      items.push({
        id: rng.uuid(),
        order_id: orderId,
        line_no: items.length + 1,
        service_id: o.serviceId,
        name: o.name,
        sku: o.sku,
        kind: o.kind,
        unit_code: o.unitCode,
        unit_name: o.unitName,
        quantity: formatQuantity(quantity),
        price: formatMoney(money.price),
        discount: formatMoney(money.discount),
        amount: formatMoney(money.amount),
        vat_rate: o.vatRate,
        vat_amount: formatMoney(money.vatAmount),
      })
      return money.amount
    }
    const adhoc = (): LineSource => ({
      name: ADHOC_LINE.name,
      sku: null,
      kind: 'service',
      unitCode: UNITS.unit.code,
      unitName: UNITS.unit.name,
      priceKopecks: ADHOC_LINE.priceKopecks,
      vatRate: supplier.defaultVat,
      serviceId: null,
    })

    let totalKopecks = 0
    if (spec?.lines) {
      for (const line of spec.lines) {
        const o = line.offer === 'adhoc' ? adhoc() : item(supplier.offers, model.hard.offers[line.offer])
        totalKopecks += addLine(o, line.quantity, line.discount ?? 0)
      }
    } else {
      const count = Math.min(supplier.offers.length, rng.weighted(LINE_COUNTS))
      for (const index of shuffled(rng, supplier.offers.map((_, i) => i)).slice(0, count)) {
        const discount = rng.chance(0.15) ? rng.pick([5, 10, 15]) : 0
        const quantity = randomQuantity(rng, item(supplier.rules, index))
        totalKopecks += addLine(item(supplier.offers, index), quantity, discount)
      }
      // A line typed in by the operator, not from the catalog: no service_id, no SKU.
      if (count < 5 && rng.chance(0.03)) totalKopecks += addLine(adhoc(), 1000, 0)
    }

    const status = spec?.status ?? randomStatus(rng, (nowMs - createdMs) / DAY_MS)
    const gateway = spec?.gateway ?? rng.weighted(GATEWAY_WEIGHTS)
    const scenario = spec?.scenario ?? randomScenario(rng, status, customer.company_id !== null)
    const timeline = buildTimeline(rng, { id: orderId, createdMs, totalKopecks, status, gateway }, scenario, nowMs)

    const numberIndex = item(nextNumber, locationIndex)
    nextNumber[locationIndex] = numberIndex + 1
    const order: OrderRow = {
      id: orderId,
      number: `${location.template.prefix}-${String(numberIndex).padStart(6, '0')}`,
      location_id: location.row.id,
      company_id: supplier.company.id,
      customer_id: customer.id,
      status,
      currency: 'RUB',
      total: formatMoney(totalKopecks),
      comment: spec ? spec.comment : rng.chance(0.2) ? rng.pick(ORDER_COMMENTS) : null,
      created_at: new Date(createdMs),
      updated_at: new Date(timeline.updatedMs),
      cancelled_at: timeline.cancelledMs === null ? null : new Date(timeline.cancelledMs),
    }
    yield { order, items, payments: timeline.payments }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Public generation API

/** Locations, companies, customers and services: small, held in memory, inserted before any order. */
export function generateDemoCatalog(options: DemoOptions): DemoCatalog {
  return buildModel(resolveOptions(options)).catalog
}

/**
 * Orders with their lines and payments, `ordersPerChunk` at a time, exactly as `generateDemoData` would return them.
 * Memory holds one chunk, so a million orders can be generated and inserted in a bounded footprint.
 */
export function generateDemoOrderChunks(options: DemoOptions, ordersPerChunk = 2000): Generator<DemoOrderChunk> {
  return chunksOf(buildModel(resolveOptions(options)), ordersPerChunkOf(ordersPerChunk))
}

function ordersPerChunkOf(size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('ordersPerChunk must be a whole number from 1')
  return size
}

function* chunksOf(model: DemoModel, ordersPerChunk: number): Generator<DemoOrderChunk> {
  let chunk: DemoOrderChunk = { orders: [], order_items: [], payments: [] }
  for (const generated of generateOrders(model)) {
    chunk.orders.push(generated.order)
    for (const line of generated.items) chunk.order_items.push(line)
    for (const payment of generated.payments) chunk.payments.push(payment)
    if (chunk.orders.length === ordersPerChunk) {
      yield chunk
      chunk = { orders: [], order_items: [], payments: [] }
    }
  }
  if (chunk.orders.length) yield chunk
}

/** Everything at once. For large data prefer `seedDemo`, which streams. */
export function generateDemoData(options: DemoOptions): DemoData {
  const model = buildModel(resolveOptions(options))
  const tally = new SupplierTally(model.catalog.suppliers)
  const data: DemoData = {
    options: model.options,
    locations: model.catalog.locations,
    companies: model.catalog.companies,
    customers: model.catalog.customers,
    services: model.catalog.services,
    orders: [],
    order_items: [],
    payments: [],
    suppliers: [],
  }
  for (const generated of generateOrders(model)) {
    data.orders.push(generated.order)
    for (const line of generated.items) data.order_items.push(line)
    for (const payment of generated.payments) data.payments.push(payment)
  }
  tally.add(data)
  data.suppliers = tally.result()
  return data
}

/** Counts orders per supplier as chunks go by, without keeping them. */
class SupplierTally {
  private readonly orders = new Map<string, number>()
  private readonly ckassa = new Map<string, number>()

  constructor(private readonly suppliers: readonly DemoSupplier[]) {}

  add(chunk: DemoOrderChunk): void {
    const supplierOf = new Map<string, string>()
    for (const order of chunk.orders) {
      supplierOf.set(order.id, order.company_id)
      this.orders.set(order.company_id, (this.orders.get(order.company_id) ?? 0) + 1)
    }
    const counted = new Set<string>()
    for (const payment of chunk.payments) {
      if (payment.gateway !== 'CKassa' || payment.status !== 'purchased' || counted.has(payment.order_id)) continue
      counted.add(payment.order_id)
      const supplierId = supplierOf.get(payment.order_id)
      if (supplierId !== undefined) this.ckassa.set(supplierId, (this.ckassa.get(supplierId) ?? 0) + 1)
    }
  }

  result(): DemoSupplier[] {
    return this.suppliers.map((s) => ({
      ...s,
      orders: this.orders.get(s.id) ?? 0,
      ckassaPurchasedOrders: this.ckassa.get(s.id) ?? 0,
    }))
  }
}

/**
 * The supplier with the most CKassa-purchased orders (ties: the earlier supplier), the natural company for a demo
 * integration with settings `{"status":"purchased","gateway":"CKassa"}`; null when no order qualifies.
 */
export function topCKassaSupplier(suppliers: readonly DemoSupplier[]): DemoSupplier | null {
  let best: DemoSupplier | null = null
  for (const supplier of suppliers) {
    if (supplier.ckassaPurchasedOrders > (best?.ckassaPurchasedOrders ?? 0)) best = supplier
  }
  return best
}

// ---------------------------------------------------------------------------------------------------------------
// Writing to the database

type OlveryDb = Kysely<OlveryDatabase>

const DEFAULT_ROWS_PER_STATEMENT = 2000

function rowsPerStatementOf(options: InsertDemoOptions): number {
  const size = options.rowsPerStatement ?? DEFAULT_ROWS_PER_STATEMENT
  if (!Number.isInteger(size) || size < 1 || size > 50_000) {
    throw new RangeError('rowsPerStatement must be a whole number from 1 to 50000')
  }
  return size
}

type PgType = 'uuid' | 'text' | 'int' | 'numeric' | 'timestamptz'

/**
 * Every column of every table with the array type it travels as. Rows go in as
 * `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)`: one parameter per column rather than per value, so
 * a statement's size is not bounded by PostgreSQL's 65535 parameters and the server parses one short statement
 * per chunk instead of thousands of placeholders (see `insertDemoData` for timings). `satisfies` keeps it complete.
 */
const COLUMNS = {
  locations: { id: 'uuid', name: 'text', timezone: 'text' },
  companies: {
    id: 'uuid', location_id: 'uuid', kind: 'text', full_name: 'text', short_name: 'text', inn: 'text', kpp: 'text',
    legal_address: 'text', updated_at: 'timestamptz',
  },
  customers: {
    id: 'uuid', location_id: 'uuid', company_id: 'uuid', last_name: 'text', first_name: 'text', middle_name: 'text',
    phone: 'text', email: 'text', premises: 'text', updated_at: 'timestamptz',
  },
  services: { id: 'uuid', company_id: 'uuid', name: 'text', sku: 'text', kind: 'text', updated_at: 'timestamptz' },
  orders: {
    id: 'uuid', number: 'text', location_id: 'uuid', company_id: 'uuid', customer_id: 'uuid', status: 'text',
    currency: 'text', total: 'numeric', comment: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
    cancelled_at: 'timestamptz',
  },
  order_items: {
    id: 'uuid', order_id: 'uuid', line_no: 'int', service_id: 'uuid', name: 'text', sku: 'text', kind: 'text',
    unit_code: 'text', unit_name: 'text', quantity: 'numeric', price: 'numeric', discount: 'numeric',
    amount: 'numeric', vat_rate: 'text', vat_amount: 'numeric',
  },
  payments: {
    id: 'uuid', order_id: 'uuid', gateway: 'text', status: 'text', amount: 'numeric', paid_at: 'timestamptz',
    external_id: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
  },
} satisfies { [T in keyof OlveryDatabase]: Record<keyof Selectable<OlveryDatabase[T]>, PgType> }

/** Timestamps travel as ISO 8601 text: unambiguous on both drivers, whatever the client's time zone. */
const toParam = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value)

/** `nowColumn` is written as the transaction's now() instead of the rows' value (see `insertOrders`). */
async function insertRows<T extends keyof OlveryDatabase>(
  db: OlveryDb,
  table: T,
  rows: ReadonlyArray<Selectable<OlveryDatabase[T]>>,
  size: number,
  nowColumn?: keyof typeof COLUMNS[T],
): Promise<void> {
  const columns = (Object.entries(COLUMNS[table]) as Array<[string, PgType]>).filter(([name]) => name !== nowColumn)
  const names = columns.map(([name]) => sql.ref(name))
  const selected = nowColumn === undefined ? names : [...names, sql`now()`]
  const inserted = columns.map(([name]) => name).concat(nowColumn === undefined ? [] : [String(nowColumn)])
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size) as ReadonlyArray<Record<string, unknown>>
    const arrays = columns.map(([name, type]) => sql`${slice.map((row) => toParam(row[name]))}::${sql.raw(type)}[]`)
    await db
      .insertInto(table)
      // Kysely cannot relate a generic table to its column names; COLUMNS is checked against the tables above.
      .columns(inserted as never)
      .expression(sql`select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as r (${sql.join(names)})`)
      .execute()
  }
}

/**
 * Puts the generated `orders.updated_at` back. Inserting order lines fires `order_items_touch_order`, which sets
 * the order's updated_at to now(); the reference `touch_updated_at` trigger keeps a value the writer changes
 * explicitly, so one UPDATE … FROM unnest(…) per slice restores history.
 */
async function restoreOrdersUpdatedAt(db: OlveryDb, orders: readonly OrderRow[], size: number): Promise<void> {
  for (let i = 0; i < orders.length; i += size) {
    const slice = orders.slice(i, i + size)
    const ids = slice.map((o) => o.id)
    const stamps = slice.map((o) => o.updated_at.toISOString())
    const values = sql<{ id: string; updated_at: Date }>`unnest(${ids}::uuid[], ${stamps}::timestamptz[])`
    // The builder, not a raw statement, so that `withSchema` qualifies the table; `v` is a plain alias.
    await db
      .updateTable('orders')
      .from(values.as<'v'>(sql`v (id, updated_at)`))
      .set({ updated_at: sql`v.updated_at` })
      .where('orders.id', '=', sql<string>`v.id`)
      .execute()
  }
}

type CatalogRows = Pick<DemoData, 'locations' | 'companies' | 'customers' | 'services'>

async function insertCatalog(db: OlveryDb, catalog: CatalogRows, size: number): Promise<void> {
  await insertRows(db, 'locations', catalog.locations, size)
  await insertRows(db, 'companies', catalog.companies, size)
  await insertRows(db, 'customers', catalog.customers, size)
  await insertRows(db, 'services', catalog.services, size)
}

/**
 * Orders go in with updated_at = now() and get their history back once their lines are in. The reference
 * `order_items_touch_order` trigger only touches orders whose updated_at differs from now(), so it writes nothing
 * and each order row is rewritten once rather than twice. Under a trigger without that condition the result is
 * the same, only slower.
 */
async function insertOrders(db: OlveryDb, chunk: DemoOrderChunk, size: number): Promise<void> {
  await insertRows(db, 'orders', chunk.orders, size, 'updated_at')
  await insertRows(db, 'order_items', chunk.order_items, size)
  await restoreOrdersUpdatedAt(db, chunk.orders, size)
  await insertRows(db, 'payments', chunk.payments, size)
}

/**
 * Inserts generated data into empty reference tables, in one transaction: multi-row INSERTs of
 * `rowsPerStatement` rows (see `COLUMNS`), then the orders' historical updated_at restored
 * (see `insertOrders`).
 *
 * A million orders (2 M lines, 1.1 M payments) through `seedDemo` into a stock PostgreSQL 15 took 324 s with
 * 500-row VALUES statements, 246 s with unnest, 172 s with unnest and the now() placeholder of `insertOrders`.
 */
export async function insertDemoData(olvery: OlveryDb, data: DemoData, options: InsertDemoOptions = {}): Promise<void> {
  const size = rowsPerStatementOf(options)
  await olvery.transaction().execute(async (trx) => {
    await insertCatalog(trx, data, size)
    await insertOrders(trx, data, size)
  })
}

/**
 * Generates and inserts chunk by chunk in one transaction (all or nothing), holding one chunk in memory: the
 * way to load a million orders. Returns the counts and the suppliers with their order counts.
 */
export async function seedDemo(olvery: OlveryDb, options: SeedDemoOptions): Promise<DemoSummary> {
  const size = rowsPerStatementOf(options)
  const ordersPerChunk = ordersPerChunkOf(options.ordersPerChunk ?? 2000)
  const model = buildModel(resolveOptions(options))
  const { catalog } = model
  const tally = new SupplierTally(catalog.suppliers)
  const counts: Record<keyof OlveryDatabase, number> = {
    locations: catalog.locations.length,
    companies: catalog.companies.length,
    customers: catalog.customers.length,
    services: catalog.services.length,
    orders: 0,
    order_items: 0,
    payments: 0,
  }
  await olvery.transaction().execute(async (trx) => {
    await insertCatalog(trx, catalog, size)
    for (const chunk of chunksOf(model, ordersPerChunk)) {
      await insertOrders(trx, chunk, size)
      tally.add(chunk)
      counts.orders += chunk.orders.length
      counts.order_items += chunk.order_items.length
      counts.payments += chunk.payments.length
      options.onProgress?.(counts.orders, model.options.orders)
    }
  })
  return { options: model.options, counts, suppliers: tally.result() }
}
