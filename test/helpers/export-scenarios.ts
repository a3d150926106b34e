/**
 * Representative platform orders and the integration settings they are exported with. Each one has a golden file
 * test/fixtures/golden/<name>.xml holding the exact bytes of the `query` answer that carries it.
 */
import type { IntegrationSettings } from '../../src/integration/settings.schema.js'
import type { PlatformOrder } from '../../src/olvery/platform-order.js'
import { companyFixture, customerFixture, itemFixture, orderFixture, paymentFixture, settingsFixture } from './export-fixtures.js'

export interface ExportScenario {
  /** File name in test/fixtures/golden/. */
  name: string
  /** What the scenario shows, for the test names. */
  about: string
  order: PlatformOrder
  settings: IntegrationSettings
}

/** ДатаФормирования of every golden answer: 2025-03-20 12:00:00 in Moscow. */
export const GENERATED_AT = new Date('2025-03-20T09:00:00Z')
export const GENERATED_ZONE = 'Europe/Moscow'

const personPaid: ExportScenario = {
  name: 'person-paid.xml',
  about: 'a person paying a service online, with a comment',
  settings: settingsFixture(),
  order: orderFixture({ comment: 'Прошу связаться после 18:00' }),
}

/** B2B in Novosibirsk; lines with VAT 20 (with a discount), 10 (goods, 1.5 kg), none, 0, and an unknown unit. */
const companyMixedVat: ExportScenario = {
  name: 'company-mixed-vat.xml',
  about: 'a resident company with ИНН/КПП buying lines with different VAT rates, a discount and a retried payment',
  settings: settingsFixture({ paymentRules: [{ status: 'PURCHASED', gateway: 'ckassa' }] }),
  order: orderFixture({
    id: '0e4b8a52-9c1f-4d7e-a3b6-5f2c8d9e0a17',
    number: 'NSK-4471',
    timezone: 'Asia/Novosibirsk',
    status: 'done',
    total: '8740.00',
    createdAt: new Date('2025-03-14T21:30:00Z'),
    updatedAt: new Date('2025-03-15T02:15:00Z'),
    customer: customerFixture({
      id: '9b7e1c3d-5a2f-4e8b-b6c4-0d1f2e3a4b5c',
      lastName: 'Петрова',
      firstName: 'Анна',
      middleName: null,
      email: 'buh@romashka.example',
      phone: null,
      premises: 'Технопарк «Академпарк», корпус 2, офис 301',
      company: companyFixture(),
    }),
    items: [
      itemFixture({
        id: '1f0e2d3c-0000-4000-8000-00000000a001',
        serviceId: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
        name: 'Аренда переговорной (2 часа)',
        sku: 'ROOM-2H',
        unitCode: '356',
        unitName: 'ч',
        quantity: '2.000',
        price: '2000.00',
        discount: '500.00',
        amount: '4000.00',
        vatRate: '20',
        vatAmount: '666.67',
      }),
      itemFixture({
        id: '1f0e2d3c-0000-4000-8000-00000000a002',
        lineNo: 2,
        serviceId: '3b4c5d6e-7f8a-4b9c-8d1e-2f3a4b5c6d7e',
        name: 'Кофе в зернах',
        sku: 'COFFEE-KG',
        kind: 'goods',
        unitCode: '166',
        unitName: 'кг',
        quantity: '1.500',
        price: '1160.00',
        amount: '1740.00',
        vatRate: '10',
        vatAmount: '158.18',
      }),
      itemFixture({
        id: '1f0e2d3c-0000-4000-8000-00000000a003',
        lineNo: 3,
        serviceId: null,
        name: 'Сервисный сбор',
        sku: null,
        unitCode: '876',
        unitName: 'усл. ед',
        quantity: '1.000',
        price: '1000.00',
        amount: '1000.00',
        vatRate: 'none',
        vatAmount: '0.00',
      }),
      itemFixture({
        id: '1f0e2d3c-0000-4000-8000-00000000a004',
        lineNo: 4,
        serviceId: '4c5d6e7f-8a9b-4c0d-9e1f-3a4b5c6d7e8f',
        name: 'Экспортная консультация',
        sku: 'EXP-CONS',
        unitCode: '796',
        unitName: 'шт',
        quantity: '1.000',
        price: '1500.00',
        amount: '1500.00',
        vatRate: '0',
        vatAmount: '0.00',
      }),
      itemFixture({
        id: '1f0e2d3c-0000-4000-8000-00000000a005',
        lineNo: 5,
        serviceId: '5d6e7f8a-9b0c-4d1e-8f2a-4b5c6d7e8f9a',
        name: 'Комплект канцелярии',
        sku: 'KANC-SET',
        kind: 'goods',
        unitCode: '839',
        unitName: 'компл',
        quantity: '1.000',
        price: '500.00',
        amount: '500.00',
        vatRate: '22',
        vatAmount: '90.16',
      }),
    ],
    payments: [
      paymentFixture({
        id: 'c1c2c3c4-0000-4000-8000-000000000001',
        status: 'failed',
        amount: '8740.00',
        paidAt: null,
        externalId: 'PAY-FAILED-01',
        createdAt: new Date('2025-03-14T21:31:00Z'),
        updatedAt: new Date('2025-03-14T21:32:00Z'),
      }),
      paymentFixture({
        id: 'c1c2c3c4-0000-4000-8000-000000000002',
        gateway: 'CKASSA',
        status: 'purchased',
        amount: '8740.00',
        paidAt: new Date('2025-03-14T21:40:00Z'),
        externalId: 'PAY-9C01D5E7',
        createdAt: new Date('2025-03-14T21:35:00Z'),
        updatedAt: new Date('2025-03-14T21:40:00Z'),
      }),
    ],
  }),
}

/** An ИП (12-digit ИНН) whose card payment is only held: not paid. No «Метод оплаты ИД» configured. */
const soleTraderHeld: ExportScenario = {
  name: 'sole-trader-held.xml',
  about: 'a sole trader whose payment is only authorised (a hold), without a payment method id',
  settings: settingsFixture({ paymentMethodId: null, paymentRules: [{ gateway: 'CKassa' }] }),
  order: orderFixture({
    id: '3c9d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    number: 'B-77',
    status: 'new',
    total: '3000.00',
    createdAt: new Date('2025-03-16T06:00:00Z'),
    updatedAt: new Date('2025-03-16T06:00:00Z'),
    customer: customerFixture({
      id: '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
      lastName: 'Сидоров',
      firstName: 'Пётр',
      middleName: 'Олегович',
      email: 'sidorov@example.ru',
      phone: '+79130000001',
      premises: null,
      company: companyFixture({
        id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
        kind: 'sole_trader',
        fullName: 'ИП Сидоров Пётр Олегович',
        shortName: null,
        inn: '540123456789',
        kpp: null,
        legalAddress: null,
      }),
    }),
    items: [
      itemFixture({
        name: 'Подготовка договора',
        sku: 'SVC-CONTRACT',
        quantity: '1.000',
        price: '3000.00',
        amount: '3000.00',
        vatRate: 'none',
        vatAmount: '0.00',
      }),
    ],
    payments: [
      paymentFixture({
        status: 'authorized',
        amount: '3000.00',
        paidAt: null,
        externalId: 'PAY-HOLD-0001',
        createdAt: new Date('2025-03-16T06:01:00Z'),
        updatedAt: new Date('2025-03-16T06:01:00Z'),
      }),
    ],
  }),
}

/** One of two payments was refunded a week later: «Заказ оплачен» stays true (PROTOCOL.md §5.7). */
const refunded: ExportScenario = {
  name: 'refund.xml',
  about: 'a closed order with a partial refund',
  settings: settingsFixture(),
  order: orderFixture({
    id: '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a',
    number: 'A-000130',
    status: 'closed',
    total: '9000.00',
    updatedAt: new Date('2025-03-21T08:00:00Z'),
    payments: [
      paymentFixture({
        id: 'd1d2d3d4-0000-4000-8000-000000000001',
        status: 'purchased',
        amount: '7100.00',
        paidAt: new Date('2025-03-14T11:06:30Z'),
        externalId: 'PAY-7100-A',
      }),
      paymentFixture({
        id: 'd1d2d3d4-0000-4000-8000-000000000002',
        status: 'refunded',
        amount: '1900.00',
        paidAt: new Date('2025-03-14T11:08:00Z'),
        externalId: 'PAY-1900-B',
        createdAt: new Date('2025-03-14T11:07:00Z'),
        updatedAt: new Date('2025-03-21T07:59:00Z'),
      }),
    ],
  }),
}

const cancelled: ExportScenario = {
  name: 'cancelled.xml',
  about: 'an order cancelled before payment',
  settings: settingsFixture(),
  order: orderFixture({
    id: '7e6d5c4b-3a2f-4e1d-8c0b-9a8f7e6d5c4b',
    number: 'A-000131',
    status: 'cancelled',
    total: '9000.00',
    updatedAt: new Date('2025-03-15T09:30:00Z'),
    cancelledAt: new Date('2025-03-15T09:30:00Z'),
    payments: [paymentFixture({ status: 'failed', paidAt: null, externalId: null })],
  }),
}

/** windows-1251 profile: ₽, the emoji and the Latin ß are outside cp1251; «», №, — and ё are inside. */
const windows1251: ExportScenario = {
  name: 'windows-1251.xml',
  about: 'the windows-1251 profile with characters outside cp1251',
  settings: settingsFixture({ encoding: 'windows-1251' }),
  order: orderFixture({
    id: '8f7e6d5c-4b3a-4f2e-9d1c-0b9a8f7e6d5c',
    number: 'W-0001',
    total: '1000.00',
    comment: 'Спасибо! 😀 Цена 1000 ₽, №5 — всё ок',
    customer: customerFixture({ lastName: 'Weiß', firstName: 'Ёлка', middleName: null }),
    items: [
      itemFixture({
        name: 'Абонемент «Коворкинг» — 1000 ₽',
        sku: 'COWORK-1',
        quantity: '1.000',
        price: '1000.00',
        amount: '1000.00',
        vatRate: '20',
        vatAmount: '166.67',
      }),
    ],
    payments: [paymentFixture({ amount: '1000.00' })],
  }),
}

/** Quotes, &, <, >, control characters, U+FFFD, an unpaired surrogate, CR/LF/TAB and a name over 255 characters. */
const hardText: ExportScenario = {
  name: 'hard-text.xml',
  about: 'text with markup characters, forbidden characters and an over-long name',
  settings: settingsFixture({ paymentMethodName: 'Карта "Мир" & <Visa>' }),
  order: orderFixture({
    id: '9a8f7e6d-5c4b-4a3f-8e2d-1c0b9a8f7e6d',
    number: 'R&D<1>"\u0007',
    total: '9000.00',
    comment: 'Line 1\r\nLine 2\tTab & <b>bold</b> "quoted" \u0001\u000B\u000C\uFFFD\uD800 end',
    customer: customerFixture({
      lastName: "O'Брайен \u0000",
      firstName: 'Джон <script>',
      middleName: null,
      email: 'a&b@example.ru',
      premises: 'Офис "Б" & склад <3>',
    }),
    items: [
      itemFixture({
        name: `Услуга ${'очень длинное название '.repeat(12)}конец`,
        sku: 'SKU&<"1">',
        unitName: 'шт & <ед>',
      }),
    ],
  }),
}

export const scenarios: readonly ExportScenario[] = [personPaid, companyMixedVat, soleTraderHeld, refunded, cancelled, windows1251, hardText]
