/**
 * The platform's orders (../shared/design/OLVERY-SOURCE.md): whole orders with buyer, lines and payments, and the
 * lookups by id or number that support and 1C's uploads need. The files of src/olvery/ are the only reads of the
 * platform's tables. Read-only by contract: nothing here writes, and the service may run with a read-only role on
 * OLVERY_DATABASE_URL.
 */
import { sql, type Kysely } from 'kysely'
import { isUuid } from '../uuid.js'
import { toCompany } from './companies.source.js'
import type { ItemKind, OlveryDatabase, PaymentStatus, VatRate } from './olvery.schema.js'
import type { PlatformOrder, PlatformOrderItem, PlatformPayment } from './platform-order.js'

type Olvery = Kysely<OlveryDatabase>

/** An order line as `loadOrders` reads it: the columns of order_items in this order, money and quantities as text. */
type ItemTuple = [string, number, string | null, string, string | null, ItemKind, string, string, string, string, string, string, VatRate, string]
/** A payment as `loadOrders` reads it; its times as JSON writes timestamptz (ISO 8601 with an offset). */
type PaymentTuple = [string, string, PaymentStatus, string, string | null, string | null, string, string]

function toItem(t: ItemTuple): PlatformOrderItem {
  return {
    id: t[0],
    lineNo: t[1],
    serviceId: t[2],
    name: t[3],
    sku: t[4],
    kind: t[5],
    unitCode: t[6],
    unitName: t[7],
    quantity: t[8],
    price: t[9],
    discount: t[10],
    amount: t[11],
    vatRate: t[12],
    vatAmount: t[13],
  }
}

// JSON timestamps carry microseconds; a Date keeps milliseconds, cut off as the driver's own parser cuts them.
function toPayment(t: PaymentTuple): PlatformPayment {
  return {
    id: t[0],
    gateway: t[1],
    status: t[2],
    amount: t[3],
    paidAt: t[4] === null ? null : new Date(t[4]),
    externalId: t[5],
    createdAt: new Date(t[6]),
    updatedAt: new Date(t[7]),
  }
}

/**
 * Loads whole orders (buyer, lines, payments) in one query, in the order of `ids`; unknown ids are skipped. Lines and
 * payments come as one JSON array each per order, so a chunk of orders is one round trip and one row per order rather
 * than three statements and a row per line and payment.
 */
export async function loadOrders(olvery: Olvery, ids: readonly string[]): Promise<PlatformOrder[]> {
  if (ids.length === 0) return []
  const list = [...ids]
  const orderRows = await olvery
    .selectFrom('orders as o')
    .innerJoin('locations as l', 'l.id', 'o.location_id')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('companies as cc', 'cc.id', 'c.company_id')
    .select((eb) => [
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
      eb
        .selectFrom('order_items as i')
        .select(
          sql<ItemTuple[] | null>`json_agg(json_build_array(i.id, i.line_no, i.service_id, i.name, i.sku, i.kind, i.unit_code,
            i.unit_name, i.quantity::text, i.price::text, i.discount::text, i.amount::text, i.vat_rate, i.vat_amount::text)
            order by i.line_no)`.as('items'),
        )
        .whereRef('i.order_id', '=', 'o.id')
        .as('items'),
      eb
        .selectFrom('payments as p')
        .select(
          sql<PaymentTuple[] | null>`json_agg(json_build_array(p.id, p.gateway, p.status, p.amount::text, p.paid_at, p.external_id,
            p.created_at, p.updated_at) order by p.created_at, p.id)`.as('payments'),
        )
        .whereRef('p.order_id', '=', 'o.id')
        .as('payments'),
    ])
    .where('o.id', '=', (eb) => eb.fn.any(eb.val(list)))
    .execute()

  const byId = new Map<string, PlatformOrder>()
  for (const row of orderRows) {
    const orderPayments = (row.payments ?? []).map(toPayment)
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
      items: (row.items ?? []).map(toItem),
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
