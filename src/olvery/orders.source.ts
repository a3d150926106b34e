/**
 * The platform's orders (../shared/design/OLVERY-SOURCE.md): whole orders with buyer, lines and payments, and the
 * lookups by id or number that support and 1C's uploads need. The files of src/olvery/ are the only reads of the
 * platform's tables. Read-only by contract: nothing here writes, and the service may run with a read-only role on
 * OLVERY_DATABASE_URL.
 */
import type { Kysely } from 'kysely'
import { isUuid } from '../uuid.js'
import { toCompany } from './companies.source.js'
import type { OlveryDatabase } from './olvery.schema.js'
import type { PlatformOrder, PlatformOrderItem, PlatformPayment } from './platform-order.js'

type Olvery = Kysely<OlveryDatabase>

/** Rows of an order's children, converted and grouped by order, in the rows' order. */
function groupByOrder<Row extends { order_id: string }, T>(rows: readonly Row[], convert: (row: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const list = groups.get(row.order_id)
    if (list) list.push(convert(row))
    else groups.set(row.order_id, [convert(row)])
  }
  return groups
}

/** Loads whole orders (buyer, lines, payments) in three queries, in the order of `ids`; unknown ids are skipped. */
export async function loadOrders(olvery: Olvery, ids: readonly string[]): Promise<PlatformOrder[]> {
  if (ids.length === 0) return []
  const list = [...ids]
  const [orderRows, itemRows, paymentRows] = await Promise.all([
    olvery
      .selectFrom('orders as o')
      .innerJoin('locations as l', 'l.id', 'o.location_id')
      .innerJoin('customers as c', 'c.id', 'o.customer_id')
      .leftJoin('companies as cc', 'cc.id', 'c.company_id')
      .select([
        'o.id',
        'o.number',
        'o.company_id',
        'o.location_id',
        'o.status',
        'o.currency',
        'o.total',
        'o.comment',
        'o.created_at',
        'o.updated_at',
        'o.cancelled_at',
        'l.timezone',
        'c.id as customer_id',
        'c.last_name',
        'c.first_name',
        'c.middle_name',
        'c.phone',
        'c.email',
        'c.premises',
        'cc.id as buyer_company_id',
        'cc.kind as buyer_company_kind',
        'cc.full_name as buyer_company_full_name',
        'cc.short_name as buyer_company_short_name',
        'cc.inn as buyer_company_inn',
        'cc.kpp as buyer_company_kpp',
        'cc.legal_address as buyer_company_legal_address',
      ])
      .where('o.id', '=', (eb) => eb.fn.any(eb.val(list)))
      .execute(),
    olvery
      .selectFrom('order_items')
      .selectAll()
      .where('order_id', '=', (eb) => eb.fn.any(eb.val(list)))
      .orderBy('order_id')
      .orderBy('line_no')
      .execute(),
    olvery
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', (eb) => eb.fn.any(eb.val(list)))
      .orderBy('order_id')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ])

  const items = groupByOrder(
    itemRows,
    (row): PlatformOrderItem => ({
      id: row.id,
      lineNo: row.line_no,
      serviceId: row.service_id,
      name: row.name,
      sku: row.sku,
      kind: row.kind,
      unitCode: row.unit_code,
      unitName: row.unit_name,
      quantity: row.quantity,
      price: row.price,
      discount: row.discount,
      amount: row.amount,
      vatRate: row.vat_rate,
      vatAmount: row.vat_amount,
    }),
  )
  const payments = groupByOrder(
    paymentRows,
    (row): PlatformPayment => ({
      id: row.id,
      gateway: row.gateway,
      status: row.status,
      amount: row.amount,
      paidAt: row.paid_at,
      externalId: row.external_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }),
  )

  const byId = new Map<string, PlatformOrder>()
  for (const row of orderRows) {
    const orderPayments = payments.get(row.id) ?? []
    const changedAt = orderPayments.reduce((max, p) => (p.updatedAt > max ? p.updatedAt : max), row.updated_at)
    byId.set(row.id, {
      id: row.id,
      number: row.number,
      companyId: row.company_id,
      locationId: row.location_id,
      timezone: row.timezone,
      status: row.status,
      currency: row.currency,
      total: row.total,
      comment: row.comment,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      cancelledAt: row.cancelled_at,
      changedAt,
      customer: {
        id: row.customer_id,
        lastName: row.last_name,
        firstName: row.first_name,
        middleName: row.middle_name,
        phone: row.phone,
        email: row.email,
        premises: row.premises,
        company:
          row.buyer_company_id && row.buyer_company_kind && row.buyer_company_full_name
            ? toCompany({
                id: row.buyer_company_id,
                kind: row.buyer_company_kind,
                full_name: row.buyer_company_full_name,
                short_name: row.buyer_company_short_name,
                inn: row.buyer_company_inn,
                kpp: row.buyer_company_kpp,
                legal_address: row.buyer_company_legal_address,
              })
            : null,
      },
      items: items.get(row.id) ?? [],
      payments: orderPayments,
    })
  }
  return list.flatMap((id) => byId.get(id) ?? [])
}

export interface OrderReference {
  id: string
  number: string
  locationId: string
  createdAt: Date
}

/**
 * The orders of a company named by id or by number (support's "did 1C get order A-123?"). Numbers are unique per
 * location, so a supplier selling in several locations may have more than one order with the same number.
 */
export async function findCompanyOrdersByIdOrNumber(olvery: Olvery, companyId: string, idOrNumber: string): Promise<OrderReference[]> {
  const rows = await olvery
    .selectFrom('orders')
    .select(['id', 'number', 'location_id', 'created_at'])
    .where('company_id', '=', companyId)
    .where((eb) =>
      isUuid(idOrNumber) ? eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]) : eb('number', '=', idOrNumber),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ id: r.id, number: r.number, locationId: r.location_id, createdAt: r.created_at }))
}

/** Those of `ids` that are orders of the company, with their numbers. */
export async function findCompanyOrders(
  olvery: Olvery,
  companyId: string,
  ids: readonly string[],
): Promise<Array<{ id: string; number: string }>> {
  if (ids.length === 0) return []
  return olvery
    .selectFrom('orders')
    .select(['id', 'number'])
    .where('company_id', '=', companyId)
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute()
}

/**
 * The orders of a company among those named by `ids` or `numbers` (1C's uploads, PROTOCOL.md §8): never an order of
 * another company. Ids that are not UUIDs are ignored. Two branches in a UNION, so each uses its own index (the primary
 * key; the company's orders for the numbers).
 */
export async function findCompanyOrdersByIdsOrNumbers(
  olvery: Olvery,
  companyId: string,
  params: { ids: readonly string[]; numbers: readonly string[] },
): Promise<Array<{ id: string; number: string }>> {
  const ids = [...new Set(params.ids.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))]
  const numbers = [...new Set(params.numbers)]
  if (ids.length === 0 && numbers.length === 0) return []
  const byId = olvery
    .selectFrom('orders')
    .select(['id', 'number'])
    .where('company_id', '=', companyId)
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
  const byNumber = olvery
    .selectFrom('orders')
    .select(['id', 'number'])
    .where('company_id', '=', companyId)
    .where('number', '=', (eb) => eb.fn.any(eb.val(numbers)))
  if (ids.length === 0) return byNumber.execute()
  if (numbers.length === 0) return byId.execute()
  return byId.union(byNumber).execute()
}
