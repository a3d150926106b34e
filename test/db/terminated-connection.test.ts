/**
 * A database connection terminated while a transaction holds it (pg_terminate_backend, a failover) must fail that
 * transaction, not the process: the fault campaign (npm run test:faults) found that the pg 'error' event of a
 * checked-out client had no listener, so the whole service exited. PGlite has no connections to terminate, so the
 * PGlite suite runs this on the local server too (LOCAL_SERVER_URL).
 */
import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { openDatabases } from '../../src/olvery/databases.js'
import { createServerDatabase, LOCAL_SERVER_URL, serverUrl } from '../helpers/test-database.js'

t.test('a connection terminated inside a transaction fails the transaction, and the pool recovers', async (t) => {
  const server = await createServerDatabase(serverUrl ?? LOCAL_SERVER_URL)
  t.teardown(server.drop)
  const url = new URL(server.url)
  url.searchParams.set('application_name', 'terminated-connection-test')
  const databases = await openDatabases({ databaseUrl: url.toString(), dataDir: 'unused', olveryDatabaseUrl: null, olveryDbSchema: 'olvery' })
  t.teardown(() => databases.close())

  const terminate = async () => {
    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    try {
      const { rows } = await admin.query(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'terminated-connection-test'`,
      )
      return rows.length
    } finally {
      await admin.end()
    }
  }

  const transaction = databases.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx)
    t.equal(await terminate(), 1, 'the backend of the transaction was terminated')
    // The termination notice arrives while the client is checked out and idle: before the fix, an unhandled 'error'.
    await new Promise((resolve) => setTimeout(resolve, 300))
    await sql`select 1`.execute(trx)
  })
  await t.rejects(transaction, 'the transaction fails')
  const { rows } = await sql<{ one: number }>`select 1 as one`.execute(databases.db)
  t.same(rows, [{ one: 1 }], 'the next query gets a new connection')
})
