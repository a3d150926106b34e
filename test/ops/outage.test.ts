/**
 * Outages: the database becomes unreachable under a running service, then comes back.
 *
 * The outage is made on the real PostgreSQL server, on a database of this test only: the service connects through a
 * small TCP proxy in this file. "Down" terminates the database's backends (`pg_terminate_backend`, so idle pool
 * clients get an 'error' event that must not crash the process), drops every proxied connection and refuses new
 * ones; "black hole" accepts connections and never answers (a host that drops packets); "up" forwards again. The
 * shared server itself is never stopped.
 *
 * Asserted: /ready 503 while down, 1C gets HTTP 200 `failure` texts, the admin API a 503 `UNAVAILABLE`, nothing is
 * acknowledged (the batch of the interrupted exchange, the watermark: checked in the database afterwards), nothing
 * crashes; when the database returns the same app instance recovers: /ready 200, a full exchange delivers the order
 * whose acknowledgement the outage prevented, the admin API answers.
 *
 * Runs on PostgreSQL even when the suite runs on PGlite (no TEST_DATABASE_URL): the local server
 * postgres://postgres@127.0.0.1:5432/postgres, which CI always has. Without a reachable server the test fails.
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { openDatabases } from '../../src/olvery/databases.js'
import { migrate } from '../../src/db/migrate.js'
import { messages } from '../../src/exchange/replies.js'
import { createIntegration } from '../helpers/integrations.js'
import { createLogger } from '../../src/logger.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { testConfig } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { createServerDatabase, LOCAL_SERVER_URL, serverUrl } from '../helpers/test-database.js'

const adminUrl = serverUrl ?? LOCAL_SERVER_URL

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.end()
    return null
  } catch (error) {
    return (error as Error).message
  }
}

const unreachable = await reachable(adminUrl)
if (unreachable !== null) {
  // Not skipped: CI always has the server, and an outage test that silently does nothing proves nothing.
  t.fail(`the outage test needs a PostgreSQL server at ${adminUrl} (${unreachable}); start it or set TEST_DATABASE_URL`)
} else {
  await t.test('the service through a database outage and its end', (t) => run(t))
}

/** A TCP proxy to the PostgreSQL server that can be cut, black-holed and restored. */
async function startProxy(target: URL) {
  const sockets = new Set<net.Socket>()
  let mode: 'up' | 'down' | 'hole' = 'up'
  const server = net.createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    if (mode === 'down') return void client.destroy()
    if (mode === 'hole') return // accepted, never answered
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(upstream)
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    set(next: 'up' | 'down' | 'hole') {
      mode = next
      if (next !== 'up') for (const socket of sockets) socket.destroy()
    },
    async close() {
      mode = 'down'
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

async function run(t: Test): Promise<void> {
  const { url: directUrl, drop } = await createServerDatabase(adminUrl)
  t.teardown(drop)
  const direct = new URL(directUrl)
  const proxy = await startProxy(direct)
  t.teardown(() => proxy.close())
  const proxiedUrl = new URL(directUrl)
  proxiedUrl.host = `127.0.0.1:${proxy.port}`

  // The test's own connection (the platform writing orders, and the checks), straight to the server.
  const platformUrl = new URL(directUrl)
  platformUrl.searchParams.set('application_name', 'platform') // spared by the termination below
  const platform = await openDatabases({ databaseUrl: platformUrl.toString(), dataDir: 'memory://', olveryDatabaseUrl: null, olveryDbSchema: 'olvery' })
  t.teardown(() => platform.close())
  await migrate(platform)
  await applyReferenceSchema(platform, 'olvery')

  // The service, through the proxy, with a short connect timeout so the black hole is answered in about a second.
  const logLines: string[] = []
  const logger = createLogger({ logLevel: 'warn' }, { write: (line: string) => void logLines.push(line) })
  const databases = await openDatabases({
    databaseUrl: proxiedUrl.toString(),
    dataDir: 'memory://',
    olveryDatabaseUrl: null,
    olveryDbSchema: 'olvery',
    logger,
    connectTimeoutMs: 1000,
  })
  t.teardown(() => databases.close())
  const app = await buildApp({ config: testConfig(HS256_ENV), databases, logger })
  t.teardown(() => app.close())
  await app.ready()

  const supplier = await createSupplier(platform.olvery)
  const delivered = await createOrder(platform.olvery, supplier)
  const created = await createIntegration(platform.db, { name: 'Outage', companyId: supplier.companyId, locationId: supplier.locationId, settings: SEED_SETTINGS })
  const integrationId = created.integration.id
  const token = await systemOperatorToken()
  const adminGet = () => app.inject({ method: 'GET', url: `/api/v1/integrations/${integrationId}`, headers: { authorization: `Bearer ${token}` } })
  const client = () => new OneCClient({ inject: app, login: created.login, password: created.password })
  const state = async () => {
    const exportState = await platform.db.selectFrom('export_state').selectAll().where('integration_id', '=', integrationId).executeTakeFirst()
    const batches = await platform.db.selectFrom('batches').select(['id', 'acknowledged_at']).where('integration_id', '=', integrationId).orderBy('id').execute()
    return { watermark: exportState?.watermark?.toISOString() ?? null, lastSuccessAt: exportState?.last_success_at?.toISOString() ?? null, batches }
  }
  let crashed: unknown = null
  const onCrash = (error: unknown) => {
    crashed = error
    if (process.env["OUTAGE_DEBUG"]) console.error("UNCAUGHT", error)
  }
  process.on('uncaughtException', onCrash)
  t.teardown(() => void process.off('uncaughtException', onCrash))

  // Before: one clean exchange, then an exchange interrupted between query and success by the outage.
  const first = await client().exchange()
  t.same(first.problems, [], 'a clean exchange before the outage')
  t.ok(first.documents.some((d) => d.number === delivered.number))
  const pending = await createOrder(platform.olvery, supplier)
  const interrupted = client()
  t.ok((await interrupted.checkauth()).ok)
  const query = await interrupted.request('type=sale&mode=query')
  t.match(query.text, /^<\?xml/)
  t.ok(query.text.includes(pending.number), 'the pending order is in the batch of the interrupted exchange')
  const before = await state()

  await t.test('database down (backends terminated, connections refused): nothing answers 5xx, nothing is acknowledged', async (t) => {
    // Idle pool clients lose their backends first: the pool's 'error' events must not crash the process.
    await platform.db.selectFrom('sessions').select('id').limit(1).execute() // keeps `platform` connected
    const { rows } = await new pg.Pool({ connectionString: adminUrl, max: 1 }).query(
      'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and application_name is distinct from $2',
      [direct.pathname.slice(1), 'platform'],
    )
    t.ok(rows[0].n >= 0)
    proxy.set('down')

    const ready = await app.inject({ method: 'GET', url: '/ready' })
    t.equal(ready.statusCode, 503)
    t.match(ready.json(), { status: 'unavailable', checks: { database: 'failing' } })

    const success = await interrupted.request('type=sale&mode=success')
    t.equal(success.statusCode, 200)
    t.match(success.text, /^failure\n/, 'success during the outage is a failure: 1C keeps the orders unacknowledged')
    const checkauth = await client().checkauth()
    t.equal(checkauth.statusCode, 200)
    t.equal(checkauth.response.text, `failure\n${messages.databaseUnavailable}`, '1C is told the database is unreachable')
    const requery = await interrupted.request('type=sale&mode=query')
    t.equal(requery.statusCode, 200)
    t.match(requery.text, /^failure\n/)

    const admin = await adminGet()
    t.equal(admin.statusCode, 503, 'the admin API answers 503 while the database is down')
    t.equal(admin.json().error.code, 'UNAVAILABLE')
    t.equal(admin.headers['retry-after'], '10')
    t.notMatch(admin.body, /ECONNREFUSED|127\.0\.0\.1|postgres/i, 'no internals in the answer')

    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    t.equal(metrics.statusCode, 200)
    t.match(metrics.body, /onec_metrics_database_up 0/)
  })

  await t.test('database unreachable as a black hole: answered within the connect timeout, not hung', async (t) => {
    proxy.set('hole')
    const ready = await app.inject({ method: 'GET', url: '/ready' })
    t.equal(ready.statusCode, 503)
    const checkauth = await client().checkauth()
    t.equal(checkauth.statusCode, 200)
    t.match(checkauth.response.text, /^failure\n/)
    t.equal((await adminGet()).statusCode, 503)
  })

  await t.test('the database returns: the same app recovers without a restart and delivers what was not acknowledged', async (t) => {
    proxy.set('up')
    t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200, '/ready 200 again')
    const after = await state()
    t.same(after, before, 'nothing was acknowledged during the outage: batches and watermark as before it')
    t.equal(after.batches.at(-1)!.acknowledged_at, null, 'the interrupted batch stays unacknowledged')

    const exchange = await client().exchange()
    t.same(exchange.problems, [], 'a full exchange works')
    t.ok(exchange.documents.some((d) => d.number === pending.number), 'the order not acknowledged during the outage is delivered')
    const last = await state()
    t.not(last.batches.at(-1)!.acknowledged_at, null, 'and acknowledged now')
    t.equal((await adminGet()).statusCode, 200, 'the admin API answers again')
    t.equal(crashed, null, 'no uncaught exception')
    t.ok(
      logLines.some((line) => /idle database connection lost|database unavailable|exchange request failed/.test(line)),
      'the outage is in the log',
    )
  })
}
