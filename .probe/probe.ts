import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { pino } from 'pino'
import { openDatabases } from '../src/db/connection.js'
import { createIntegration } from '../src/integrations/integrations.repository.js'
import { findBusiestSupplier } from '../src/olvery/orders.source.js'
import { queryOrders } from '../src/export/export-orders.js'
import { batchDocumentChunks } from '../src/export/batches.repository.js'

const n = Number(process.argv[2] ?? 1000)
const url = 'postgres://postgres@127.0.0.1:5432/olvery_bench_1000000'
const databases = await openDatabases({ databaseUrl: url, dataDir: 'memory://', olveryDatabaseUrl: null, olveryDbSchema: 'olvery' })
const supplier = (await findBusiestSupplier(databases.olvery, { gateway: 'CKassa', status: 'purchased' }))!
const { integration } = await createIntegration(databases.db, {
  name: `probe ${n} ${Date.now()}`, companyId: supplier.companyId, locationId: supplier.locationId,
  settings: { paymentrules: [{ status: 'purchased', gateway: 'CKassa' }], paymentmethod_name: 'x', batch_size: n } as never,
})
const session = await databases.db.insertInto('sessions').values({ integration_id: integration.id, cookie_hash: String(Math.random()), sessid_hash: 'x', client_address: null, expires_at: new Date(Date.now() + 3600e3), revoked_at: null }).returning('id').executeTakeFirstOrThrow()
const mb = (x: number) => (x / 1048576).toFixed(0)
let peakRss = 0, peakHeap = 0, peakExt = 0
const timer = setInterval(() => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); peakExt = Math.max(peakExt, m.external) }, 20)
const before = process.memoryUsage()
const t0 = Date.now()
const r = await queryOrders({ databases, config: { exportSafetyLagSeconds: 600 }, logger: pino({ level: 'silent' }) }, { integration, sessionId: session.id })
const t1 = Date.now()
const mid = { rss: peakRss, heap: peakHeap }
let bytes = 0
await pipeline(Readable.from(batchDocumentChunks(databases.db, r.batchId, r), { objectMode: false }), new Writable({ write(c, _e, cb) { bytes += c.length; cb() } }))
clearInterval(timer)
console.log(JSON.stringify({ n, orders: r.orderCount, bytes, queryS: (t1 - t0) / 1000, streamS: (Date.now() - t1) / 1000, rssBefore: mb(before.rss), heapBefore: mb(before.heapUsed), peakRssQuery: mb(mid.rss), peakHeapQuery: mb(mid.heap), peakRss: mb(peakRss), peakHeap: mb(peakHeap), peakExt: mb(peakExt) }))
await databases.close()
