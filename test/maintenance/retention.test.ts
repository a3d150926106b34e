/**
 * Retention (EXPORT-SEMANTICS.md rule 11) after real exchanges through the 1C client: each kind goes after its own
 * period and not before; an integration's latest batch, the latest batch of a live session and the per-order state
 * stay; a pruned document answers 410 while its batch stays in the journal; /metrics counts what went. The pruner is
 * run by hand with an explicit `now` (days ahead), never by waiting.
 */
import fs from 'node:fs'
import { sql } from 'kysely'
import t from 'tap'
import { AdminApi, createIntegrationViaApi, type CheckingTest } from '../helpers/admin-api.js'
import { HS256_ENV, locationAdminToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { expireSessions } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'
import { sampleValue } from '../helpers/prometheus-text.js'

const { app, databases } = await buildTestApp(t, { env: { ...HS256_ENV, FILE_LIMIT_BYTES: '1024' } })
const api = new AdminApi(app)
const { db } = databases

const BATCHES = '/api/v1/integrations/{id}/batches'
const BATCH = '/api/v1/integrations/{id}/batches/{batchId}'
const DOCUMENT = '/api/v1/integrations/{id}/batches/{batchId}/document'
const ORDER = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}'
const UPLOADS = '/api/v1/integrations/{id}/uploads'
const REEXPORT = '/api/v1/integrations/{id}/reexport'

const DAY = 86_400
/** Short periods, so that `now` a few days ahead passes some of them and not others. */
const PERIODS = { documentsSeconds: 2 * DAY, emptyPollsSeconds: 1 * DAY, journalSeconds: 10 * DAY, uploadsSeconds: 3 * DAY }
const daysAhead = (days: number) => new Date(Date.now() + days * DAY * 1000)
const prune = (days: number) => app.pruner.runOnce({ now: daysAhead(days), periods: PERIODS })

/** A supplier with orders, an integration made through the API, and a 1C client for it. */
async function setup(t: CheckingTest, orders = 2) {
  const supplier = await createSupplier(databases.olvery)
  api.token = await locationAdminToken(supplier.locationId)
  const created = []
  for (let i = 0; i < orders; i++) created.push(await createOrder(databases.olvery, supplier))
  const integration = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, settings: SEED_SETTINGS })
  const client = () => new OneCClient({ inject: app, login: integration.login, password: integration.password })
  return { id: integration.id, orders: created, client }
}

async function batchIds(integrationId: string): Promise<number[]> {
  const rows = await db.selectFrom('batches').select('id').where('integration_id', '=', integrationId).orderBy('id').execute()
  return rows.map((r) => r.id)
}

async function orderStates(integrationId: string) {
  return db.selectFrom('order_state').selectAll().where('integration_id', '=', integrationId).orderBy('order_id').execute()
}

t.test('a document older than RETENTION_DOCUMENTS is pruned: the batch stays listed with documentPrunedAt, its document answers 410', async (t) => {
  const { id, client } = await setup(t)
  t.same((await client().exchange()).problems, [])
  t.same((await client().exchange()).problems, []) // an empty poll: the latest batch
  const [withOrders, latest] = await batchIds(id)
  await expireSessions(db, id)
  const states = await orderStates(id)

  await prune(PERIODS.documentsSeconds / DAY - 0.5)
  t.equal((await api.get(t, DOCUMENT, { params: { id, batchId: withOrders! } })).statusCode, 200, 'not before its period')

  t.ok((await prune(PERIODS.documentsSeconds / DAY + 0.5)).pruned.documents >= 1)
  const listed = (await api.get(t, BATCHES, { params: { id } })).json.batches
  t.same(listed.map((b: { id: number }) => b.id), [latest, withOrders], 'the journal still lists both')
  const pruned = listed.find((b: { id: number }) => b.id === withOrders)
  t.type(pruned.documentPrunedAt, 'string')
  t.match(pruned, { orderCount: 2, acknowledged: true })
  t.equal(listed.find((b: { id: number }) => b.id === latest).documentPrunedAt, null)
  const detail = await api.get(t, BATCH, { params: { id, batchId: withOrders! } })
  t.equal(detail.json.orders.length, 2, 'its orders and fingerprints stay')

  const gone = await api.get(t, DOCUMENT, { params: { id, batchId: withOrders! } })
  t.equal(gone.statusCode, 410)
  t.equal(gone.json.error.code, 'DOCUMENT_PRUNED')
  t.equal(gone.json.error.details.documentPrunedAt, pruned.documentPrunedAt)
  t.equal((await api.get(t, DOCUMENT, { params: { id, batchId: latest! } })).statusCode, 200, 'the latest batch keeps its document')

  const fragments = await db.selectFrom('batch_items').select('fragment').where('batch_id', '=', withOrders!).execute()
  t.ok(fragments.every((f) => f.fragment === null), 'the bytes are gone from the database')
  t.same(await orderStates(id), states, 'order_state untouched')
})

t.test('a document is pruned in steps of bounded rows, and a run finishes what a stopped one left midway', async (t) => {
  const { id, client } = await setup(t, 5)
  t.same((await client().exchange()).problems, [])
  t.same((await client().exchange()).problems, [])
  const [withOrders] = await batchIds(id)
  await expireSessions(db, id)
  await app.pruner.runOnce({ now: daysAhead(3), periods: PERIODS, rowsPerStep: 2 })
  const left = await db.selectFrom('batch_items').select('fragment').where('batch_id', '=', withOrders!).execute()
  t.equal(left.length, 5)
  t.ok(left.every((f) => f.fragment === null), 'every fragment cleared, two at a time')
  const batch = await db.selectFrom('batches').select(['document_head', 'document_tail']).where('id', '=', withOrders!).executeTakeFirstOrThrow()
  t.equal(batch.document_head.length + batch.document_tail.length, 0)
})

t.test('empty polls go after RETENTION_EMPTY_POLLS, batches with orders after RETENTION_JOURNAL, the latest batch never', async (t) => {
  const { id, client, orders } = await setup(t)
  for (let i = 0; i < 3; i++) t.same((await client().exchange()).problems, []) // orders, then two empty polls
  const [withOrders, empty, latest] = await batchIds(id)
  await expireSessions(db, id)
  const states = await orderStates(id)

  await prune(0.5)
  t.same(await batchIds(id), [withOrders, empty, latest], 'not before its period')
  t.ok((await prune(1.5)).pruned.empty_polls >= 1)
  t.same(await batchIds(id), [withOrders, latest], 'the empty poll went, the latest empty poll stays')

  await prune(PERIODS.journalSeconds / DAY - 1)
  t.same(await batchIds(id), [withOrders, latest], 'batches with orders stay until RETENTION_JOURNAL')
  const afterJournal = await prune(PERIODS.journalSeconds / DAY + 1)
  t.ok(afterJournal.pruned.batches >= 1)
  t.ok(afterJournal.pruned.batch_items >= 2)
  t.same(await batchIds(id), [latest])
  t.equal((await db.selectFrom('batch_items').select('order_id').where('batch_id', '=', withOrders!).execute()).length, 0, 'with its items')
  const listed = (await api.get(t, BATCHES, { params: { id } })).json.batches
  t.same(listed.map((b: { id: number }) => b.id), [latest])
  t.same(await orderStates(id), states, 'order_state untouched')

  // "Did 1C get it?" still answers from the state, naming the batch that is no longer in the journal.
  const status = await api.get(t, ORDER, { params: { id, orderIdOrNumber: orders[0]!.number } })
  t.equal(status.statusCode, 200)
  t.match(status.json, { pending: false, lastAcknowledged: { batchId: withOrders } })
  // And nothing is sent again: the next query is empty.
  const next = await client().exchange()
  t.equal(next.documentCount, 0)
})

t.test('a re-export from a date reaches orders whose batches the journal no longer has', async (t) => {
  const { id, client, orders } = await setup(t)
  const first = await client().exchange()
  t.equal(first.documentCount, 2)
  t.same((await client().exchange()).problems, []) // an empty poll, so the batch with orders is superseded
  await expireSessions(db, id)
  t.ok((await prune(PERIODS.journalSeconds / DAY + 1)).pruned.batch_items >= 2)
  t.equal((await db.selectFrom('batch_items').select('order_id').where('order_id', 'in', orders.map((o) => o.id)).execute()).length, 0)

  const reexport = await api.post(t, REEXPORT, { params: { id }, body: { from: new Date(Date.now() - 2 * DAY * 1000).toISOString().slice(0, 10) } })
  t.equal(reexport.statusCode, 200, reexport.text)
  t.equal(reexport.json.cleared, 2, 'both acknowledged orders are cleared, found in the state')
  const again = await client().exchange()
  t.same(again.documents.map((d) => d.number).sort(), orders.map((o) => o.number).sort(), '1C gets them again')
})

t.test('the latest batch of a live session is kept, and its success still acknowledges it', async (t) => {
  const { id, client } = await setup(t)
  const first = client()
  t.ok((await first.checkauth()).ok)
  t.ok((await first.query()).ok) // 1C is still loading it
  t.same((await client().exchange()).problems, []) // another exchange meanwhile: the same orders, acknowledged
  const [firstBatch, second] = await batchIds(id)

  await prune(PERIODS.journalSeconds / DAY + 1)
  t.same(await batchIds(id), [firstBatch, second], 'the first session is live: its batch stays')
  t.ok((await first.success()).ok)
  const acknowledged = (await api.get(t, BATCH, { params: { id, batchId: firstBatch! } })).json
  t.equal(acknowledged.acknowledged, true, 'its success found its own batch')

  await expireSessions(db, id)
  await prune(PERIODS.journalSeconds / DAY + 1)
  t.same(await batchIds(id), [second], 'once the session expired, only the latest batch stays')
})

t.test('expired sessions, login failures past their window and old audit events are pruned; live ones stay', async (t) => {
  const { id, client } = await setup(t)
  t.same((await client().exchange()).problems, [])
  const live = client()
  t.ok((await live.checkauth()).ok)
  await db
    .updateTable('sessions')
    .set({ expires_at: sql<Date>`now() - interval '1 second'` })
    .where('integration_id', '=', id)
    .where('id', '=', (eb) => eb.selectFrom('sessions').select('id').where('integration_id', '=', id).orderBy('created_at').limit(1))
    .execute()
  const wrong = new OneCClient({ inject: app, login: 'nobody-here', password: 'wrong' })
  t.notOk((await wrong.checkauth()).ok)
  t.ok(Number((await db.selectFrom('login_failures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) > 0)
  t.ok(Number((await db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('integration_id', '=', id).executeTakeFirstOrThrow()).n) > 0)

  const failures = () => db.selectFrom('login_failures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  const soon = await app.pruner.runOnce({ now: new Date(Date.now() + 60_000), periods: PERIODS })
  t.ok(soon.pruned.sessions >= 1, 'the expired session')
  t.ok(Number((await failures()).n) > 0, 'login failures within the throttle window stay')
  const sessions = await db.selectFrom('sessions').select('id').where('integration_id', '=', id).execute()
  t.equal(sessions.length, 1, 'the live session stays')
  t.ok((await live.query()).ok, 'and still works')

  const later = await prune(PERIODS.journalSeconds / DAY + 1)
  t.ok(later.pruned.login_failures > 0, 'past the window')
  t.equal(Number((await failures()).n), 0)
  t.ok(later.pruned.audit_events > 0)
  const audit = await db.selectFrom('audit_events').select('id').where('integration_id', '=', id).execute()
  t.equal(audit.length, 0, 'the audit trail goes with the journal')
})

t.test('a raw upload goes after RETENTION_UPLOADS, its outcome after RETENTION_JOURNAL', async (t) => {
  const { id, client } = await setup(t)
  const file = fs.readFileSync(new URL('../fixtures/uploads/orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml', import.meta.url))
  const uploaded = await client().uploadCycle('orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml', file)
  t.same(uploaded.problems, [])
  const chunks = () =>
    db
      .selectFrom('upload_chunks')
      .innerJoin('uploads', 'uploads.id', 'upload_chunks.upload_id')
      .select('seq')
      .where('uploads.integration_id', '=', id)
      .execute()
  t.ok((await chunks()).length > 1, 'stored in several chunks')

  await prune(PERIODS.uploadsSeconds / DAY - 0.5)
  t.ok((await chunks()).length > 1, 'not before its period')
  const kept = (await api.get(t, UPLOADS, { params: { id } })).json.uploads
  t.equal(kept[0].filePrunedAt, null, 'the journal says the file is kept')
  const pruneAt = daysAhead(PERIODS.uploadsSeconds / DAY + 0.5)
  t.ok((await app.pruner.runOnce({ now: pruneAt, periods: PERIODS })).pruned.upload_files >= 1)
  t.equal((await chunks()).length, 0, 'imported: its file may go, session live or not')
  const listed = (await api.get(t, UPLOADS, { params: { id } })).json.uploads
  t.equal(listed.length, 1, 'the outcome stays')
  t.equal(listed[0].state, 'imported')
  t.same(listed[0].outcome, kept[0].outcome, 'with what the import made of it')
  t.equal(listed[0].filePrunedAt, pruneAt.toISOString(), 'and when the file went')

  await expireSessions(db, id)
  await prune(PERIODS.journalSeconds / DAY - 1)
  t.equal((await api.get(t, UPLOADS, { params: { id } })).json.uploads.length, 1, 'the outcome stays until RETENTION_JOURNAL')
  t.ok((await prune(PERIODS.journalSeconds / DAY + 1)).pruned.uploads >= 1)
  t.equal((await api.get(t, UPLOADS, { params: { id } })).json.uploads.length, 0)
})

t.test('/metrics counts the rows pruned by kind and shows the size of the tables', async (t) => {
  const { id, client } = await setup(t)
  t.same((await client().exchange()).problems, [])
  t.same((await client().exchange()).problems, [])
  await expireSessions(db, id)
  const before = sampleValue((await app.inject('/metrics')).body, 'onec_retention_pruned_rows_total', { kind: 'documents' })
  t.type(before, 'number', 'every kind is there from the start')
  const report = await prune(3)
  t.ok(report.pruned.documents >= 1)
  const text = (await app.inject('/metrics')).body
  t.equal(sampleValue(text, 'onec_retention_pruned_rows_total', { kind: 'documents' }), before! + report.pruned.documents)
  t.ok((sampleValue(text, 'onec_table_size_bytes', { table: 'batches' }) ?? 0) > 0)
  t.ok((sampleValue(text, 'onec_table_size_bytes', { table: 'order_state' }) ?? 0) > 0)
})

