/**
 * The platform writers: what Olvery does to its tables while 1C exchanges run. They create orders, add payments and
 * move them (pending → purchased or failed, purchased → refunded), cancel orders, move their status forward and edit
 * lines, each in its own transaction. Some transactions stay open before they commit: shorter than the services'
 * safety lag (the case the lag exists for), and, unless --no-beyond-lag, longer than it.
 *
 * The reference schema's triggers set `updated_at = now()`, the transaction's start, so a transaction that commits
 * late writes rows that look older than they are, exactly as on the platform.
 *
 * Every change moves the order's document forward and never back (quantities only grow, statuses only advance), so a
 * fingerprint never comes back once the order has left it: the checker relies on that to tell a duplicate from a
 * re-send after a real change.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { kopecksText, lineMoney, thousandthsText } from '../../src/demo/money.js'
import type { DemoOffer } from '../../src/demo/types.js'
import { WRITER_APP, withApplicationName, type Supplier } from './database.js'
import { sleep, type Random } from './random.js'

type WriteKind =
  | 'create order'
  | 'add payment'
  | 'payment purchased'
  | 'payment failed'
  | 'payment refunded'
  | 'cancel order'
  | 'advance status'
  | 'edit line'

export type LongKind = 'within the lag' | 'beyond the lag'

interface Line {
  lineNo: number
  offer: DemoOffer
  quantity: number // thousandths
}

interface PaymentModel {
  id: string
  gateway: string
  status: 'pending' | 'purchased' | 'failed' | 'refunded'
}

interface OrderModel {
  id: string
  number: string
  supplier: Supplier
  status: 'new' | 'in_progress' | 'done' | 'cancelled'
  lines: Line[]
  payments: PaymentModel[]
}

export interface WriterStats {
  ordersCreated: number
  byKind: Partial<Record<WriteKind, number>>
  longTransactions: Record<LongKind, number>
  failedTransactions: number
  /** Orders touched by a committed transaction that stayed open longer than the safety lag. */
  beyondLagOrders: Set<string>
}

const GATEWAYS = ['CKassa', 'CKassa', 'SberPay', 'YooKassa'] as const
const WRITER_LOOPS = 3
const MAX_LONG_IN_FLIGHT = 4

type Step = { kind: WriteKind; order: OrderModel; sql: Array<[string, unknown[]]>; apply: () => void }

export class Writers {
  readonly stats: WriterStats = {
    ordersCreated: 0,
    byKind: {},
    longTransactions: { 'within the lag': 0, 'beyond the lag': 0 },
    failedTransactions: 0,
    beyondLagOrders: new Set(),
  }
  private readonly pool: pg.Pool
  private readonly orders: OrderModel[] = []
  private readonly busy = new Set<string>()
  private readonly inFlight = new Set<Promise<void>>()
  private stopping = false
  private loops: Promise<void>[] = []
  private sequence = 0

  constructor(
    url: string,
    private readonly params: {
      suppliers: readonly Supplier[]
      random: Random
      safetyLagSeconds: number
      beyondLag: boolean
      maxOrders: number
    },
  ) {
    this.pool = new pg.Pool({ connectionString: withApplicationName(url, WRITER_APP), max: WRITER_LOOPS + MAX_LONG_IN_FLIGHT + 1 })
    this.pool.on('error', () => undefined)
  }

  start(): void {
    for (let i = 0; i < WRITER_LOOPS; i++) this.loops.push(this.loop(this.params.random.fork(`writer-${i}`)))
  }

  /** Stops new writes and waits for every open transaction, the long ones included, to commit. */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all(this.loops)
    await Promise.all([...this.inFlight])
    await this.pool.end()
  }

  private async loop(random: Random): Promise<void> {
    while (!this.stopping) {
      const step = this.plan(random)
      if (step) {
        const long = this.longKind(random)
        if (long && this.inFlight.size < MAX_LONG_IN_FLIGHT) {
          const running = this.run(step, random, long).finally(() => this.inFlight.delete(running))
          this.inFlight.add(running)
        } else {
          await this.run(step, random, null)
        }
      }
      await sleep(random.int(20, 90))
    }
  }

  private longKind(random: Random): LongKind | null {
    if (!random.chance(0.15)) return null
    return this.params.beyondLag && random.chance(0.4) ? 'beyond the lag' : 'within the lag'
  }

  private async run(step: Step, random: Random, long: LongKind | null): Promise<void> {
    this.busy.add(step.order.id)
    const client = await this.pool.connect()
    try {
      const started = Date.now()
      await client.query('begin')
      for (const [text, values] of step.sql) await client.query(text, values)
      if (long) {
        const lag = this.params.safetyLagSeconds * 1000
        const hold = long === 'within the lag' ? random.between(0.2, 0.7) * lag : random.between(1.3, 2.5) * lag
        await sleep(hold)
      }
      await client.query('commit')
      step.apply()
      this.stats.byKind[step.kind] = (this.stats.byKind[step.kind] ?? 0) + 1
      if (long) this.stats.longTransactions[long]++
      if (Date.now() - started > this.params.safetyLagSeconds * 1000) this.stats.beyondLagOrders.add(step.order.id)
    } catch {
      this.stats.failedTransactions++
      await client.query('rollback').catch(() => undefined)
    } finally {
      client.release()
      this.busy.delete(step.order.id)
    }
  }

  /** The next change: a new order, or a change to an order no open transaction holds. */
  private plan(random: Random): Step | null {
    const canCreate = this.stats.ordersCreated + this.pendingCreates < this.params.maxOrders
    const kind = random.weightedKey({
      create: canCreate ? 30 : 0,
      addPayment: 10,
      settle: 22,
      refund: 8,
      cancel: 4,
      advance: 8,
      edit: 12,
    })
    if (kind === 'create' || this.orders.length === 0) return canCreate ? this.createOrder(random) : null
    const order = this.pickOrder(random)
    if (!order) return null
    switch (kind) {
      case 'addPayment':
        return this.addPayment(order, random)
      case 'settle': {
        const pending = order.payments.filter((p) => p.status === 'pending')
        return pending.length ? this.setPayment(order, random.pick(pending), random.chance(0.75) ? 'purchased' : 'failed') : null
      }
      case 'refund': {
        const paid = order.payments.filter((p) => p.status === 'purchased')
        return paid.length ? this.setPayment(order, random.pick(paid), 'refunded') : null
      }
      case 'cancel':
        return order.status === 'cancelled' ? null : this.cancel(order)
      case 'advance':
        return order.status === 'new' || order.status === 'in_progress' ? this.advance(order) : null
      default:
        return order.status === 'cancelled' ? null : this.editLine(order, random)
    }
  }

  private pendingCreates = 0

  private pickOrder(random: Random): OrderModel | null {
    // Recent orders change more often, as on a real platform.
    for (let attempt = 0; attempt < 5; attempt++) {
      const index = this.orders.length - 1 - Math.min(this.orders.length - 1, Math.floor(Math.abs(random.next() * random.next()) * this.orders.length))
      const order = this.orders[index]
      if (order && !this.busy.has(order.id)) return order
    }
    return null
  }

  private total(lines: readonly Line[]): number {
    return lines.reduce((sum, l) => sum + lineMoney(l.offer.priceKopecks, 0, l.quantity, l.offer.vatRate).amount, 0)
  }

  private lineValues(orderId: string, line: Line): unknown[] {
    const money = lineMoney(line.offer.priceKopecks, 0, line.quantity, line.offer.vatRate)
    const o = line.offer
    return [
      randomUUID(), orderId, line.lineNo, o.serviceId, o.name, o.sku, o.kind, o.unitCode, o.unitName,
      thousandthsText(line.quantity), kopecksText(money.price), kopecksText(money.discount), kopecksText(money.amount),
      o.vatRate, kopecksText(money.vatAmount),
    ]
  }

  private createOrder(random: Random): Step {
    const supplier = random.pick(this.params.suppliers)
    const id = randomUUID()
    const number = `FX-${String(++this.sequence).padStart(7, '0')}`
    const lines: Line[] = Array.from({ length: random.int(1, 3) }, (_, i) => ({
      lineNo: i + 1,
      offer: random.pick(supplier.offers),
      quantity: random.int(1, 3) * 1000,
    }))
    const order: OrderModel = { id, number, supplier, status: 'new', lines, payments: [] }
    const total = kopecksText(this.total(lines))
    const sql: Array<[string, unknown[]]> = [
      [
        `insert into olvery.orders (id, number, location_id, company_id, customer_id, status, currency, total, comment)
         values ($1, $2, $3, $4, $5, 'new', 'RUB', $6, $7)`,
        [id, number, supplier.locationId, supplier.id, random.pick(supplier.customerIds), total, random.chance(0.3) ? 'Заказ из кампании «сбоев» & <проверка>' : null],
      ],
      ...lines.map((line): [string, unknown[]] => [
        `insert into olvery.order_items (id, order_id, line_no, service_id, name, sku, kind, unit_code, unit_name, quantity, price, discount, amount, vat_rate, vat_amount)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        this.lineValues(id, line),
      ]),
    ]
    const first = random.weightedKey({ none: 2, pending: 4, purchased: 4 })
    let payment: PaymentModel | null = null
    if (first !== 'none') {
      payment = { id: randomUUID(), gateway: random.pick(GATEWAYS), status: first }
      sql.push(this.insertPayment(id, payment, total))
    }
    this.pendingCreates++
    return {
      kind: 'create order',
      order,
      sql,
      apply: () => {
        this.pendingCreates--
        if (payment) order.payments.push(payment)
        this.orders.push(order)
        this.stats.ordersCreated++
      },
    }
  }

  private insertPayment(orderId: string, payment: PaymentModel, amount: string): [string, unknown[]] {
    return [
      `insert into olvery.payments (id, order_id, gateway, status, amount, paid_at, external_id)
       values ($1, $2, $3, $4, $5, case when $4 in ('purchased', 'refunded') then now() end, $6)`,
      [payment.id, orderId, payment.gateway, payment.status, amount, `ext-${payment.id.slice(0, 8)}`],
    ]
  }

  private addPayment(order: OrderModel, random: Random): Step {
    const payment: PaymentModel = { id: randomUUID(), gateway: random.pick(GATEWAYS), status: random.pick(['pending', 'purchased', 'failed'] as const) }
    return {
      kind: 'add payment',
      order,
      sql: [this.insertPayment(order.id, payment, kopecksText(this.total(order.lines)))],
      apply: () => order.payments.push(payment),
    }
  }

  private setPayment(order: OrderModel, payment: PaymentModel, status: 'purchased' | 'failed' | 'refunded'): Step {
    const paidAt = status === 'purchased' ? ', paid_at = now()' : ''
    return {
      kind: `payment ${status}`,
      order,
      sql: [[`update olvery.payments set status = $2${paidAt} where id = $1`, [payment.id, status]]],
      apply: () => (payment.status = status),
    }
  }

  private cancel(order: OrderModel): Step {
    return {
      kind: 'cancel order',
      order,
      sql: [[`update olvery.orders set status = 'cancelled', cancelled_at = now() where id = $1`, [order.id]]],
      apply: () => (order.status = 'cancelled'),
    }
  }

  private advance(order: OrderModel): Step {
    const next = order.status === 'new' ? 'in_progress' : 'done'
    return {
      kind: 'advance status',
      order,
      sql: [[`update olvery.orders set status = $2 where id = $1`, [order.id, next]]],
      apply: () => (order.status = next),
    }
  }

  /** One more unit on a line: the line's and the order's sums follow; quantities only grow. */
  private editLine(order: OrderModel, random: Random): Step {
    const line = random.pick(order.lines)
    const edited: Line = { ...line, quantity: line.quantity + 1000 }
    const lines = order.lines.map((l) => (l === line ? edited : l))
    const money = lineMoney(edited.offer.priceKopecks, 0, edited.quantity, edited.offer.vatRate)
    return {
      kind: 'edit line',
      order,
      sql: [
        [
          `update olvery.order_items set quantity = $3, amount = $4, vat_amount = $5 where order_id = $1 and line_no = $2`,
          [order.id, line.lineNo, thousandthsText(edited.quantity), kopecksText(money.amount), kopecksText(money.vatAmount)],
        ],
        [`update olvery.orders set total = $2 where id = $1`, [order.id, kopecksText(this.total(lines))]],
      ],
      apply: () => (order.lines = lines),
    }
  }
}
