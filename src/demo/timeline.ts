/** An order's events over time: payment attempts as each gateway records them, status changes, refunds. */
import type { OrderStatus, PaymentStatus } from '../olvery/olvery.schema.js'
import { GATEWAY_WEIGHTS, type Gateway, type PaymentScenario } from './catalogue.js'
import { kopecksText } from './money.js'
import type { Random } from './random.js'
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time.js'
import type { PaymentRow } from './types.js'

/** The gateway's own transaction number, in the shape each gateway uses. */
function externalId(rng: Random, gateway: Gateway): string {
  switch (gateway) {
    case 'CKassa':
      return `${rng.int(1, 9)}${rng.digits(12)}` // regPayNum
    case 'YooKassa':
      return `${rng.hex(4)}-000f-5000-${rng.pick(['8', '9', 'a', 'b'])}${rng.hex(2).slice(1)}-${rng.hex(6)}`
    case 'Tinkoff':
      return `${rng.int(1, 9)}${rng.digits(9)}` // PaymentId
    case 'SberPay':
      return rng.uuid() // orderId
  }
}

/**
 * Events of one order in time order: payment attempts, the status change, refunds. Every event is at or after the
 * previous one and never after the reference date.
 */
export function buildTimeline(
  rng: Random,
  order: { createdMs: number; totalKopecks: number; status: OrderStatus; gateway: Gateway; id: string },
  scenario: PaymentScenario,
  nowMs: number,
): { payments: PaymentRow[]; updatedMs: number; cancelledMs: number | null } {
  // Whole seconds, like every generated timestamp, and never after the reference date.
  const cap = (ms: number) => Math.floor(Math.min(ms, nowMs) / 1000) * 1000
  const secondsLater = (from: number, min: number, max: number) => cap(from + rng.int(min, max) * 1000)
  const payments: PaymentRow[] = []
  let cursor = order.createdMs
  const retryGateway = (): Gateway => (rng.chance(0.8) ? order.gateway : rng.weighted(GATEWAY_WEIGHTS))

  const pay = (status: PaymentStatus, gateway: Gateway, amount: number): PaymentRow => {
    const created = secondsLater(cursor, 5, 600)
    let paid: number | null = null
    let updated = created
    if (status === 'purchased' || status === 'refunded') {
      paid = secondsLater(created, 5, 120)
      updated = paid
    } else if (status === 'failed' || status === 'authorized') {
      updated = secondsLater(created, 10, 90)
    } else if (status === 'cancelled') {
      updated = secondsLater(created, 15 * 60, 30 * 60) // the payment page expired
    }
    cursor = updated
    const row: PaymentRow = {
      id: rng.uuid(),
      order_id: order.id,
      gateway,
      status,
      amount: kopecksText(amount),
      paid_at: paid === null ? null : new Date(paid),
      external_id: status === 'pending' && rng.chance(0.5) ? null : externalId(rng, gateway),
      created_at: new Date(created),
      updated_at: new Date(updated),
    }
    payments.push(row)
    return row
  }
  const refund = (payment: PaymentRow, atMs: number) => {
    payment.status = 'refunded'
    payment.updated_at = new Date(cap(atMs))
  }

  const total = order.totalKopecks
  let refundAfterCancel: PaymentRow | null = null
  switch (scenario) {
    case 'none':
      break
    case 'pending':
    case 'failed':
    case 'authorized':
    case 'purchased':
      pay(scenario, order.gateway, total)
      break
    case 'failed_then_purchased':
      pay('failed', order.gateway, total)
      pay('purchased', retryGateway(), total)
      break
    case 'cancelled_then_purchased':
      pay('cancelled', order.gateway, total)
      pay('purchased', retryGateway(), total)
      break
    case 'duplicate_refunded': {
      // The buyer paid twice from two tabs; the support refunds the first payment a day or two later.
      const first = pay('purchased', order.gateway, total)
      pay('purchased', order.gateway, total)
      refund(first, cursor + rng.int(HOUR_MS, 2 * DAY_MS))
      break
    }
    case 'partial': {
      // Prepayment of half, the rest after the work is done.
      const half = Math.floor(total / 2)
      pay('purchased', order.gateway, half)
      cursor = cap(cursor + rng.int(HOUR_MS, 3 * DAY_MS))
      pay('purchased', order.gateway, total - half)
      break
    }
    case 'refunded':
      refundAfterCancel = pay('purchased', order.gateway, total)
      break
    case 'abandoned':
      pay('cancelled', order.gateway, total)
      break
  }

  let updatedMs = order.createdMs
  let cancelledMs: number | null = null
  switch (order.status) {
    case 'new':
      break
    case 'in_progress':
      updatedMs = cap(cursor + rng.int(10 * MINUTE_MS, 6 * HOUR_MS))
      break
    case 'done':
      updatedMs = cap(cursor + rng.int(HOUR_MS, 2 * DAY_MS))
      break
    case 'closed':
      updatedMs = cap(cursor + rng.int(DAY_MS, 10 * DAY_MS))
      break
    case 'cancelled':
      cancelledMs = cap(cursor + rng.int(10 * MINUTE_MS, 3 * DAY_MS))
      updatedMs = cancelledMs
      if (refundAfterCancel) refund(refundAfterCancel, cancelledMs + rng.int(5 * MINUTE_MS, 2 * HOUR_MS))
      break
  }
  return { payments, updatedMs, cancelledMs }
}
