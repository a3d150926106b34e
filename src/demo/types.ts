/** The shapes the demo generator hands out: rows as the reference schema returns them, and what comes with them. */
import type { Selectable } from 'kysely'
import type {
  CompaniesTable,
  CompanyKind,
  CustomersTable,
  ItemKind,
  LocationsTable,
  OrderItemsTable,
  OrdersTable,
  PaymentsTable,
  ServicesTable,
  VatRate,
} from '../olvery/olvery.schema.js'
import type { ResolvedDemoOptions } from './options.js'

/** Rows exactly as the reference schema returns them (numeric as strings, timestamptz as Date). */
export type LocationRow = Selectable<LocationsTable>
export type CompanyRow = Selectable<CompaniesTable>
export type CustomerRow = Selectable<CustomersTable>
export type ServiceRow = Selectable<ServicesTable>
export type OrderRow = Selectable<OrdersTable>
export type OrderItemRow = Selectable<OrderItemsTable>
export type PaymentRow = Selectable<PaymentsTable>

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
