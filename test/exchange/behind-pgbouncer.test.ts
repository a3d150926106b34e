/**
 * Behind PgBouncer in transaction pooling mode (README "Behind PgBouncer"): two replicas of the service, each with
 * its own pg pool, reach PostgreSQL through one PgBouncer whose pool has fewer server connections than they open, so
 * consecutive transactions of one client connection run on different server connections and one server connection
 * serves transactions of both replicas. Whole exchanges go over real HTTP, as 1C sends them. With
 * `DATABASE_POOLING=transaction` they work; with the default `session` the statements kept prepared per connection
 * (src/db/connection.ts) meet a server connection that lacks them or already holds them. Needs the pgbouncer binary
 * (test/helpers/pgbouncer.ts) and a real server, in the PGlite suite too.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { migrate } from '../../src/db/migrate.js'
import { openDatabases, type Databases } from '../../src/olvery/databases.js'
import { applyReferenceSchema } from '../../src/olvery/reference-schema.js'
import { capturingLogger, testConfig } from '../helpers/build-app.js'
import { createOrder, createSupplier, type Supplier } from '../helpers/factories.js'
import { supplierIntegration, type CreatedIntegration } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'
import { startPgbouncer } from '../helpers/pgbouncer.js'
import { createServerDatabase, LOCAL_SERVER_URL, serverUrl } from '../helpers/test-database.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** PgBouncer's server connections per database: fewer than the replicas' client connections. */
const SERVER_CONNECTIONS = 2
const adminUrl = serverUrl ?? LOCAL_SERVER_URL
const bouncer = await startPgbouncer(t, { serverUrl: adminUrl, poolSize: SERVER_CONNECTIONS })

interface Replica {
  baseUrl: string
  databases: Databases
  logLines: string[]
}

/** A database of its own on the server, migrated through the PgBouncer with statements unnamed. */
async function pooledDatabase(t: Teardown): Promise<{ name: string; pooledUrl: string }> {
  const server = await createServerDatabase(adminUrl)
  t.teardown(server.drop)
  const name = new URL(server.url).pathname.slice(1)
  const pooledUrl = bouncer.urlOf(name)
  const databases = await openReplicaDatabases(pooledUrl, 'transaction')
  try {
    await migrate(databases)
    await applyReferenceSchema(databases, 'olvery')
  } finally {
    await databases.close()
  }
  return { name, pooledUrl }
}

/** The replica's connections as server.ts opens them, from the configuration. */
function openReplicaDatabases(url: string, pooling: 'session' | 'transaction'): Promise<Databases> {
  const config = testConfig({ DATABASE_URL: url, DATABASE_POOLING: pooling })
  return openDatabases({ ...config, poolSize: 4 })
}

/** A replica of the service on a port of 127.0.0.1, logging into `logLines`. */
async function startReplica(t: Teardown, url: string, pooling: 'session' | 'transaction'): Promise<Replica> {
  const databases = await openReplicaDatabases(url, pooling)
  t.teardown(() => databases.close())
  const { lines, logger } = capturingLogger()
  const app: FastifyInstance = await buildApp({ config: testConfig({ DATABASE_POOLING: pooling }), databases, logger })
  t.teardown(() => app.close())
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  return { baseUrl: address, databases, logLines: lines }
}

async function setup(t: Teardown, pooling: 'session' | 'transaction') {
  const { name, pooledUrl } = await pooledDatabase(t)
  const replicas = [await startReplica(t, pooledUrl, pooling), await startReplica(t, pooledUrl, pooling)]
  const { olvery, db } = replicas[0]!.databases
  const integrations: Array<{ supplier: Supplier; created: CreatedIntegration }> = []
  for (let i = 0; i < 3; i++) {
    const supplier = await createSupplier(olvery)
    integrations.push({ supplier, created: await supplierIntegration(db, supplier, { name: `Бухгалтерия ${randomUUID().slice(0, 8)}` }) })
  }
  const client = (created: CreatedIntegration, replica: Replica) =>
    new OneCClient({ baseUrl: replica.baseUrl, path: '/1c_exchange', login: created.login, password: created.password, profile: 'ut11' })
  return { name, replicas, integrations, client }
}

t.test('with DATABASE_POOLING=transaction, concurrent 1C clients of two replicas exchange through a small PgBouncer pool', async (t) => {
  const { name, replicas, integrations, client } = await setup(t, 'transaction')
  const delivered = new Map<string, Set<string>>(integrations.map(({ created }) => [created.integration.id, new Set()]))
  const written = new Map<string, Set<string>>(integrations.map(({ created }) => [created.integration.id, new Set()]))
  for (let round = 0; round < 3; round++) {
    for (const { supplier, created } of integrations) {
      for (let i = 0; i < 2; i++) written.get(created.integration.id)!.add((await createOrder(replicas[0]!.databases.olvery, supplier)).number)
    }
    // Two 1C bases per integration, one on each replica, all six exchanging at once (EXPORT-SEMANTICS.md rule 5).
    const runs = integrations.flatMap(({ created }) =>
      replicas.map(async (replica) => ({ id: created.integration.id, result: await client(created, replica).exchange() })),
    )
    for (const { id, result } of await Promise.all(runs)) {
      t.same(result.problems, [], `round ${round + 1}: the exchange went through`)
      t.ok(result.successSent, `round ${round + 1}: success was sent`)
      for (const document of result.documents) delivered.get(id)!.add(document.number ?? '')
    }
  }
  for (const { created } of integrations) {
    const id = created.integration.id
    t.same([...delivered.get(id)!].sort(), [...written.get(id)!].sort(), 'every order of the integration reached one of its 1C bases')
    const last = await client(created, replicas[1]!).exchange()
    t.equal(last.documentCount, 0, 'and nothing is pending afterwards')
  }
  const pool = (await bouncer.admin('SHOW POOLS')).find((row) => row['database'] === name)!
  const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce((n, key) => n + Number(pool[key]), 0)
  t.ok(servers <= SERVER_CONNECTIONS, `at most ${SERVER_CONNECTIONS} server connections (${servers})`)
  t.ok(Number(pool['cl_active']) > servers, `served more client connections (${String(pool['cl_active'])}), so each server connection ran transactions of several`)
  const errors = replicas.flatMap((r) => r.logLines).filter((line) => 'err' in (JSON.parse(line) as object))
  t.same(errors, [], 'no error of the database was logged')
})

t.test('with the default DATABASE_POOLING=session, the statements kept prepared fail behind transaction pooling', async (t) => {
  const { replicas, integrations, client } = await setup(t, 'session')
  const { supplier, created } = integrations[0]!
  await createOrder(replicas[0]!.databases.olvery, supplier)
  // One exchange after the other, alternating replicas: each replica's connection prepares its statements on the
  // server connection it is given, which the other replica's connection is given next.
  const results = []
  for (let i = 0; i < 4; i++) results.push(await client(created, replicas[i % 2]!).exchange())
  t.ok(results.some((r) => r.problems.length > 0), '1C gets a failure')
  const logged = replicas.flatMap((r) => r.logLines).join('\n')
  t.match(logged, /prepared statement \\"s_[\w-]+\\" (already exists|does not exist)/, 'the service logs why')
})
