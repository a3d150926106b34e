/**
 * Kysely types of the Olvery source contract (../shared/design/OLVERY-SOURCE.md): the platform tables the service
 * reads, and the only ones it may assume. Money and quantities are numeric → exact decimal strings.
 * Only `orders.source.ts` queries these tables; the demo generator and tests write them.
 */
import type { ColumnType } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Decimal = ColumnType<string, string | number, string | number>

export interface LocationsTable {
  id: string
  name: string
  timezone: string
}

export type CompanyKind = 'legal' | 'sole_trader'

export interface CompaniesTable {
  id: string
  location_id: string
  kind: CompanyKind
  full_name: string
  short_name: string | null
  inn: string | null
  kpp: string | null
  legal_address: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface CustomersTable {
  id: string
  location_id: string
  company_id: string | null
  last_name: string | null
  first_name: string | null
  middle_name: string | null
  phone: string | null
  email: string | null
  premises: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export type ItemKind = 'service' | 'goods'

export interface ServicesTable {
  id: string
  company_id: string
  name: string
  sku: string | null
  kind: ItemKind
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export type OrderStatus = 'new' | 'in_progress' | 'done' | 'closed' | 'cancelled'

export interface OrdersTable {
  id: string
  number: string
  location_id: string
  company_id: string
  customer_id: string
  status: OrderStatus
  currency: string
  total: Decimal
  comment: string | null
  created_at: Timestamp
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  cancelled_at: Timestamp | null
}

export type VatRate = 'none' | '0' | '5' | '7' | '10' | '20' | '22'

export interface OrderItemsTable {
  id: string
  order_id: string
  line_no: number
  service_id: string | null
  name: string
  sku: string | null
  kind: ItemKind
  unit_code: string
  unit_name: string
  quantity: Decimal
  price: Decimal
  discount: Decimal
  amount: Decimal
  vat_rate: VatRate
  vat_amount: Decimal
}

export type PaymentStatus = 'pending' | 'authorized' | 'purchased' | 'failed' | 'refunded' | 'cancelled'

export interface PaymentsTable {
  id: string
  order_id: string
  gateway: string
  status: PaymentStatus
  amount: Decimal
  paid_at: Timestamp | null
  external_id: string | null
  created_at: Timestamp
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface OlveryDatabase {
  locations: LocationsTable
  companies: CompaniesTable
  customers: CustomersTable
  services: ServicesTable
  orders: OrdersTable
  order_items: OrderItemsTable
  payments: PaymentsTable
}
