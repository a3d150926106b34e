/**
 * The reads behind the metrics gauges: per integration, the export state and counts of unsettled orders. Both use
 * what is indexed (the integrations table is small; order_state is read through its partial index of unsettled rows),
 * so a scrape stays cheap however many orders were ever exchanged. Read-only.
 */
import { sql, type Kysely } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'

type Db = Kysely<ServiceDatabase>

export interface IntegrationExchangeState {
  integrationId: string
  enabled: boolean
  lastSuccessAt: Date | null
  lastQueryAt: Date | null
  queriesSinceSuccess: number
  /** Sent to 1C (or cleared by a re-export) and not acknowledged at the document last sent; excluded orders left out. */
  unacknowledgedOrders: number
  /** Of those, served `poisonThreshold` times or more without success (EXPORT-SEMANTICS.md rule 7). */
  poisonSuspectOrders: number
  /** Of those, isolated: 1C failed to load them even alone. */
  isolatedOrders: number
  /** Excluded by an administrator (EXPORT-SEMANTICS.md rule 10): never sent, and left out of the counts above. */
  excludedOrders: number
}

/** Every integration that is not archived, with its export state (zeros and nulls before its first query). */
export async function findIntegrationExchangeStates(db: Db, params: { poisonThreshold: number }): Promise<IntegrationExchangeState[]> {
  const integrations = await db
    .selectFrom('integrations as i')
    .leftJoin('export_state as e', 'e.integration_id', 'i.id')
    .select(['i.id', 'i.enabled', 'e.last_success_at', 'e.last_query_at', 'e.queries_since_success'])
    .where('i.archived_at', 'is', null)
    .orderBy('i.id')
    .execute()
  // The predicate of order_state_unsettled_idx (migrations/0001_initial.sql), so the index serves it.
  const counts = await db
    .selectFrom('order_state')
    .select((eb) => [
      'integration_id',
      eb.fn.countAll<number>().filterWhere('last_sent_fingerprint', 'is not', null).as('unacknowledged'),
      eb.fn.countAll<number>().filterWhere('unacked_serves', '>=', params.poisonThreshold).as('suspects'),
      eb.fn.countAll<number>().filterWhere('isolated_at', 'is not', null).as('isolated'),
    ])
    .where((eb) =>
      eb.or([eb('acked_fingerprint', 'is', null), eb('acked_fingerprint', 'is distinct from', eb.ref('last_sent_fingerprint'))]),
    )
    .where('excluded_at', 'is', null)
    .groupBy('integration_id')
    .execute()
  // Through order_state_excluded_idx (migrations/0006_operator_tools.sql).
  const excluded = await db
    .selectFrom('order_state')
    .select((eb) => ['integration_id', eb.fn.countAll<number>().as('excluded')])
    .where('excluded_at', 'is not', null)
    .groupBy('integration_id')
    .execute()
  const byIntegration = new Map(counts.map((row) => [row.integration_id, row]))
  const excludedBy = new Map(excluded.map((row) => [row.integration_id, Number(row.excluded)]))
  return integrations.map((row) => {
    const count = byIntegration.get(row.id)
    return {
      integrationId: row.id,
      enabled: row.enabled,
      lastSuccessAt: row.last_success_at,
      lastQueryAt: row.last_query_at,
      queriesSinceSuccess: row.queries_since_success ?? 0,
      unacknowledgedOrders: Number(count?.unacknowledged ?? 0),
      poisonSuspectOrders: Number(count?.suspects ?? 0),
      isolatedOrders: Number(count?.isolated ?? 0),
      excludedOrders: excludedBy.get(row.id) ?? 0,
    }
  })
}

export interface TableSize {
  table: string
  bytes: number
}

/** Every table of schema commerceml with its indexes and TOAST (pg_total_relation_size; PGlite answers it too). */
export async function findTableSizes(db: Db): Promise<TableSize[]> {
  const { rows } = await sql<{ table: string; bytes: number }>`
    select c.relname as table, pg_total_relation_size(c.oid)::int8 as bytes
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'commerceml' and c.relkind in ('r', 'p')
     order by c.relname`.execute(db)
  return rows
}
