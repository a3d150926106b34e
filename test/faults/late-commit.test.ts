/**
 * A finding of the fault campaign (npm run test:faults), reproduced on the export service alone: an order written by a
 * platform transaction that stays open longer than EXPORT_SAFETY_LAG_SECONDS must still reach 1C. Its rows carry an
 * `updated_at` from the transaction's start and become visible only at its commit; an exchange that ran meanwhile
 * used to move the watermark to (query start − lag), past that `updated_at`, and the candidate scan
 * (`changed_at >= watermark`) never saw the order again. The watermark now stops at the start of the oldest platform
 * transaction still open. Needs two connections at once, so it runs on a real server even in the PGlite suite.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import type { OlveryDatabase } from '../../src/olvery/olvery.schema.js'
import { createHarness } from '../helpers/export-harness.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { createTestDatabases } from '../helpers/test-database.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('an order committed by a platform transaction open longer than the safety lag still reaches 1C', async (t) => {
  const databases = await createTestDatabases(t, { server: true })
  const supplier = await createSupplier(databases.olvery)
  const h = await createHarness(databases, supplier, { safetyLagSeconds: 1 })
  t.same(await h.exchange(), [], 'nothing pending at first')

  // A platform writer on a connection of its own.
  const writer = new Kysely<OlveryDatabase>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databases.url!, max: 1 }) }),
  }).withSchema(databases.olveryDbSchema)
  t.teardown(() => writer.destroy())

  const late = await writer.connection().execute(async (connection) => {
    await sql`begin`.execute(connection)
    const { rows } = await sql<{ now: Date }>`select now()`.execute(connection)
    const order = await createOrder(connection, supplier, { updatedAt: rows[0]!.now })
    await sleep(1500) // open longer than the lag
    t.same(await h.exchange(), [], 'an exchange while the transaction is open cannot see the order')
    await sql`commit`.execute(connection)
    return order
  })
  t.same(await h.exchange(), [late.number], 'the next exchange sends it')
  t.same(await h.exchange(), [], 'once')
})
