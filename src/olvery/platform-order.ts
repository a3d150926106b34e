/**
 * The domain shape of one platform order with everything 1C needs to receive it, assembled by
 * `orders.source.ts` from the contract tables. Money and quantities are exact decimal strings as PostgreSQL
 * returns them (`'12000.00'`, `'2.000'`), never floats.
 */
import type { CompanyKind, ItemKind, OrderStatus, PaymentStatus, VatRate } from './olvery.schema.js'

export interface PlatformCompany {
  id: string
  kind: CompanyKind
  fullName: string
  shortName: string | null
  inn: string | null
  kpp: string | null
  legalAddress: string | null
}

export interface PlatformCustomer {
  id: string
  lastName: string | null
  firstName: string | null
  middleName: string | null
  phone: string | null
  email: string | null
  premises: string | null
  /** Set when the person bought on behalf of a resident company (B2B): the buyer in 1C is that company. */
  company: PlatformCompany | null
}

export interface PlatformOrderItem {
  id: string
  lineNo: number
  serviceId: string | null
  name: string
  sku: string | null
  kind: ItemKind
  unitCode: string
  unitName: string
  quantity: string
  price: string
  discount: string
  amount: string
  vatRate: VatRate
  vatAmount: string
}

export interface PlatformPayment {
  id: string
  gateway: string
  status: PaymentStatus
  amount: string
  paidAt: Date | null
  externalId: string | null
  createdAt: Date
  updatedAt: Date
}

export interface PlatformOrder {
  id: string
  number: string
  companyId: string
  locationId: string
  /** IANA zone of the order's location: dates sent to 1C are wall-clock times there (PROTOCOL.md §5.2). */
  timezone: string
  status: OrderStatus
  currency: string
  total: string
  comment: string | null
  createdAt: Date
  updatedAt: Date
  cancelledAt: Date | null
  /** greatest(orders.updated_at, payments.updated_at): when the order last changed for the exchange. */
  changedAt: Date
  customer: PlatformCustomer
  /** Sorted by line number. */
  items: PlatformOrderItem[]
  /** Sorted by creation time, then id. */
  payments: PlatformPayment[]
}
