/**
 * GET /metrics (PROTOCOL.md §7.2 point 9, EXPORT-SEMANTICS.md rule 7): Prometheus text from a registry of the
 * app's own, HTTP durations by route pattern, 1C counters derived from the exchange's log fields, and per integration
 * gauges read from the database at scrape time, which a database outage must not break.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createIntegration, supplierIntegration } from '../helpers/integrations.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { sampleValue } from '../helpers/prometheus-text.js'

const { app, databases } = await buildTestApp(t, { env: HS256_ENV })

async function scrape(target = app): Promise<string> {
  const res = await target.inject({ method: 'GET', url: '/metrics' })
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`)
  return res.body
}

/**
 * The 1C counters are recorded in onResponse, which may finish just after `inject` resolves: scrape until the sample
 * has the expected value (or give up after a second, and let the assertion fail on what was last seen).
 */
async function scrapeUntil(name: string, labels: Record<string, string>, expected: number): Promise<number | undefined> {
  let value: number | undefined
  for (let i = 0; i < 50; i++) {
    value = sampleValue(await scrape(), name, labels)
    if (value === expected) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return value
}

/** A supplier with `orders` paid orders and an integration of its own, so each test sees only its own numbers. */
async function setup(orders: number) {
  const supplier = await createSupplier(databases.olvery)
  for (let i = 0; i < orders; i++) await createOrder(databases.olvery, supplier)
  const created = await supplierIntegration(databases.db, supplier, { name: `Метрики ${randomUUID().slice(0, 8)}` })
  const client = new OneCClient({ inject: app, login: created.login, password: created.password })
  return { id: created.integration.id, client, supplier }
}

t.test('GET /metrics answers the Prometheus text format with the default process metrics', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4; charset=utf-8$/)
  t.match(res.body, /^# TYPE process_cpu_user_seconds_total counter$/m)
  t.match(res.body, /^# TYPE nodejs_heap_size_used_bytes gauge$/m)
})

t.test('request durations are labelled by method, route pattern and status code, never by the URL', async (t) => {
  await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=checkauth&sessid=SECRET123' })
  await app.inject({ method: 'GET', url: `/no-such-page/${randomUUID()}` })
  const text = await scrape()
  t.ok(sampleValue(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/1c_exchange', status_code: '401' }))
  t.ok(sampleValue(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }))
  t.notMatch(text, /SECRET123|no-such-page|mode=checkauth/, 'no URL, query string or sessid in any label')
})

t.test('1C requests are counted by mode and outcome', async (t) => {
  const before = (mode: string, outcome: string) => sampleValue(text0, 'onec_requests_total', { mode, outcome }) ?? 0
  const text0 = await scrape()
  const { client } = await setup(0)
  const run = await client.exchange()
  t.same(run.problems, [])
  await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=query' }) // no session: failure
  await app.inject({ method: 'GET', url: '/1c_exchange?type=sale&mode=%3Cscript%3E' }) // a mode no 1C sends
  t.equal(await scrapeUntil('onec_requests_total', { mode: 'success', outcome: 'success' }, before('success', 'success') + 1), before('success', 'success') + 1)
  const text = await scrape()
  t.equal(sampleValue(text, 'onec_requests_total', { mode: 'checkauth', outcome: 'success' }), before('checkauth', 'success') + 1)
  t.equal(sampleValue(text, 'onec_requests_total', { mode: 'query', outcome: 'success' }), before('query', 'success') + 1)
  t.equal(sampleValue(text, 'onec_requests_total', { mode: 'query', outcome: 'failure' }), before('query', 'failure') + 1)
  t.equal(sampleValue(text, 'onec_requests_total', { mode: 'other', outcome: 'failure' }), before('other', 'failure') + 1, 'unknown modes share one label')
})

t.test('a query and its success count the batch, its orders and bytes sent and acknowledged, per integration', async (t) => {
  const { id, client } = await setup(2)
  const run = await client.exchange()
  t.equal(run.documentCount, 2)
  const bytes = run.steps.find((s) => s.mode === 'query')!.response.body.length
  const labels = { integration_id: id }
  t.equal(await scrapeUntil('onec_batches_acknowledged_total', labels, 1), 1)
  const text = await scrape()
  t.equal(sampleValue(text, 'onec_batches_sent_total', labels), 1)
  t.equal(sampleValue(text, 'onec_orders_sent_total', labels), 2)
  t.equal(sampleValue(text, 'onec_bytes_sent_total', labels), bytes)
  t.equal(sampleValue(text, 'onec_orders_acknowledged_total', labels), 2)
})

t.test('a repeated success counts no second acknowledgement', async (t) => {
  const { id, client } = await setup(1)
  await client.exchange()
  await client.success()
  const labels = { integration_id: id }
  t.equal(await scrapeUntil('onec_batches_acknowledged_total', labels, 1), 1)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(sampleValue(await scrape(), 'onec_batches_acknowledged_total', labels), 1)
})

t.test('the gauges show the time of the last success, and the queries and orders left unacknowledged since', async (t) => {
  const { id, client, supplier } = await setup(2)
  const labels = { integration_id: id }
  let text = await scrape()
  t.equal(sampleValue(text, 'onec_last_success_timestamp_seconds', labels), 0, 'never')
  t.equal(sampleValue(text, 'onec_queries_since_success', labels), 0)
  t.equal(sampleValue(text, 'onec_integration_enabled', labels), 1)

  const started = Date.now() / 1000
  await client.exchange()
  text = await scrape()
  const lastSuccess = sampleValue(text, 'onec_last_success_timestamp_seconds', labels)!
  t.ok(lastSuccess >= started - 1 && lastSuccess <= Date.now() / 1000 + 1, 'the time of this success')
  t.equal(sampleValue(text, 'onec_queries_since_success', labels), 0)
  t.equal(sampleValue(text, 'onec_unacknowledged_orders', labels), 0)

  await createOrder(databases.olvery, supplier)
  await client.checkauth()
  await client.query()
  await client.checkauth()
  await client.query()
  text = await scrape()
  t.equal(sampleValue(text, 'onec_queries_since_success', labels), 2)
  t.equal(sampleValue(text, 'onec_unacknowledged_orders', labels), 1)
  t.ok(sampleValue(text, 'onec_last_query_timestamp_seconds', labels)! >= lastSuccess)
})

t.test('an order served again after 3 serves without success counts as a poison suspect', async (t) => {
  const { id, client } = await setup(1)
  const labels = { integration_id: id }
  for (let serve = 1; serve <= 3; serve++) {
    await client.checkauth()
    await client.query()
  }
  const text = await scrape()
  t.equal(sampleValue(text, 'onec_poison_suspect_orders', labels), 1, 'the gauge: served 3 times without success')
  t.equal(sampleValue(text, 'onec_poison_suspects_total', labels), undefined, 'the counter: not served again yet')
  t.equal(sampleValue(text, 'onec_queries_since_success', labels), 3)
  await client.checkauth()
  await client.query()
  t.equal(await scrapeUntil('onec_poison_suspects_total', labels, 1), 1, 'the 4th serve')
})

t.test('an excluded order is counted as excluded, and not as unacknowledged or suspect, until it is included again', async (t) => {
  const { id, client, supplier } = await setup(0)
  const order = await createOrder(databases.olvery, supplier)
  const labels = { integration_id: id }
  for (let serve = 1; serve <= 3; serve++) {
    await client.checkauth()
    await client.query()
  }
  let text = await scrape()
  t.equal(sampleValue(text, 'onec_unacknowledged_orders', labels), 1)
  t.equal(sampleValue(text, 'onec_poison_suspect_orders', labels), 1)
  t.equal(sampleValue(text, 'onec_excluded_orders', labels), 0)

  const exclusion = { method: 'PUT' as const, url: `/api/v1/integrations/${id}/orders/${order.number}/exclusion`, headers: { authorization: `Bearer ${await systemOperatorToken()}` } }
  t.equal((await app.inject({ ...exclusion, payload: { reason: 'Тестовый заказ' } })).statusCode, 200)
  text = await scrape()
  t.equal(sampleValue(text, 'onec_excluded_orders', labels), 1)
  t.equal(sampleValue(text, 'onec_unacknowledged_orders', labels), 0)
  t.equal(sampleValue(text, 'onec_poison_suspect_orders', labels), 0)

  t.equal((await app.inject({ ...exclusion, method: 'DELETE' })).statusCode, 200)
  text = await scrape()
  t.equal(sampleValue(text, 'onec_excluded_orders', labels), 0)
  t.equal(sampleValue(text, 'onec_unacknowledged_orders', labels), 1, 'sent and still unacknowledged')
})

t.test('the scrape answers without the database: per-integration gauges left out and onec_metrics_database_up 0', async (t) => {
  const own = await buildTestApp(t)
  const id = (
    await createIntegration(own.databases.db, { name: 'Без базы', companyId: randomUUID(), locationId: randomUUID(), settings: SEED_SETTINGS })
  ).integration.id
  t.equal(sampleValue(await scrape(own.app), 'onec_queries_since_success', { integration_id: id }), 0, 'present while the database answers')
  await own.databases.close()
  const res = await own.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.equal(sampleValue(res.body, 'onec_metrics_database_up'), 0)
  t.equal(sampleValue(res.body, 'onec_ready'), 0)
  t.equal(sampleValue(res.body, 'onec_queries_since_success', { integration_id: id }), undefined)
  t.ok(sampleValue(res.body, 'process_start_time_seconds'), 'the process metrics are still there')
})

t.test('two apps keep separate registries', async (t) => {
  const other = await buildTestApp(t)
  await other.app.inject({ method: 'GET', url: '/health' })
  await other.app.inject({ method: 'GET', url: '/health' })
  const mine = sampleValue(await scrape(), 'http_request_duration_seconds_count', { route: '/health' })
  t.equal(sampleValue(await scrape(other.app), 'http_request_duration_seconds_count', { route: '/health' }), 2)
  t.equal(mine, undefined, 'this app served no /health')
})
