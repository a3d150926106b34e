/**
 * How a batch's items are written (src/export/batches.repository.ts `addBatchItems`): COPY in binary on PostgreSQL,
 * one INSERT from arrays on the embedded PGlite. Both must store exactly the same row, fragment bytes included.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import t from 'tap'
import { addBatchItems, openBatch, type BatchItem } from '../../src/export/batches.repository.js'
import { openTestSession, standaloneIntegration } from '../helpers/integrations.js'
import { createTestDatabases, databaseKind, type TestDatabase } from '../helpers/test-database.js'

async function newBatch(databases: TestDatabase): Promise<number> {
  const { integration } = await standaloneIntegration(databases.db, { name: `items ${randomUUID()}` })
  const sessionId = await openTestSession(databases.db, integration.id, null)
  return databases.db.transaction().execute((trx) =>
    openBatch(trx, { integrationId: integration.id, sessionId, queryStartedAt: new Date(), contentType: 'application/xml; charset=UTF-8' }),
  )
}

function items(count: number): BatchItem[] {
  return Array.from({ length: count }, (_, i) => ({
    orderId: randomUUID(),
    orderNumber: `Ё-${i}'"\\`,
    fingerprint: randomBytes(32).toString('hex'),
    changedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i * 7 + 1)),
    position: i * 2 + 1,
    // Every byte value, a NUL and bytes that are not UTF-8 among them (a windows-1251 fragment).
    fragment: Buffer.concat([Buffer.from(`  <Документ>${i}`), randomBytes(300 + i), Buffer.from([0, 0xff, 0x98, 0x5c])]),
  }))
}

async function stored(databases: TestDatabase, batchId: number) {
  const rows = await databases.db.selectFrom('batch_items').selectAll().where('batch_id', '=', batchId).orderBy('position').execute()
  return rows.map((r) => ({
    orderId: r.order_id,
    orderNumber: r.order_number,
    fingerprint: r.fingerprint,
    changedAt: r.changed_at,
    position: r.position,
    fragment: r.fragment,
  }))
}

const paths = databaseKind === 'postgres' ? [true, false] : [false]

for (const copy of paths) {
  t.test(`${databaseKind}, ${copy ? 'COPY' : 'INSERT from arrays'}: every value of every item is stored as given`, async (t) => {
    const databases = await createTestDatabases(t)
    const batchId = await newBatch(databases)
    const written = items(120)
    await databases.db.transaction().execute(async (trx) => {
      await addBatchItems(trx, batchId, written.slice(0, 100), { copy })
      await addBatchItems(trx, batchId, written.slice(100), { copy })
      await addBatchItems(trx, batchId, [], { copy })
    })
    t.same(await stored(databases, batchId), written)
  })

  t.test(`${databaseKind}, ${copy ? 'COPY' : 'INSERT from arrays'}: a refused row fails the statement and its transaction`, async (t) => {
    const databases = await createTestDatabases(t)
    const batchId = await newBatch(databases)
    const [first] = items(1)
    const attempt = databases.db.transaction().execute(async (trx) => {
      await addBatchItems(trx, batchId, [first!], { copy })
      await addBatchItems(trx, batchId, [first!], { copy }) // the same (batch, order) again: a unique violation
    })
    await t.rejects(attempt, /duplicate key/)
    t.same(await stored(databases, batchId), [], 'nothing of the transaction is kept')
    // The connection is usable again after the failed COPY.
    await databases.db.transaction().execute((trx) => addBatchItems(trx, batchId, [first!], { copy }))
    t.same(await stored(databases, batchId), [first])
  })
}
