/**
 * The `query` answer is written to its batch while the scan runs and streamed from the database. Over a
 * real socket, 1C must receive exactly Content-Length bytes, the documents in the order of their changes across
 * several pages of fragments, and nothing of the orders the batch cap left for later.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { readBatchDocument } from '../helpers/documents.js'
import { createIntegration } from '../helpers/integrations.js'
import type { IntegrationSettingsInput } from '../../src/integration/settings.schema.js'
import { buildTestApp } from '../helpers/build-app.js'
import { numbersIn } from '../helpers/export-harness.js'
import { createOrder, createSupplier, SEED_SETTINGS } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { validateCommerceML } from '../helpers/xml-validate.js'

const { app, databases } = await buildTestApp(t)
const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })

async function setup(orders: number, settings: Partial<IntegrationSettingsInput>) {
  const supplier = await createSupplier(databases.olvery)
  const numbers: string[] = []
  // A second apart, so "oldest change first" has one answer.
  const start = Date.now() - 3600_000
  for (let i = 0; i < orders; i++) {
    numbers.push((await createOrder(databases.olvery, supplier, { updatedAt: new Date(start + i * 1000) })).number)
  }
  const created = await createIntegration(databases.db, {
    name: `Бухгалтерия ${randomUUID().slice(0, 8)}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: { ...SEED_SETTINGS, ...settings },
  })
  const client = () => new OneCClient({ baseUrl, login: created.login, password: created.password })
  return { numbers, created, client }
}

t.test('a batch of several pages arrives whole, in order, with its exact length; the rest follows', async (t) => {
  // 250 orders with a cap of 240: three pages of fragments, and ten orders written to the batch then left out.
  const { numbers, created, client } = await setup(250, { batch_size: 240 })
  const first = await client().exchange()
  t.same(first.problems, [])
  const query = first.steps.find((s) => s.mode === 'query')!.response
  t.equal(Number(query.headers['content-length']), query.body.length, 'Content-Length is the length of the body')
  t.same(numbersIn(query.body), numbers.slice(0, 240), 'the oldest 240 orders, oldest change first')
  t.same(await validateCommerceML(query.body), { valid: true, errors: [] })

  const batch = await databases.db
    .selectFrom('batches')
    .select(['id', 'order_count', 'byte_count'])
    .where('integration_id', '=', created.integration.id)
    .executeTakeFirstOrThrow()
  t.equal(batch.order_count, 240)
  t.equal(batch.byte_count, query.body.length, 'the journal records the size that was sent')
  t.same(await readBatchDocument(databases, batch.id), query.body, 'the journal holds the bytes that were sent')
  const items = await databases.db.selectFrom('batch_items').select('order_number').where('batch_id', '=', batch.id).execute()
  t.equal(items.length, 240, 'the orders left for later are not items of the batch')

  const second = await client().exchange()
  t.same(numbersIn(second.document ?? ''), numbers.slice(240))
  t.equal((await client().exchange()).documentCount, 0)
})

t.test('windows-1251 documents are encoded fragment by fragment exactly as a whole', async (t) => {
  const { numbers, client } = await setup(120, { encoding: 'windows-1251', batch_size: 500 })
  const exchange = await client().exchange()
  t.same(exchange.problems, [])
  const query = exchange.steps.find((s) => s.mode === 'query')!.response
  t.equal(Number(query.headers['content-length']), query.body.length)
  t.match(query.headers['content-type'], /charset=windows-1251$/)
  t.same(numbersIn(exchange.document ?? ''), numbers)
  t.same(await validateCommerceML(query.body), { valid: true, errors: [] })
})
