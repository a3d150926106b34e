/**
 * The orders, one after another in time, each with its lines and its timeline (`timeline.ts`), from a random
 * stream of their own; `FORCED_ORDERS` (hard-cases.ts) take fixed positions spread over the history.
 */
import type { OrderStatus } from '../olvery/olvery.schema.js'
import {
  ADHOC_LINE,
  GATEWAY_WEIGHTS,
  ORDER_COMMENTS,
  UNITS,
  type PaymentScenario,
  type QuantityRule,
} from './catalogue.js'
import { FORCED_ORDERS } from './hard-cases.js'
import type { DemoModel } from './model.js'
import { kopecksText, lineMoney, thousandthsText } from './money.js'
import { item, Random, shuffled } from './random.js'
import { buildTimeline } from './timeline.js'
import { DAY_MS, HOUR_MS } from './time.js'
import type { DemoOffer, OrderItemRow, OrderRow, PaymentRow } from './types.js'

/** What a line is made of: a catalog offer, or a line typed in by hand without a service. */
type LineSource = Omit<DemoOffer, 'serviceId'> & { serviceId: string | null }

export interface GeneratedOrder {
  order: OrderRow
  items: OrderItemRow[]
  payments: PaymentRow[]
}

const BUSINESS_OPENS_MS = 8 * HOUR_MS
const BUSINESS_HOURS_MS = 13 * HOUR_MS

type Weights<T> = ReadonlyArray<readonly [T, number]>

/** Pieces: mostly one or two; 0 stands for "four to ten". */
const PIECES: Weights<number> = [[1, 50], [2, 22], [3, 10], [0, 18]]
/** Hours in thousandths: whole and half hours, now and then a quarter. */
const HOURS: Weights<number> = [
  [1000, 30], [1500, 15], [2000, 20], [3000, 10], [500, 8], [4000, 7], [2500, 5], [1250, 3], [8000, 2],
]
const LINE_COUNTS: Weights<number> = [[1, 45], [2, 25], [3, 15], [4, 10], [5, 5]]

function randomQuantity(rng: Random, rule: QuantityRule): number {
  switch (rule) {
    case 'piece':
      return (rng.weighted(PIECES) || rng.int(4, 10)) * 1000
    case 'pages':
      return rng.int(1, 200) * 1000
    case 'single':
      return rng.chance(0.9) ? 1000 : 2000
    case 'hours':
      return rng.weighted(HOURS)
    case 'weight':
      return rng.int(2, 24) * 125 // 0.250 … 3.000 kg in 125 g steps: three decimals
  }
}

/** Fresh orders are still open; old ones are done or closed. */
const STATUS_BY_AGE: ReadonlyArray<{ underDays: number; weights: Weights<OrderStatus> }> = [
  { underDays: 1, weights: [['new', 50], ['in_progress', 35], ['done', 10], ['cancelled', 5]] },
  { underDays: 7, weights: [['new', 10], ['in_progress', 30], ['done', 45], ['closed', 7], ['cancelled', 8]] },
  { underDays: Infinity, weights: [['new', 1], ['in_progress', 1], ['done', 35], ['closed', 55], ['cancelled', 8]] },
]

function randomStatus(rng: Random, ageDays: number): OrderStatus {
  const band = STATUS_BY_AGE.find((b) => ageDays < b.underDays) ?? item(STATUS_BY_AGE, STATUS_BY_AGE.length - 1)
  return rng.weighted(band.weights)
}

/**
 * How orders in each status were paid, as [weights for a person, for a buyer on behalf of a company]: companies
 * often pay by invoice outside the platform, which leaves no payment row at all.
 */
const SCENARIOS: Record<OrderStatus, readonly [Weights<PaymentScenario>, Weights<PaymentScenario>]> = (() => {
  const paid = (invoice: number): Weights<PaymentScenario> => [
    ['purchased', 70],
    ['failed_then_purchased', 10],
    ['cancelled_then_purchased', 5],
    ['duplicate_refunded', 3],
    ['partial', 3],
    ['none', invoice],
  ]
  const working = (invoice: number): Weights<PaymentScenario> => [
    ['purchased', 55],
    ['authorized', 20],
    ['failed_then_purchased', 10],
    ['partial', 4],
    ['none', invoice],
  ]
  const fresh: Weights<PaymentScenario> = [['none', 45], ['pending', 35], ['failed', 12], ['abandoned', 8]]
  const cancelled: Weights<PaymentScenario> = [['none', 40], ['refunded', 40], ['abandoned', 15], ['failed', 5]]
  return {
    new: [fresh, fresh],
    in_progress: [working(3), working(12)],
    done: [paid(3), paid(12)],
    closed: [paid(3), paid(12)],
    cancelled: [cancelled, cancelled],
  }
})()

function randomScenario(rng: Random, status: OrderStatus, b2b: boolean): PaymentScenario {
  return rng.weighted(SCENARIOS[status][b2b ? 1 : 0])
}

/** Position → index into FORCED_ORDERS: spread evenly over the history, or the first ones for tiny data. */
function forcedPositions(orders: number): Map<number, number> {
  const positions = new Map<number, number>()
  const count = Math.min(orders, FORCED_ORDERS.length)
  for (let j = 0; j < count; j++) {
    positions.set(orders >= FORCED_ORDERS.length ? Math.floor(((j + 0.5) * orders) / FORCED_ORDERS.length) : j, j)
  }
  return positions
}

export function* generateOrders(model: DemoModel): Generator<GeneratedOrder> {
  const { options } = model
  const rng = new Random(`${options.seed}\u0000orders`)
  const nowMs = Date.parse(options.now)
  const forced = forcedPositions(options.orders)
  const nextNumber = model.locations.map(() => 1)

  for (let position = 0; position < options.orders; position++) {
    const forcedIndex = forced.get(position)
    const spec = forcedIndex === undefined ? null : item(FORCED_ORDERS, forcedIndex)
    const locationIndex = spec ? 0 : rng.weighted(model.locationWeights)
    const location = item(model.locations, locationIndex)
    const supplier = spec ? model.hard.supplier : item(location.suppliers, rng.weighted(location.supplierWeights))
    const customer = spec?.customer ? model.hard.customers[spec.customer] : rng.pick(location.customers)

    // Creation times grow with the position, inside local business hours of the days before the reference date;
    // numbers therefore grow with time within a location, as the platform assigns them.
    const dayFloat = ((position + rng.next()) / options.orders) * options.days
    const day = Math.floor(dayFloat)
    const todayLocal = Math.floor((nowMs + location.offsetMs) / DAY_MS) * DAY_MS
    const dayStartLocal = todayLocal - (options.days - day) * DAY_MS
    const localMs = dayStartLocal + BUSINESS_OPENS_MS + (dayFloat - day) * BUSINESS_HOURS_MS
    const createdMs = Math.floor((localMs - location.offsetMs) / 1000) * 1000

    const orderId = rng.uuid()
    const items: OrderItemRow[] = []
    const addLine = (o: LineSource, quantity: number, discount: number) => {
      const money = lineMoney(o.priceKopecks, discount, quantity, o.vatRate)
      items.push({
        id: rng.uuid(),
        order_id: orderId,
        line_no: items.length + 1,
        service_id: o.serviceId,
        name: o.name,
        sku: o.sku,
        kind: o.kind,
        unit_code: o.unitCode,
        unit_name: o.unitName,
        quantity: thousandthsText(quantity),
        price: kopecksText(money.price),
        discount: kopecksText(money.discount),
        amount: kopecksText(money.amount),
        vat_rate: o.vatRate,
        vat_amount: kopecksText(money.vatAmount),
      })
      return money.amount
    }
    const adhoc = (): LineSource => ({
      name: ADHOC_LINE.name,
      sku: null,
      kind: 'service',
      unitCode: UNITS.unit.code,
      unitName: UNITS.unit.name,
      priceKopecks: ADHOC_LINE.priceKopecks,
      vatRate: supplier.defaultVat,
      serviceId: null,
    })

    let totalKopecks = 0
    if (spec?.lines) {
      for (const line of spec.lines) {
        const o = line.offer === 'adhoc' ? adhoc() : item(supplier.offers, model.hard.offers[line.offer])
        totalKopecks += addLine(o, line.quantity, line.discount ?? 0)
      }
    } else {
      const count = Math.min(supplier.offers.length, rng.weighted(LINE_COUNTS))
      for (const index of shuffled(rng, supplier.offers.map((_, i) => i)).slice(0, count)) {
        const discount = rng.chance(0.15) ? rng.pick([5, 10, 15]) : 0
        const quantity = randomQuantity(rng, item(supplier.rules, index))
        totalKopecks += addLine(item(supplier.offers, index), quantity, discount)
      }
      // A line typed in by the operator, not from the catalog: no service_id, no SKU.
      if (count < 5 && rng.chance(0.03)) totalKopecks += addLine(adhoc(), 1000, 0)
    }

    const status = spec?.status ?? randomStatus(rng, (nowMs - createdMs) / DAY_MS)
    const gateway = spec?.gateway ?? rng.weighted(GATEWAY_WEIGHTS)
    const scenario = spec?.scenario ?? randomScenario(rng, status, customer.company_id !== null)
    const timeline = buildTimeline(rng, { id: orderId, createdMs, totalKopecks, status, gateway }, scenario, nowMs)

    const numberIndex = item(nextNumber, locationIndex)
    nextNumber[locationIndex] = numberIndex + 1
    const order: OrderRow = {
      id: orderId,
      number: `${location.template.prefix}-${String(numberIndex).padStart(6, '0')}`,
      location_id: location.row.id,
      company_id: supplier.company.id,
      customer_id: customer.id,
      status,
      currency: 'RUB',
      total: kopecksText(totalKopecks),
      comment: spec ? spec.comment : rng.chance(0.2) ? rng.pick(ORDER_COMMENTS) : null,
      created_at: new Date(createdMs),
      updated_at: new Date(timeline.updatedMs),
      cancelled_at: timeline.cancelledMs === null ? null : new Date(timeline.cancelledMs),
    }
    yield { order, items, payments: timeline.payments }
  }
}
