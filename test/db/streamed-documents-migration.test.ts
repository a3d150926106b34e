/**
 * Migration 0004 moves the journaled documents from one `batches.document` value to head + item fragments + tail.
 * Batches journaled before it must still read back byte for byte, with their size and their items in order.
 */
import { sql } from 'kysely'
import t from 'tap'
import { migrate } from '../../src/db/migrate.js'
import { migrateBefore } from '../helpers/migrations.js'
import { readBatchDocument } from '../helpers/documents.js'
import { createTestDatabases, databaseKind } from '../helpers/test-database.js'

t.test('a batch journaled before migration 0004 reads back exactly as it was sent', async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await migrateBefore(t, databases, '0004')

  const document = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация>…</КоммерческаяИнформация>', 'utf8')
  const { rows } = await sql<{ batch_id: number }>`
    with i as (
      insert into commerceml.integrations (name, company_id, location_id, settings)
      values ('Бухгалтерия', gen_random_uuid(), gen_random_uuid(), '{}'::jsonb) returning id
    ), s as (
      insert into commerceml.sessions (integration_id, cookie_hash, sessid_hash, client_address, expires_at)
      select id, 'c', 's', '127.0.0.1', now() + interval '1 hour' from i returning id, integration_id
    )
    insert into commerceml.batches (integration_id, session_id, query_started_at, order_count, byte_count, content_type, document)
    select integration_id, id, now(), 2, ${document.length}, 'application/xml; charset=UTF-8', ${document} from s
    returning id as batch_id`.execute(databases.db)
  const batchId = rows[0]!.batch_id
  const later = '00000000-0000-4000-8000-000000000001'
  const earlier = '00000000-0000-4000-8000-000000000002'
  await sql`
    insert into commerceml.batch_items (batch_id, order_id, order_number, fingerprint, changed_at) values
      (${batchId}, ${later}, 'A-2', 'f2', '2026-11-02T10:00:00Z'),
      (${batchId}, ${earlier}, 'A-1', 'f1', '2026-11-01T10:00:00Z')`.execute(databases.db)

  const { applied } = await migrate(databases)
  t.ok(applied.includes('0004_streamed_documents.sql'))
  t.same(await readBatchDocument(databases, batchId), document, 'the old document is served byte for byte')
  const batch = await databases.db.selectFrom('batches').select(['byte_count']).where('id', '=', batchId).executeTakeFirstOrThrow()
  t.equal(batch.byte_count, document.length)
  const items = await databases.db
    .selectFrom('batch_items')
    .select(['order_number', 'position', 'fragment'])
    .where('batch_id', '=', batchId)
    .orderBy('position')
    .execute()
  t.same(items, [
    { order_number: 'A-1', position: 0, fragment: null },
    { order_number: 'A-2', position: 1, fragment: null },
  ], 'items are numbered in the order of their changes, as the document listed them')
})

t.test('fragments are compressed with lz4 where the server has it, and the migration applies where it has not', async (t) => {
  const databases = await createTestDatabases(t, { reference: false })
  const { rows } = await sql<{ compression: string }>`
    select attcompression::text as compression from pg_attribute
     where attrelid = 'commerceml.batch_items'::regclass and attname = 'fragment'`.execute(databases.db)
  // PostgreSQL 15 as Debian builds it has lz4; the embedded PGlite has not ('' = the default, pglz).
  t.equal(rows[0]?.compression, databaseKind === 'postgres' ? 'l' : '')
})
