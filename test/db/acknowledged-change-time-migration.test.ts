/**
 * Migration 0009 gives each order's state the change time of its acknowledged version, which a re-export from a date
 * reads once the journal has forgotten the batch. States acknowledged before it must get theirs from the journal as
 * it stood: the item of the batch the state names as acknowledged, not of a later batch still unacknowledged.
 */
import { sql } from 'kysely'
import t from 'tap'
import { migrate } from '../../src/db/migrate.js'
import { migrateBefore } from '../helpers/migrations.js'
import { createTestDatabases } from '../helpers/test-database.js'

t.test('states acknowledged before migration 0009 get the change time of their acknowledged item', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await migrateBefore(t, databases, '0009')

  const acknowledged = '00000000-0000-4000-8000-000000000001'
  const neverAcknowledged = '00000000-0000-4000-8000-000000000002'
  const { rows } = await sql<{ integration_id: string; first: number; second: number }>`
    with i as (
      insert into commerceml.integrations (name, company_id, location_id, settings)
      values ('Бухгалтерия', gen_random_uuid(), gen_random_uuid(), '{}'::jsonb) returning id
    ), b1 as (
      insert into commerceml.batches (integration_id, session_id, query_started_at, order_count, byte_count, content_type, document_head, document_tail, acknowledged_at)
      select id, gen_random_uuid(), now(), 2, 0, 'application/xml; charset=UTF-8', ''::bytea, ''::bytea, now() from i returning id, integration_id
    ), b2 as (
      insert into commerceml.batches (integration_id, session_id, query_started_at, order_count, byte_count, content_type, document_head, document_tail)
      select id, gen_random_uuid(), now(), 1, 0, 'application/xml; charset=UTF-8', ''::bytea, ''::bytea from i returning id
    )
    select b1.integration_id, b1.id as first, b2.id as second from b1, b2`.execute(databases.db)
  const { integration_id: integrationId, first, second } = rows[0]!
  await sql`
    insert into commerceml.batch_items (batch_id, order_id, order_number, fingerprint, changed_at, position) values
      (${first}, ${acknowledged}, 'A-1', 'f1', '2026-11-01T10:00:00Z', 0),
      (${first}, ${neverAcknowledged}, 'A-2', 'f2', '2026-11-01T11:00:00Z', 1),
      (${second}, ${acknowledged}, 'A-1', 'f1b', '2026-11-05T10:00:00Z', 0)`.execute(databases.db)
  await sql`
    insert into commerceml.order_state (integration_id, order_id, order_number, acked_fingerprint, acked_batch_id, acked_at,
                                        last_sent_fingerprint, last_sent_batch_id, last_sent_at) values
      (${integrationId}, ${acknowledged}, 'A-1', 'f1', ${first}, now(), 'f1b', ${second}, now()),
      (${integrationId}, ${neverAcknowledged}, 'A-2', null, null, null, 'f2', ${first}, now())`.execute(databases.db)

  const { applied } = await migrate(databases)
  t.same(applied, ['0009_acknowledged_change_time.sql'])
  const states = await databases.db
    .selectFrom('order_state')
    .select(['order_number', 'acked_changed_at'])
    .where('integration_id', '=', integrationId)
    .orderBy('order_number')
    .execute()
  t.same(
    states.map((s) => [s.order_number, s.acked_changed_at === null ? null : new Date(s.acked_changed_at).toISOString()]),
    [
      ['A-1', '2026-11-01T10:00:00.000Z'],
      ['A-2', null],
    ],
    "the acknowledged batch's item, not the later unacknowledged one; nothing for a state never acknowledged",
  )
})
