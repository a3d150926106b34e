/**
 * Writes generated rows into empty reference tables, in one transaction: all at once (`insertDemoData`) or chunk by
 * chunk as they are generated (`seedDemo`).
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import type { OlveryDatabase } from '../olvery/olvery.schema.js'
import { chunksOf, ordersPerChunkOf, SupplierTally } from './generate.js'
import { buildModel } from './model.js'
import { resolveOptions, type DemoOptions, type ResolvedDemoOptions } from './options.js'
import type { DemoData, DemoOrderChunk, DemoSupplier, OrderRow } from './types.js'

export interface DemoSummary {
  options: ResolvedDemoOptions
  counts: Record<keyof OlveryDatabase, number>
  suppliers: DemoSupplier[]
}

export interface InsertDemoOptions {
  /** Rows per INSERT statement (default 2000). */
  rowsPerStatement?: number
}

export interface SeedDemoOptions extends DemoOptions, InsertDemoOptions {
  /** Orders generated and inserted per step (default 2000): memory holds one step, not the whole data. */
  ordersPerChunk?: number
  /** Called after each step. */
  onProgress?: (ordersInserted: number, ordersTotal: number) => void
}

type OlveryDb = Kysely<OlveryDatabase>

const DEFAULT_ROWS_PER_STATEMENT = 2000

function rowsPerStatementOf(options: InsertDemoOptions): number {
  const size = options.rowsPerStatement ?? DEFAULT_ROWS_PER_STATEMENT
  if (!Number.isInteger(size) || size < 1 || size > 50_000) {
    throw new RangeError('rowsPerStatement must be a whole number from 1 to 50000')
  }
  return size
}

type PgType = 'uuid' | 'text' | 'int' | 'numeric' | 'timestamptz'

/**
 * Every column of every table with the array type it travels as. Rows go in as
 * `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)`: one parameter per column rather than per value, so
 * a statement's size is not bounded by PostgreSQL's 65535 parameters and the server parses one short statement
 * per chunk instead of thousands of placeholders. `satisfies` keeps it complete.
 */
const COLUMNS = {
  locations: { id: 'uuid', name: 'text', timezone: 'text' },
  companies: {
    id: 'uuid', location_id: 'uuid', kind: 'text', full_name: 'text', short_name: 'text', inn: 'text', kpp: 'text',
    legal_address: 'text', updated_at: 'timestamptz',
  },
  customers: {
    id: 'uuid', location_id: 'uuid', company_id: 'uuid', last_name: 'text', first_name: 'text', middle_name: 'text',
    phone: 'text', email: 'text', premises: 'text', updated_at: 'timestamptz',
  },
  services: { id: 'uuid', company_id: 'uuid', name: 'text', sku: 'text', kind: 'text', updated_at: 'timestamptz' },
  orders: {
    id: 'uuid', number: 'text', location_id: 'uuid', company_id: 'uuid', customer_id: 'uuid', status: 'text',
    currency: 'text', total: 'numeric', comment: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
    cancelled_at: 'timestamptz',
  },
  order_items: {
    id: 'uuid', order_id: 'uuid', line_no: 'int', service_id: 'uuid', name: 'text', sku: 'text', kind: 'text',
    unit_code: 'text', unit_name: 'text', quantity: 'numeric', price: 'numeric', discount: 'numeric',
    amount: 'numeric', vat_rate: 'text', vat_amount: 'numeric',
  },
  payments: {
    id: 'uuid', order_id: 'uuid', gateway: 'text', status: 'text', amount: 'numeric', paid_at: 'timestamptz',
    external_id: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
  },
} satisfies { [T in keyof OlveryDatabase]: Record<keyof Selectable<OlveryDatabase[T]>, PgType> }

/** Timestamps travel as ISO 8601 text: unambiguous on both drivers, whatever the client's time zone. */
const toParam = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value)

/** `nowColumn` is written as the transaction's now() instead of the rows' value (see `insertOrders`). */
async function insertRows<T extends keyof OlveryDatabase>(
  db: OlveryDb,
  table: T,
  rows: ReadonlyArray<Selectable<OlveryDatabase[T]>>,
  size: number,
  nowColumn?: keyof typeof COLUMNS[T],
): Promise<void> {
  const columns = (Object.entries(COLUMNS[table]) as Array<[string, PgType]>).filter(([name]) => name !== nowColumn)
  const names = columns.map(([name]) => sql.ref(name))
  const selected = nowColumn === undefined ? names : [...names, sql`now()`]
  const inserted = columns.map(([name]) => name).concat(nowColumn === undefined ? [] : [String(nowColumn)])
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size) as ReadonlyArray<Record<string, unknown>>
    const arrays = columns.map(([name, type]) => sql`${slice.map((row) => toParam(row[name]))}::${sql.raw(type)}[]`)
    await db
      .insertInto(table)
      // Kysely cannot relate a generic table to its column names; COLUMNS is checked against the tables above.
      .columns(inserted as never)
      .expression(sql`select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as r (${sql.join(names)})`)
      .execute()
  }
}

/**
 * Puts the generated `orders.updated_at` back. Inserting order lines fires `order_items_touch_order`, which sets
 * the order's updated_at to now(); the reference `touch_updated_at` trigger keeps a value the writer changes
 * explicitly, so one UPDATE … FROM unnest(…) per slice restores history.
 */
async function restoreOrdersUpdatedAt(db: OlveryDb, orders: readonly OrderRow[], size: number): Promise<void> {
  for (let i = 0; i < orders.length; i += size) {
    const slice = orders.slice(i, i + size)
    const ids = slice.map((o) => o.id)
    const stamps = slice.map((o) => o.updated_at.toISOString())
    const values = sql<{ id: string; updated_at: Date }>`unnest(${ids}::uuid[], ${stamps}::timestamptz[])`
    // The builder, not a raw statement, so that `withSchema` qualifies the table; `v` is a plain alias.
    await db
      .updateTable('orders')
      .from(values.as<'v'>(sql`v (id, updated_at)`))
      .set({ updated_at: sql`v.updated_at` })
      .where('orders.id', '=', sql<string>`v.id`)
      .execute()
  }
}

type CatalogRows = Pick<DemoData, 'locations' | 'companies' | 'customers' | 'services'>

async function insertCatalog(db: OlveryDb, catalog: CatalogRows, size: number): Promise<void> {
  await insertRows(db, 'locations', catalog.locations, size)
  await insertRows(db, 'companies', catalog.companies, size)
  await insertRows(db, 'customers', catalog.customers, size)
  await insertRows(db, 'services', catalog.services, size)
}

/**
 * Orders go in with updated_at = now() and get their history back once their lines are in. The reference
 * `order_items_touch_order` trigger only touches orders whose updated_at differs from now(), so it writes nothing
 * and each order row is rewritten once rather than twice. Under a trigger without that condition the result is
 * the same, only slower.
 */
async function insertOrders(db: OlveryDb, chunk: DemoOrderChunk, size: number): Promise<void> {
  await insertRows(db, 'orders', chunk.orders, size, 'updated_at')
  await insertRows(db, 'order_items', chunk.order_items, size)
  await restoreOrdersUpdatedAt(db, chunk.orders, size)
  await insertRows(db, 'payments', chunk.payments, size)
}

/**
 * Inserts generated data into empty reference tables, in one transaction: multi-row INSERTs of
 * `rowsPerStatement` rows (see `COLUMNS`), then the orders' historical updated_at restored
 * (see `insertOrders`).
 */
export async function insertDemoData(olvery: OlveryDb, data: DemoData, options: InsertDemoOptions = {}): Promise<void> {
  const size = rowsPerStatementOf(options)
  await olvery.transaction().execute(async (trx) => {
    await insertCatalog(trx, data, size)
    await insertOrders(trx, data, size)
  })
}

/**
 * Generates and inserts chunk by chunk in one transaction (all or nothing), holding one chunk in memory: the
 * way to load a million orders. Returns the counts and the suppliers with their order counts.
 */
export async function seedDemo(olvery: OlveryDb, options: SeedDemoOptions): Promise<DemoSummary> {
  const size = rowsPerStatementOf(options)
  const ordersPerChunk = ordersPerChunkOf(options.ordersPerChunk ?? 2000)
  const model = buildModel(resolveOptions(options))
  const { catalog } = model
  const tally = new SupplierTally(catalog.suppliers)
  const counts: Record<keyof OlveryDatabase, number> = {
    locations: catalog.locations.length,
    companies: catalog.companies.length,
    customers: catalog.customers.length,
    services: catalog.services.length,
    orders: 0,
    order_items: 0,
    payments: 0,
  }
  await olvery.transaction().execute(async (trx) => {
    await insertCatalog(trx, catalog, size)
    for (const chunk of chunksOf(model, ordersPerChunk)) {
      await insertOrders(trx, chunk, size)
      tally.add(chunk)
      counts.orders += chunk.orders.length
      counts.order_items += chunk.order_items.length
      counts.payments += chunk.payments.length
      options.onProgress?.(counts.orders, model.options.orders)
    }
  })
  return { options: model.options, counts, suppliers: tally.result() }
}
