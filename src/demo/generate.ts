/**
 * Deterministic demo data for the Olvery reference schema (OLVERY-SOURCE.md, "Reference schema and demo data"):
 * locations with their managing, supplier and resident companies, customers, catalogs, orders with lines and
 * payments, in realistic Russian, plus hard cases that an exchange with 1C must survive (quotes, `&`, `<`, `>`,
 * apostrophes, 300-character names, emoji and `₽` outside windows-1251, ASCII control characters, fractional
 * quantities, refunds and retried payments).
 *
 * Determinism: the output depends only on the options. Randomness comes from a seeded sfc32 generator, UUIDs
 * included, and time from `options.now` (default `DEMO_REFERENCE_DATE`), never from the clock. The same options
 * give byte-identical rows whether the data is generated at once (`generateDemoData`) or chunk by chunk
 * (`generateDemoOrderChunks`, `seedDemo`).
 *
 * One job a file: `options.ts` (what may be asked), `random.ts` (the seeded generator), `catalogue.ts`,
 * `hard-cases.ts`, `people.ts` and `requisites.ts` (what the rows are drawn from), `model.ts` (the catalog rows),
 * `orders.ts` and `timeline.ts` (orders, lines, payments), `money.ts` (exact kopecks), `types.ts` (the shapes
 * handed out), `insert.ts` (writing the rows); this file is the generation API.
 */
import { buildModel, type DemoModel } from './model.js'
import { resolveOptions, type DemoOptions } from './options.js'
import { generateOrders } from './orders.js'
import type { DemoCatalog, DemoData, DemoOrderChunk, DemoSupplier } from './types.js'

/** Locations, companies, customers and services: small, held in memory, inserted before any order. */
export function generateDemoCatalog(options: DemoOptions): DemoCatalog {
  return buildModel(resolveOptions(options)).catalog
}

/**
 * Orders with their lines and payments, `ordersPerChunk` at a time, exactly as `generateDemoData` would return them.
 * Memory holds one chunk, so a million orders can be generated and inserted in a bounded footprint.
 */
export function generateDemoOrderChunks(options: DemoOptions, ordersPerChunk = 2000): Generator<DemoOrderChunk> {
  return chunksOf(buildModel(resolveOptions(options)), ordersPerChunkOf(ordersPerChunk))
}

export function ordersPerChunkOf(size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('ordersPerChunk must be a whole number from 1')
  return size
}

export function* chunksOf(model: DemoModel, ordersPerChunk: number): Generator<DemoOrderChunk> {
  let chunk: DemoOrderChunk = { orders: [], order_items: [], payments: [] }
  for (const generated of generateOrders(model)) {
    chunk.orders.push(generated.order)
    for (const line of generated.items) chunk.order_items.push(line)
    for (const payment of generated.payments) chunk.payments.push(payment)
    if (chunk.orders.length === ordersPerChunk) {
      yield chunk
      chunk = { orders: [], order_items: [], payments: [] }
    }
  }
  if (chunk.orders.length) yield chunk
}

/** Everything at once. For large data prefer `seedDemo`, which streams. */
export function generateDemoData(options: DemoOptions): DemoData {
  const model = buildModel(resolveOptions(options))
  const tally = new SupplierTally(model.catalog.suppliers)
  const data: DemoData = {
    options: model.options,
    locations: model.catalog.locations,
    companies: model.catalog.companies,
    customers: model.catalog.customers,
    services: model.catalog.services,
    orders: [],
    order_items: [],
    payments: [],
    suppliers: [],
  }
  for (const generated of generateOrders(model)) {
    data.orders.push(generated.order)
    for (const line of generated.items) data.order_items.push(line)
    for (const payment of generated.payments) data.payments.push(payment)
  }
  tally.add(data)
  data.suppliers = tally.result()
  return data
}

/** Counts orders per supplier as chunks go by, without keeping them. */
export class SupplierTally {
  private readonly orders = new Map<string, number>()
  private readonly ckassa = new Map<string, number>()

  constructor(private readonly suppliers: readonly DemoSupplier[]) {}

  add(chunk: DemoOrderChunk): void {
    const supplierOf = new Map<string, string>()
    for (const order of chunk.orders) {
      supplierOf.set(order.id, order.company_id)
      this.orders.set(order.company_id, (this.orders.get(order.company_id) ?? 0) + 1)
    }
    const counted = new Set<string>()
    for (const payment of chunk.payments) {
      if (payment.gateway !== 'CKassa' || payment.status !== 'purchased' || counted.has(payment.order_id)) continue
      counted.add(payment.order_id)
      const supplierId = supplierOf.get(payment.order_id)
      if (supplierId !== undefined) this.ckassa.set(supplierId, (this.ckassa.get(supplierId) ?? 0) + 1)
    }
  }

  result(): DemoSupplier[] {
    return this.suppliers.map((s) => ({
      ...s,
      orders: this.orders.get(s.id) ?? 0,
      ckassaPurchasedOrders: this.ckassa.get(s.id) ?? 0,
    }))
  }
}

/**
 * The supplier with the most CKassa-purchased orders (ties: the earlier supplier), the natural company for a demo
 * integration with settings `{"status":"purchased","gateway":"CKassa"}`; null when no order qualifies.
 */
export function topCKassaSupplier(suppliers: readonly DemoSupplier[]): DemoSupplier | null {
  let best: DemoSupplier | null = null
  for (const supplier of suppliers) {
    if (supplier.ckassaPurchasedOrders > (best?.ckassaPurchasedOrders ?? 0)) best = supplier
  }
  return best
}
