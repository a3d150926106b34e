/**
 * Platform orders and integration settings for export tests, built in memory: a paid service order of a person by
 * default, every part overridable.
 */
import type { IntegrationSettings } from '../../src/integration/settings.schema.js'
import type {
  PlatformCompany,
  PlatformCustomer,
  PlatformOrder,
  PlatformOrderItem,
  PlatformPayment,
} from '../../src/olvery/platform-order.js'

export function settingsFixture(overrides: Partial<IntegrationSettings> = {}): IntegrationSettings {
  return {
    paymentRules: [{ status: 'purchased', gateway: 'CKassa' }],
    paymentMethodName: 'Оплата картой внешняя',
    paymentMethodId: 'card_online',
    encoding: 'UTF-8',
    bom: false,
    batchSize: 500,
    exportFrom: null,
    currency: null,
    timezone: null,
    schemaVersion: '2.08',
    ...overrides,
  }
}

export function companyFixture(overrides: Partial<PlatformCompany> = {}): PlatformCompany {
  return {
    id: '7d1c2f3a-0b4e-4c6d-8e9f-1a2b3c4d5e6f',
    kind: 'legal',
    fullName: 'Общество с ограниченной ответственностью «Ромашка»',
    shortName: 'ООО «Ромашка»',
    inn: '7701234567',
    kpp: '770101001',
    legalAddress: '101000, Москва, ул. Мясницкая, д. 1, офис 15',
    ...overrides,
  }
}

export function customerFixture(overrides: Partial<PlatformCustomer> = {}): PlatformCustomer {
  return {
    id: 'c0a8f0e2-1b2c-4d5e-8f90-123456789abc',
    lastName: 'Иванов',
    firstName: 'Иван',
    middleName: 'Иванович',
    phone: '+79990000000',
    email: 'ivanov@example.ru',
    premises: 'Офис 512',
    company: null,
    ...overrides,
  }
}

export function itemFixture(overrides: Partial<PlatformOrderItem> = {}): PlatformOrderItem {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    lineNo: 1,
    serviceId: '5e7a9c1b-2d3f-4a5b-8c7d-9e0f1a2b3c4d',
    name: 'Консультация юриста (1 час)',
    sku: 'SVC-LAW-1H',
    kind: 'service',
    unitCode: '796',
    unitName: 'шт',
    quantity: '2.000',
    price: '4500.00',
    discount: '0.00',
    amount: '9000.00',
    vatRate: '20',
    vatAmount: '1500.00',
    ...overrides,
  }
}

export function paymentFixture(overrides: Partial<PlatformPayment> = {}): PlatformPayment {
  return {
    id: 'b1b2b3b4-0000-4000-8000-000000000001',
    gateway: 'CKassa',
    status: 'purchased',
    amount: '9000.00',
    paidAt: new Date('2025-03-14T11:06:30Z'),
    externalId: 'PAY-7F3A91C2',
    createdAt: new Date('2025-03-14T11:05:30Z'),
    updatedAt: new Date('2025-03-14T11:06:30Z'),
    ...overrides,
  }
}

export function orderFixture(overrides: Partial<PlatformOrder> = {}): PlatformOrder {
  return {
    id: '5f0c7a3e-2b1d-4c8e-9a61-0d3b7e2f1a44',
    number: 'A-000123',
    companyId: '11111111-2222-4333-8444-555555555555',
    locationId: '66666666-7777-4888-8999-aaaaaaaaaaaa',
    timezone: 'Europe/Moscow',
    status: 'in_progress',
    currency: 'RUB',
    total: '9000.00',
    comment: null,
    createdAt: new Date('2025-03-14T11:05:09Z'),
    updatedAt: new Date('2025-03-14T11:06:30Z'),
    cancelledAt: null,
    changedAt: new Date('2025-03-14T11:06:30Z'),
    customer: customerFixture(),
    items: [itemFixture()],
    payments: [paymentFixture()],
    ...overrides,
  }
}
