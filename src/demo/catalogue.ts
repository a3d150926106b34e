/**
 * The reference content the demo is drawn from, nearly all data: locations, units, the offers of legal suppliers
 * and sole traders, resident companies' brands, order comments, payment gateways and the ways an order is paid.
 * The hard cases are in `hard-cases.ts`, people's names in `people.ts`.
 */
import type { ItemKind, VatRate } from '../olvery/olvery.schema.js'

export interface LocationTemplate {
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

export const LOCATIONS: readonly LocationTemplate[] = [
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
export const LOCATION_WEIGHTS = [5, 3, 2, 2, 1.5, 1.5, 1, 1, 1, 1]
/** Share of a location's orders by supplier, first supplier busiest. */
export const SUPPLIER_WEIGHTS = [6, 3, 2, 1.5]

type UnitKey = 'pcs' | 'unit' | 'hour' | 'kg'

/** OKEI codes and their short names as 1C prints them. */
export const UNITS: Record<UnitKey, { code: string; name: string }> = {
  pcs: { code: '796', name: 'шт' },
  unit: { code: '876', name: 'усл. ед.' },
  hour: { code: '356', name: 'ч' },
  kg: { code: '166', name: 'кг' },
}

/** How an offer's quantity is drawn: whole pieces, pages, one service, hours in halves, weight in 125 g steps. */
export type QuantityRule = 'piece' | 'pages' | 'single' | 'hours' | 'weight'

export interface OfferTemplate {
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

export function offer(
  name: string,
  kind: ItemKind,
  unit: UnitKey,
  price: number,
  vat: VatRate,
  quantity: QuantityRule,
): OfferTemplate {
  return { name, kind, unit, price, vat, quantity }
}

export const LEGAL_SUPPLIERS: readonly SupplierTemplate[] = [
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

export const SOLE_TRADER_SUPPLIERS: readonly SupplierTemplate[] = [
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

export const COMPANY_BRANDS = [
  'Вектор', 'Гранит', 'Альтаир', 'СибТехПроект', 'Северный ветер', 'Медиа Плюс', 'Инфосистемы', 'Капитал Групп',
  'Лаборатория 42', 'Зелёный город', 'Стройинвест', 'Финансовый дом', 'Орбита', 'Меркурий', 'Точные решения',
  'Ромашка', 'БиоТех', 'Цифровые двойники', 'Аэроплан', 'Контур качества', 'Нейросфера', 'Геодата',
  'Умный склад', 'Интерлогистика', 'Кванториум', 'Полимер-Юг',
]

export const ORDER_COMMENTS = [
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

export type Gateway = 'CKassa' | 'YooKassa' | 'Tinkoff' | 'SberPay'

export const GATEWAY_WEIGHTS: ReadonlyArray<readonly [Gateway, number]> = [
  ['CKassa', 78],
  ['YooKassa', 9],
  ['Tinkoff', 7],
  ['SberPay', 6],
]

/** A line typed in by hand, outside the catalog: no service, no SKU. */
export const ADHOC_LINE = { name: 'Доставка по бизнес-центру', priceKopecks: 15000 }

/** How an order was paid (or not), attempt by attempt; `buildTimeline` plays it out. */
export type PaymentScenario =
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
