/**
 * What a full 1C cycle with nothing pending costs the database (checkauth → query → success, Basic credentials on
 * every request, as УТ 11 makes it): the statements sent, BEGIN and COMMIT included, counted on the real database's
 * connections. A change that adds a round trip to the common poll shows up here; its time is the benchmark's business.
 */
import type { Kysely } from 'kysely'
import t from 'tap'
import type { ServiceDatabase } from '../../src/db/database.js'
import { buildTestApp } from '../helpers/build-app.js'
import { standaloneIntegration } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t)

/**
 * Counts every statement run on the database's connections from now on: each `executeQuery` of Kysely's connection
 * (BEGIN and COMMIT of the pg driver among them) and, on PGlite, each transaction begun, committed or rolled back by
 * its driver, which does not send them through `executeQuery` (its connection's only symbol-named methods; those of
 * the pg connection release it to the pool and are no statements).
 */
async function countStatements(db: Kysely<ServiceDatabase>, kind: string): Promise<{ count: () => number; stop: () => void }> {
  const prototype = (await db.getExecutor().provideConnection(async (connection) => Object.getPrototypeOf(connection))) as Record<
    string | symbol,
    unknown
  >
  let count = 0
  const restore: Array<() => void> = []
  for (const key of ['executeQuery', ...(kind === 'pglite' ? Object.getOwnPropertySymbols(prototype) : [])]) {
    const original = prototype[key]
    if (typeof original !== 'function') continue
    prototype[key] = function (this: unknown, ...args: unknown[]) {
      count++
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
    restore.push(() => {
      prototype[key] = original
    })
  }
  return { count: () => count, stop: () => restore.forEach((undo) => undo()) }
}

t.test('a full cycle with nothing pending sends 6 statements: 1 for checkauth, 3 for query, 2 for success', async (t) => {
  // As an integration connected with export_from = today: its watermark is set, nothing is pending.
  const integration = await standaloneIntegration(databases.db, { name: 'Опрос без заказов', watermark: new Date() })
  const client = new OneCClient({ inject: app, login: integration.login, password: integration.password, profile: 'ut11' })
  // One exchange first: the password is verified once per process, as for a 1C that polls.
  const warmUp = await client.exchange()
  t.same(warmUp.problems, [])

  const counter = await countStatements(databases.db, databases.kind)
  t.teardown(counter.stop)
  const counts: Record<string, number> = {}
  let before = counter.count()
  const step = (mode: string) => {
    counts[mode] = counter.count() - before
    before = counter.count()
  }
  const checkauth = await client.checkauth()
  step('checkauth')
  const query = await client.query()
  step('query')
  const success = await client.success()
  step('success')
  counter.stop()

  t.ok(checkauth.ok, 'checkauth answered success')
  t.ok(query.ok, 'query answered a document')
  t.equal(query.documents.length, 0, "with no order in it")
  t.ok(success.ok, 'success answered success')
  t.same(counts, { checkauth: 1, query: 3, success: 2 })
})
