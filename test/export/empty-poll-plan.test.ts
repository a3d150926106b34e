/**
 * The common poll's one statement (the check for changed orders and the empty batch, `recordEmptyPollUnlessChanged`)
 * is sent prepared, so after a few executions PostgreSQL runs it on a generic plan, made without knowing the
 * watermark. That plan must still read the two indexes of the contract and stop at their first row: a plan that scans
 * the supplier's orders would make every poll cost the supplier's whole history. The statement is taken as the service
 * sends it in a real exchange, and its generic plan is asked for on a platform with a history worth an index.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import t from 'tap'
import type { ServiceDatabase } from '../../src/db/database.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createSupplier } from '../helpers/factories.js'
import { standaloneIntegration } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'

const { app, databases } = await buildTestApp(t)
const { db } = databases

/** Every query compiled and run on the database's connections until `stop`. */
async function captureQueries(db: Kysely<ServiceDatabase>): Promise<{ queries: CompiledQuery[]; stop: () => void }> {
  const prototype = (await db.getExecutor().provideConnection(async (connection) => Object.getPrototypeOf(connection))) as {
    executeQuery: (query: CompiledQuery) => Promise<unknown>
  }
  const original = prototype.executeQuery
  const queries: CompiledQuery[] = []
  prototype.executeQuery = function (this: unknown, query: CompiledQuery) {
    queries.push(query)
    return original.call(this, query)
  }
  return { queries, stop: () => void (prototype.executeQuery = original) }
}

/** A parameter's value as an SQL literal of unknown type, which EXECUTE casts to the parameter's type. */
function literal(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string' && !(value instanceof Date) && !Buffer.isBuffer(value)) throw new Error(`a parameter of another kind: ${typeof value}`)
  const text = value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value
  return `'${text.replaceAll("'", "''")}'`
}

t.test("the empty poll's statement has a generic plan that reads the indexes and stops at their first row", async (t) => {
  const supplier = await createSupplier(databases.olvery)
  // Years of history, every order paid once, all of it long before the watermark.
  await sql`
    insert into olvery.orders (id, number, location_id, company_id, customer_id, status, total, created_at, updated_at)
    select gen_random_uuid(), 'H-' || n, ${supplier.locationId}::uuid, ${supplier.companyId}::uuid, ${supplier.customerId}::uuid,
           'done', 1200, at, at
      from generate_series(1, 20000) as n, lateral (select now() - interval '3 years' + n * interval '1 hour' as at) as t`.execute(db)
  await sql`
    insert into olvery.payments (id, order_id, gateway, status, amount, paid_at, created_at, updated_at)
    select gen_random_uuid(), id, 'CKassa', 'purchased', total, updated_at, updated_at, updated_at from olvery.orders`.execute(db)
  await sql`analyze olvery.orders`.execute(db)
  await sql`analyze olvery.payments`.execute(db)

  const integration = await standaloneIntegration(db, {
    name: 'Опрос с историей',
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    watermark: new Date(),
  })
  const client = new OneCClient({ inject: app, login: integration.login, password: integration.password, profile: 'ut11' })
  t.same((await client.exchange()).problems, [], 'the first exchange, with nothing pending')
  const capture = await captureQueries(db)
  const query = await client.query()
  capture.stop()
  t.equal(query.documents.length, 0, 'an empty answer')
  const statement = capture.queries.find((q) => q.sql.includes('insert into commerceml.batches') && q.sql.includes('olvery'))
  if (!statement) return t.fail(`no empty-poll statement among ${capture.queries.length} statements of the query`)

  // One transaction, so that behind a pooler in transaction mode the statement is prepared where it is explained.
  const plan = await db.transaction().execute(async (trx) => {
    await sql`set local plan_cache_mode = force_generic_plan`.execute(trx)
    await sql.raw(`prepare empty_poll as ${statement.sql}`).execute(trx)
    // EXECUTE takes its arguments as literals: a utility statement has no parameters of its own.
    const values = statement.parameters.map((value) => sql.raw(literal(value)))
    const { rows } = await sql<Record<string, string>>`explain execute empty_poll(${sql.join(values)})`.execute(trx)
    await sql`deallocate empty_poll`.execute(trx)
    return rows.map((row) => Object.values(row)[0]).join('\n')
  })
  t.notMatch(plan, /Seq Scan on (orders|payments)/, 'no scan of a platform table')
  t.match(plan, /Index Scan using orders_company_updated_idx on orders/, "the company's orders from the watermark on")
  t.match(plan, /Index Scan using payments_updated_idx on payments/, 'payments from the watermark on')
  t.match(plan, /Limit/, 'each stops at its first row')
})
