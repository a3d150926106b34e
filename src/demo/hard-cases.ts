/**
 * Hard cases that an exchange with 1C must survive: quotes, `&`, `<`, `>`, apostrophes, 300-character names, emoji
 * and `₽` outside windows-1251, ASCII control characters, fractional quantities, refunds and retried payments.
 * They live in the first location: one supplier whose name, catalog and orders carry them, buyers with missing
 * fields, and resident companies with awkward names. `FORCED_ORDERS` below puts them on orders.
 */
import type { OrderStatus } from '../olvery/olvery.schema.js'
import { offer, type Gateway, type OfferTemplate, type PaymentScenario } from './catalogue.js'

export const HARD_SUPPLIER = {
  fullName: 'Общество с ограниченной ответственностью "Рога & Копыта"',
  shortName: 'ООО "Рога & Копыта"',
}

const LONG_SERVICE_NAME =
  'Комплексное техническое обслуживание и сопровождение делового мероприятия в конференц-зале: аренда зала ' +
  'на 120 посадочных мест, звуковое и мультимедийное оборудование (проектор, экран, радиомикрофоны, ноутбук ' +
  'для презентаций), онлайн-трансляция и запись, услуги технического специалиста и администратора, уборка до ' +
  'и после мероприятия, гардероб и навигация для гостей'

/** Keys let FORCED_ORDERS name offers of the hard supplier. */
export const HARD_OFFERS = {
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

export type HardOfferKey = keyof typeof HARD_OFFERS

const LONG_COMPANY_NAME =
  'Общество с ограниченной ответственностью «Научно-производственное объединение по разработке, внедрению и ' +
  'сопровождению программных комплексов автоматизации учёта, планирования и управления ресурсами промышленных ' +
  'предприятий, организаций транспорта, строительства и жилищно-коммунального хозяйства «СибИнформСистемы-Консалтинг»»'

export const LONG_COMPANY = { fullName: LONG_COMPANY_NAME, shortName: 'ООО НПО «СибИнформСистемы-Консалтинг»' }

export const APOSTROPHE_COMPANY = {
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

export type HardCustomerKey = 'longCompany' | 'noMiddleName' | 'noContacts'

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
export const FORCED_ORDERS: readonly ForcedOrder[] = [
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
