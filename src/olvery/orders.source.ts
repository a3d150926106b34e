/**
 * The only reads of the platform's tables (../shared/design/OLVERY-SOURCE.md). Read-only by contract: nothing here
 * writes, and the service may run with a read-only role on OLVERY_DATABASE_URL.
 */
import { isUuid } from '../uuid.js'
import { sql, type Kysely } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { OlveryDatabase } from './olvery.schema.js'
import type { PlatformCompany, PlatformOrder, PlatformOrderItem, PlatformPayment } from './platform-order.js'

type Olvery = Kysely<OlveryDatabase>

/**
 * Orders of a company that may have changed since `changedSince` (all of them when null), plus the orders named in
 * `alsoIds` whatever their timestamps: their ids, oldest change first (the change time is
 * greatest(orders.updated_at, max(payments.updated_at)); `loadOrders` reads it again with the order). The branches are
 * a UNION, so each uses its own index of the contract (orders (company_id, updated_at), payments (updated_at), the
 * primary key) and the cost follows the number of changes, not the company's history; an OR of them made PostgreSQL
 * filter every order of the company.
 *
 * The ids arrive as one array, not a row each, and are kept packed: a new integration's first query lists the
 * supplier's whole history (272,617 orders in the benchmark), and a row object and a Date per order held 60 MB for as
 * long as the query ran, which the garbage collector traced again on every full collection.
 */
export async function findCandidateOrders(
  olvery: Olvery,
  params: { companyId: string; changedSince: Date | null; alsoIds?: readonly string[] },
): Promise<PackedUuids> {
  const { companyId, changedSince } = params
  const alsoIds = [...new Set(params.alsoIds ?? [])]
  const { rows } =
    changedSince === null
      ? await everyCandidate(olvery, companyId)
      : alsoIds.length === 0
        ? await changedCandidates(olvery, companyId, changedSince)
        : await changedOrNamedCandidates(olvery, companyId, changedSince, alsoIds)
  return PackedUuids.from(rows[0]?.ids ?? [])
}

/**
 * UUIDs in canonical lowercase form, 16 bytes each in one buffer: a quarter of the memory of as many strings, and a
 * single object for the garbage collector.
 */
export class PackedUuids {
  private constructor(private readonly bytes: Buffer) {}

  static from(ids: readonly string[]): PackedUuids {
    const bytes = Buffer.alloc(ids.length * 16)
    ids.forEach((id, i) => {
      const hex = id.replaceAll('-', '')
      if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a canonical uuid: ${id}`)
      bytes.write(hex, i * 16, 16, 'hex')
    })
    return new PackedUuids(bytes)
  }

  get length(): number {
    return this.bytes.length / 16
  }

  /** The ids from `start` up to (not including) `end`, as strings. */
  slice(start: number, end: number): string[] {
    const ids: string[] = []
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) {
      const hex = this.bytes.toString('hex', i * 16, i * 16 + 16)
      ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`)
    }
    return ids
  }
}

function candidates(olvery: Olvery, companyId: string) {
  return olvery
    .selectFrom('orders as o')
    .select((eb) => eb.cast<string>('o.id', 'text').as('id'))
    .where('o.company_id', '=', companyId)
    .orderBy((eb) =>
      eb.fn<Date>('greatest', [
        'o.updated_at',
        eb.selectFrom('payments as p').select((p) => p.fn.max('p.updated_at').as('max')).whereRef('p.order_id', '=', 'o.id'),
      ]),
    )
    .orderBy('o.id')
}

/** The ids of a candidate query as one array (text[], in the query's order). */
function idArray(olvery: Olvery, query: ReturnType<typeof candidates>) {
  return olvery.selectNoFrom(sql<string[]>`array(${query})`.as('ids'))
}

function changedIds(olvery: Olvery, companyId: string, since: Date) {
  return olvery
    .selectFrom('orders as oc')
    .select('oc.id')
    .where('oc.company_id', '=', companyId)
    .where('oc.updated_at', '>=', since)
    .union(
      olvery
        .selectFrom('payments as pc')
        .innerJoin('orders as op', 'op.id', 'pc.order_id')
        .select('pc.order_id as id')
        .where('pc.updated_at', '>=', since)
        .where('op.company_id', '=', companyId),
    )
}

/**
 * Built once each (src/db/compiled-once.ts), and planned for each execution, not prepared: how many orders changed
 * since the watermark decides the plan (index scans for a poll, a scan of the supplier's history for a first query).
 */
const planEachTime = { planEachTime: true }
const everyCandidate = compiledOnce((olvery: Olvery, companyId: string) => idArray(olvery, candidates(olvery, companyId)), planEachTime)
const changedCandidates = compiledOnce(
  (olvery: Olvery, companyId: string, since: Date) =>
    idArray(olvery, candidates(olvery, companyId).where('o.id', 'in', changedIds(olvery, companyId, since))),
  planEachTime,
)
const changedOrNamedCandidates = compiledOnce((olvery: Olvery, companyId: string, since: Date, ids: string[]) =>
  idArray(
    olvery,
    candidates(olvery, companyId).where('o.id', 'in', (eb) =>
      changedIds(olvery, companyId, since).union(eb.selectFrom('orders as oi').select('oi.id').where('oi.id', '=', eb.fn.any(eb.val(ids)))),
    ),
  ),
  planEachTime,
)

function toCompany(row: {
  id: string
  kind: PlatformCompany['kind']
  full_name: string
  short_name: string | null
  inn: string | null
  kpp: string | null
  legal_address: string | null
}): PlatformCompany {
  return {
    id: row.id,
    kind: row.kind,
    fullName: row.full_name,
    shortName: row.short_name,
    inn: row.inn,
    kpp: row.kpp,
    legalAddress: row.legal_address,
  }
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

  const items = new Map<string, PlatformOrderItem[]>()
  for (const row of itemRows) {
    const item: PlatformOrderItem = {
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
    }
    const list = items.get(row.order_id)
    if (list) list.push(item)
    else items.set(row.order_id, [item])
  }
  const payments = new Map<string, PlatformPayment[]>()
  for (const row of paymentRows) {
    const payment: PlatformPayment = {
      id: row.id,
      gateway: row.gateway,
      status: row.status,
      amount: row.amount,
      paidAt: row.paid_at,
      externalId: row.external_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }
    const list = payments.get(row.order_id)
    if (list) list.push(payment)
    else payments.set(row.order_id, [payment])
  }

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

export interface CompanySummary extends PlatformCompany {
  locationId: string
}

export async function findCompany(olvery: Olvery, id: string): Promise<CompanySummary | null> {
  const row = await olvery.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? { ...toCompany(row), locationId: row.location_id } : null
}

/** A location's time zone (IANA), or null when the platform has no such location. */
export async function findLocationTimezone(olvery: Olvery, locationId: string): Promise<string | null> {
  const row = await olvery.selectFrom('locations').select('timezone').where('id', '=', locationId).executeTakeFirst()
  return row?.timezone ?? null
}

/** The companies an integration can be made for: those of one location, or of every location when null. */
export async function listCompanies(olvery: Olvery, locationId: string | null): Promise<CompanySummary[]> {
  const rows = await olvery
    .selectFrom('companies')
    .selectAll()
    .$if(locationId !== null, (qb) => qb.where('location_id', '=', locationId!))
    .orderBy('full_name')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ ...toCompany(row), locationId: row.location_id }))
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

/** The supplier company with the most orders paid through `gateway` with `status` (the embedded demo's choice). */
export async function findBusiestSupplier(
  olvery: Olvery,
  payment: { gateway: string; status: string },
): Promise<{ companyId: string; locationId: string } | null> {
  const row = await olvery
    .selectFrom('orders as o')
    .innerJoin('payments as p', 'p.order_id', 'o.id')
    .select(['o.company_id', 'o.location_id'])
    .where((eb) => eb(eb.fn('lower', ['p.gateway']), '=', payment.gateway.toLowerCase()))
    .where((eb) => eb(eb.fn('lower', ['p.status']), '=', payment.status.toLowerCase()))
    .groupBy(['o.company_id', 'o.location_id'])
    .orderBy((eb) => eb.fn.count('o.id').distinct(), 'desc')
    .orderBy('o.company_id')
    .limit(1)
    .executeTakeFirst()
  return row ? { companyId: row.company_id, locationId: row.location_id } : null
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

const scanStart = compiledOnce((olvery: Olvery, locationId: string) =>
  olvery.selectNoFrom((eb) => [
    sql<Date | null>`(
      select min(xact_start)
        from pg_stat_activity
       where datname = current_database()
         and pid <> pg_backend_pid()
         and backend_type = 'client backend'
         and xact_start is not null)`.as('since'),
    eb.selectFrom('locations').select('timezone').where('id', '=', locationId).as('timezone'),
  ]),
)

/**
 * What a query reads of the platform before its candidate scan, in one round trip.
 *
 * `oldestOpenTransaction`: when the oldest transaction still open on the platform's database began (other than the
 * caller's own, and only client sessions: autovacuum is no writer of orders), or null when none is, or none is
 * visible to this role. Rows written by such a transaction carry an `updated_at` no earlier than its start, and
 * become visible only when it commits, however late: the watermark must not pass that start (EXPORT-SEMANTICS.md
 * rule 4). It must be read in a statement before the scan's: read in the scan's own statement, a transaction that
 * commits between the statement's snapshot and the read would be in neither. PostgreSQL shows `xact_start` of other
 * roles' sessions only to roles with `pg_read_all_stats`; without it the safety lag alone covers late commits.
 *
 * `locationTimezone`: the location's time zone (null when the location is unknown), for the document's date.
 */
export async function findScanStart(
  olvery: Olvery,
  locationId: string,
): Promise<{ oldestOpenTransaction: Date | null; locationTimezone: string | null }> {
  const row = (await scanStart(olvery, locationId)).rows[0]!
  return { oldestOpenTransaction: row.since, locationTimezone: row.timezone }
}
