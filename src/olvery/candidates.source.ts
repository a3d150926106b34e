/**
 * What a `query` reads of the platform to find its candidates (EXPORT-SEMANTICS.md rules 1, 4): the orders of a
 * company changed since the watermark, and where the scan may start. Read-only, like every file of src/olvery/.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { OlveryDatabase } from './olvery.schema.js'
import { PackedUuids } from './packed-uuids.js'

type Olvery = Kysely<OlveryDatabase>

/**
 * Orders of a company that may have changed since `changedSince` (all of them when null), plus the orders named in
 * `alsoIds` whatever their timestamps: their ids, oldest change first (the change time is
 * greatest(orders.updated_at, max(payments.updated_at)); `loadOrders` reads it again with the order). The branches are
 * a UNION, so each uses its own index of the contract (orders (company_id, updated_at), payments (updated_at), the
 * primary key) and the cost follows the number of changes, not the company's history; an OR of them made PostgreSQL
 * filter every order of the company.
 *
 * The ids arrive as one bytea, 16 bytes an order (uuid_send), not a row or an array element each, and are kept so: a
 * new integration's first query lists the supplier's whole history, and a row object and a Date per order would live
 * as long as the query runs, traced again by the garbage collector on every full collection, where a text[] of them
 * cost a parse of every element (BENCHMARKS.md, notes on section 2).
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
  return PackedUuids.fromBytes(rows[0]?.ids ?? Buffer.alloc(0))
}

/** The candidates' ids and change times (greatest(orders.updated_at, max(payments.updated_at))). */
function candidates(olvery: Olvery, companyId: string) {
  return olvery
    .selectFrom('orders as o')
    .select((eb) => [
      'o.id',
      eb
        .fn<Date>('greatest', [
          'o.updated_at',
          eb.selectFrom('payments as p').select((p) => p.fn.max('p.updated_at').as('max')).whereRef('p.order_id', '=', 'o.id'),
        ])
        .as('changed_at'),
    ])
    .where('o.company_id', '=', companyId)
}

/**
 * Every order of a company with its change time, as `candidates` gives it, for a first query (no watermark): the
 * payments' latest change per order is one grouped join over the company's payments instead of a lookup per order,
 * which on a supplier's whole history (272,617 orders, BENCHMARKS.md section 2) took most of the scan.
 */
function wholeHistory(olvery: Olvery, companyId: string) {
  const paymentChanges = olvery
    .selectFrom('payments as p')
    .innerJoin('orders as po', 'po.id', 'p.order_id')
    .select((eb) => ['p.order_id', eb.fn.max('p.updated_at').as('max')])
    .where('po.company_id', '=', companyId)
    .groupBy('p.order_id')
  return olvery
    .selectFrom('orders as o')
    .leftJoin(paymentChanges.as('pc'), 'pc.order_id', 'o.id')
    .select((eb) => ['o.id', eb.fn<Date>('greatest', ['o.updated_at', 'pc.max']).as('changed_at')])
    .where('o.company_id', '=', companyId)
}

/** The ids of a candidate query as one bytea, 16 bytes an id (uuid_send), oldest change first. */
function idArray(olvery: Olvery, query: ReturnType<typeof candidates>) {
  return olvery
    .selectFrom(query.as('c'))
    .select(sql<Buffer | null>`string_agg(uuid_send(c.id), ''::bytea order by c.changed_at, c.id)`.as('ids'))
}

/** Orders of the company changed since `since` themselves, and those whose payments did: the two ways an order changes. */
function changedOrders(olvery: Olvery, companyId: string, since: Date) {
  return olvery.selectFrom('orders as oc').select('oc.id').where('oc.company_id', '=', companyId).where('oc.updated_at', '>=', since)
}

function changedPayments(olvery: Olvery, companyId: string, since: Date) {
  return olvery
    .selectFrom('payments as pc')
    .innerJoin('orders as op', 'op.id', 'pc.order_id')
    .select('pc.order_id as id')
    .where('pc.updated_at', '>=', since)
    .where('op.company_id', '=', companyId)
}

function changedIds(olvery: Olvery, companyId: string, since: Date) {
  return changedOrders(olvery, companyId, since).union(changedPayments(olvery, companyId, since))
}

/**
 * Whether any order of the company changed since `since`, that is whether `findCandidateOrders` would find one, as an
 * expression for a statement of the caller's that runs where the platform's tables are (`Connections.platformShared`):
 * the common poll records its empty answer in the same statement that looks for a change.
 *
 * Each way an order changes is looked up as its earliest change since `since`, in the order of the index that holds it
 * (orders (company_id, updated_at), payments (updated_at)), and stops at its first row. With that order asked for, a
 * plan that reads the index is the only cheap one whatever `since` is, so the statement may be prepared and keep one
 * generic plan: PostgreSQL then plans it once per connection, where planning it each time cost more than running it
 * (BENCHMARKS.md, notes on section 3). An `exists` would not do: PostgreSQL drops the order and limit of an `exists`
 * subquery, and a generic plan of it, which must guess how many rows `since` keeps, may read the whole table.
 */
export function anyChangedSince(olvery: Olvery, companyId: string, since: Date): RawBuilder<boolean> {
  const order = changedOrders(olvery, companyId, since).orderBy('oc.updated_at').limit(sql.lit(1))
  const payment = changedPayments(olvery, companyId, since).orderBy('pc.updated_at').limit(sql.lit(1))
  return sql<boolean>`((${order}) is not null or (${payment}) is not null)`
}

/**
 * Built once each (src/db/compiled-once.ts), and planned for each execution, not prepared: how many orders changed
 * since the watermark decides the plan (index scans for a poll, a scan of the supplier's history for a first query).
 */
const planEachTime = { planEachTime: true }
const everyCandidate = compiledOnce((olvery: Olvery, companyId: string) => idArray(olvery, wholeHistory(olvery, companyId)), planEachTime)
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
