/**
 * Retention on one replica at a time (EXPORT-SEMANTICS.md rule 11): a pruning run that finds another replica's run
 * under way stops at once and prunes nothing. Two replicas need two connections to one database, which the embedded
 * database cannot give: this runs on PostgreSQL even when the suite runs on PGlite (the local server
 * postgres://postgres@127.0.0.1:5432/postgres, which CI always has), and fails without one.
 */
import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { createIntegration, expireSessions } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t, { database: { server: true } })
const { db } = databases

const DAY = 86_400
const PERIODS = { documentsSeconds: 2 * DAY, emptyPollsSeconds: 1 * DAY, journalSeconds: 10 * DAY, uploadsSeconds: 3 * DAY }
/** The advisory lock a pruning run holds for each of its steps (src/maintenance/retention.repository.ts). */
const RETENTION_LOCK_KEY = 7_320_184_092

const batchCount = async (integrationId: string) =>
  (await db.selectFrom('batches').select('id').where('integration_id', '=', integrationId).execute()).length

t.test('a run that finds another replica pruning stops at once and prunes nothing', async (t) => {
  const supplier = await createSupplier(databases.olvery)
  await createOrder(databases.olvery, supplier)
  const created = await createIntegration(db, { name: 'Реплики', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
  const id = created.integration.id
  const client = () => new OneCClient({ inject: app, login: created.login, password: created.password })
  t.same((await client().exchange()).problems, [])
  t.same((await client().exchange()).problems, [])
  await expireSessions(db, id)
  const ahead = new Date(Date.now() + (PERIODS.journalSeconds + DAY) * 1000)

  // The other replica, in the middle of a step: its transaction holds the lock.
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let locked!: () => void
  const isLocked = new Promise<void>((resolve) => (locked = resolve))
  const other = db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${RETENTION_LOCK_KEY}::bigint)`.execute(trx)
    locked()
    await held
  })
  await isLocked
  const report = await app.pruner.runOnce({ now: ahead, periods: PERIODS })
  release()
  await other
  t.equal(report.busy, true)
  t.same(Object.values(report.pruned).filter((n) => n > 0), [])
  t.equal(await batchCount(id), 2, 'both batches stay')

  // Once the other run is done, the same run prunes: the first batch is past the journal's period, acknowledged and
  // not the latest; the latest (the empty poll) stays.
  const next = await app.pruner.runOnce({ now: ahead, periods: PERIODS })
  t.equal(next.busy, false)
  t.equal(next.pruned.batches, 1, 'what was kept while the other run held the lock goes now')
  t.equal(await batchCount(id), 1)
})
