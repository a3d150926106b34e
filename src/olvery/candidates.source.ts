/**
 * What a `query` reads of the platform to find its candidates (EXPORT-SEMANTICS.md rules 1, 4): the orders of a
 * company changed since the watermark, and where the scan may start. Read-only, like every file of src/olvery/.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { compiledOnce } from '../db/compiled-once.js'
import type { OlveryDatabase } from './olvery.schema.js'
import { PackedUuids } from './packed-uuids.js'

type Olvery = Kysely<OlveryDatabase>

/** Where the next window of candidates starts: returned by `findCandidateOrders`, passed back to it. */
export interface CandidateCursor {
  /** The previous window's upper bound, exactly as PostgreSQL wrote it (microseconds: a Date would round them off). */
  from: string
}

export interface CandidateWindow {
  /** Candidates of this window, oldest change first; a window after this one holds only later changes. */
  ids: PackedUuids
  /** Null when this was the last window. */
  next: CandidateCursor | null
}

/** Orders of the company's `updated_at` index a window spans, about (payments changed in its range add to it). */
const WINDOW = 10_000

/**
 * Orders of a company that may have changed since `changedSince` (all of them when null), plus the orders named in
 * `alsoIds` whatever their timestamps: their ids, oldest change first (the change time is
 * greatest(orders.updated_at, max(payments.updated_at)); `loadOrders` reads it again with the order).
 *
 * They come a window at a time: a window is a range [from, to) of change times, `to` set so that about WINDOW orders
 * of the company's `updated_at` index fall in it, and holds every candidate whose change time falls in that range
 * (an order whose payment changed in it is found through the payments' index). Windows follow each other without
 * overlap, so the whole sequence is the candidates in the same order as one sorted list, while a query that needs a
 * batch's worth of orders reads about that many of a supplier's history, not all of it. The named orders changed
 * before `changedSince` come with the first window.
 *
 * The branches are a UNION, so each uses its own index of the contract (orders (company_id, updated_at), payments
 * (updated_at), the primary key) and the cost follows the number of changes, not the company's history; an OR of them
 * made PostgreSQL filter every order of the company. The ids arrive as one bytea, 16 bytes an order, and are kept so
 * (BENCHMARKS.md, notes on section 2).
 */
export async function findCandidateOrders(
  olvery: Olvery,
  params: {
    companyId: string
    changedSince: Date | null
    alsoIds?: readonly string[]
    after?: CandidateCursor | null
    /** Orders of the company's `updated_at` index a window spans; WINDOW unless given (tests give small ones). */
    windowSize?: number
  },
): Promise<CandidateWindow> {
  const { companyId, changedSince, after } = params
  const alsoIds = after ? [] : [...new Set(params.alsoIds ?? [])]
  const floor = changedSince === null ? '-infinity' : changedSince.toISOString()
  const from = after?.from ?? floor
  // Named orders changed before the floor belong to the first window only.
  const namedBelow = after ? '-infinity' : floor
  const size = params.windowSize ?? WINDOW
  let row: { upto: string; ids: Buffer | null } | undefined
  if (changedSince !== null && !after) {
    // A poll: one statement, its end found inside it. With a recent watermark PostgreSQL plans its ranges on the index
    // whatever the end turns out to be.
    row = (await boundedWindow(olvery, companyId, from, size, alsoIds, namedBelow)).rows[0]
  } else {
    // Deep in the history: the end first, so the window's statement is planned for its actual range (an end unknown
    // at planning time made PostgreSQL expect a third of the payments table and read all of it).
    const upto = (await windowEnd(olvery, companyId, from, size)).rows[0]?.upto
    if (upto !== undefined) row = { upto, ids: (await windowIds(olvery, companyId, from, upto, alsoIds, namedBelow)).rows[0]?.ids ?? null }
  }
  const ids = PackedUuids.fromBytes(row?.ids ?? Buffer.alloc(0))
  return { ids, next: row && row.upto !== 'infinity' ? { from: row.upto } : null }
}

/**
 * Where a window from `from` ends: the first change time at or past the `size`-th order of the company from `from`,
 * and strictly past `from` so that a window is never empty of range (orders sharing one `updated_at` stay together);
 * infinity when fewer orders remain. As text: microseconds, which a Date would round off.
 */
function windowEndOf(olvery: Olvery, companyId: string, from: string, size: number) {
  const since = sql<Date>`${from}::timestamptz`
  return olvery.selectNoFrom((eb) =>
    sql<string>`${eb.fn.coalesce(
      eb
        .selectFrom('orders as b')
        .select((b) => b.fn.min('b.updated_at').as('min'))
        .where('b.company_id', '=', companyId)
        .where('b.updated_at', '>', since)
        .where(
          'b.updated_at',
          '>=',
          eb.fn.coalesce(
            eb
              .selectFrom('orders as n')
              .select('n.updated_at')
              .where('n.company_id', '=', companyId)
              .where('n.updated_at', '>=', since)
              .orderBy('n.updated_at')
              .offset(size)
              .limit(1),
            sql<Date>`'infinity'::timestamptz`,
          ),
        ),
      sql<Date>`'infinity'::timestamptz`,
    )}::text`.as('upto'),
  )
}

/**
 * The candidates whose change time is in [from, upto), oldest first, as one bytea of 16 bytes an id; with the named
 * orders changed before `namedBelow`.
 */
function windowIdsOf(olvery: Olvery, companyId: string, from: string, upto: RawBuilder<Date>, named: string[], namedBelow: string) {
  const since = sql<Date>`${from}::timestamptz`
  return olvery
    .with('found', (db) =>
      db
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
        .where('o.id', 'in', (eb) =>
          eb
            .selectFrom('orders as oc')
            .select('oc.id')
            .where('oc.company_id', '=', companyId)
            .where('oc.updated_at', '>=', since)
            .where('oc.updated_at', '<', upto)
            .union(
              eb
                .selectFrom('payments as pc')
                .innerJoin('orders as op', 'op.id', 'pc.order_id')
                .select('pc.order_id as id')
                .where('pc.updated_at', '>=', since)
                .where('pc.updated_at', '<', upto)
                .where('op.company_id', '=', companyId),
            )
            .union(eb.selectFrom('orders as oi').select('oi.id').where('oi.id', '=', eb.fn.any(eb.val(named)))),
        ),
    )
    .selectFrom('found as f')
    .select(sql<Buffer | null>`string_agg(uuid_send(f.id), ''::bytea order by f.changed_at, f.id)`.as('ids'))
    .where('f.changed_at', '<', upto)
    .where((w) => w.or([w('f.changed_at', '>=', since), w('f.changed_at', '<', sql<Date>`${namedBelow}::timestamptz`)]))
}

/*
 * Built once each (src/db/compiled-once.ts), and planned for each execution, not prepared: how many orders changed
 * since the watermark, and how far the window reaches, decide the plan.
 */
const planEachTime = { planEachTime: true }
const windowEnd = compiledOnce(windowEndOf, planEachTime)
const windowIds = compiledOnce(
  (olvery: Olvery, companyId: string, from: string, upto: string, named: string[], namedBelow: string) =>
    windowIdsOf(olvery, companyId, from, sql<Date>`${upto}::timestamptz`, named, namedBelow),
  planEachTime,
)
const boundedWindow = compiledOnce(
  (olvery: Olvery, companyId: string, from: string, size: number, named: string[], namedBelow: string) =>
    olvery
      .with('bound', () => windowEndOf(olvery, companyId, from, size))
      .selectNoFrom(() => [
        sql<string>`(select upto from bound)`.as('upto'),
        windowIdsOf(olvery, companyId, from, sql<Date>`(select upto::timestamptz from bound)`, named, namedBelow).as('ids'),
      ]),
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
