/**
 * Which payments put an order in scope for an integration, and the payment facts 1C receives about it
 * (../shared/commerceml/PROTOCOL.md §5.5–§5.7, ../shared/design/EXPORT-SEMANTICS.md "Qualifies").
 *
 * Money is computed exactly: decimal strings as PostgreSQL returns them are turned into integer minor units
 * (kopecks, as bigint) and back, never into floats.
 */
import type { PaymentRule } from '../integration/settings.schema.js'
import type { PlatformOrder, PlatformPayment } from '../olvery/platform-order.js'

// ---------------------------------------------------------------------------------------------------------------
// Exact money arithmetic (numeric(14,2) strings ⇄ integer kopecks)
// ---------------------------------------------------------------------------------------------------------------

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/

/**
 * `'12000.00'` → `1200000n`. Accepts any number of fraction digits as long as those beyond the second are zeros
 * (`'12.500'` is fine, `'12.345'` is not): a money value that cannot be written with 2 decimals is an error, never
 * silently rounded. Throws `RangeError` on anything that is not a plain decimal.
 */
export function parseMoney(text: string): bigint {
  const match = DECIMAL.exec(text.trim())
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`)
  const [, minus, whole = '0', fraction = ''] = match
  if (/[1-9]/.test(fraction.slice(2))) throw new RangeError(`amount has more than 2 decimals: ${JSON.stringify(text)}`)
  const kopecks = BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'))
  return minus ? -kopecks : kopecks
}

/** `1200000n` → `'12000.00'`: dot, no grouping, exactly 2 decimals (PROTOCOL.md §5.1). */
export function formatMoney(kopecks: bigint): string {
  const negative = kopecks < 0n
  const abs = negative ? -kopecks : kopecks
  const whole = abs / 100n
  const cents = (abs % 100n).toString().padStart(2, '0')
  return `${negative ? '-' : ''}${whole.toString()}.${cents}`
}

/** Σ of decimal strings, exactly. */
export function sumMoney(amounts: Iterable<string>): bigint {
  let total = 0n
  for (const amount of amounts) total += parseMoney(amount)
  return total
}

// ---------------------------------------------------------------------------------------------------------------
// Payment rules
// ---------------------------------------------------------------------------------------------------------------

type PaymentKey = Pick<PlatformPayment, 'status' | 'gateway'>

function normalise(value: string): string {
  return value.trim().toLowerCase()
}

function given(value: string | null | undefined): value is string {
  return value != null && value.trim() !== ''
}

/**
 * One rule: every field the rule gives must equal the payment's, trimmed and without regard to letter case
 * (settings `{"status":"purchased","gateway":"CKassa"}` match a payment `PURCHASED`/`ckassa`).
 * A rule that gives no field matches nothing. The settings schema asks for at least one field, but
 * `{"status": null}` passes it and becomes `{}`; matching everything then would send every order of the company,
 * paid or not, to the accountant.
 */
export function matchesPaymentRule(payment: PaymentKey, rule: PaymentRule): boolean {
  const fields: Array<[string | undefined, string]> = [
    [rule.status, payment.status],
    [rule.gateway, payment.gateway],
  ]
  const constrained = fields.filter((pair): pair is [string, string] => given(pair[0]))
  if (constrained.length === 0) return false
  return constrained.every(([expected, actual]) => normalise(expected) === normalise(actual ?? ''))
}

/** The payment matches at least one of the rules. */
export function matchesPaymentRules(payment: PaymentKey, rules: readonly PaymentRule[]): boolean {
  return rules.some((rule) => matchesPaymentRule(payment, rule))
}

/** EXPORT-SEMANTICS.md "Qualifies": at least one payment of the order matches at least one rule. */
export function qualifies(order: Pick<PlatformOrder, 'payments'>, rules: readonly PaymentRule[]): boolean {
  return order.payments.some((payment) => matchesPaymentRules(payment, rules))
}

// ---------------------------------------------------------------------------------------------------------------
// Payment facts sent to 1C
// ---------------------------------------------------------------------------------------------------------------

/**
 * Money was taken: Olvery's normalised `purchased` (CKassa `payed`/`processed`), or `refunded`, since a refund
 * returns money that was taken, and «Заказ оплачен» stays true after it (PROTOCOL.md §5.6, §5.7). `authorized`
 * is only a hold (CKassa `holded`) and is not paid.
 */
export function isPaid(payment: Pick<PlatformPayment, 'status'>): boolean {
  const status = normalise(payment.status)
  return status === 'purchased' || status === 'refunded'
}

function isRefunded(payment: Pick<PlatformPayment, 'status'>): boolean {
  return normalise(payment.status) === 'refunded'
}

interface RefundFacts {
  /** The latest `updated_at` of the refunded payments: «Дата возврата» is its date. */
  refundedAt: Date
  /** Σ of the refunded payments' amounts, in kopecks. */
  amountKopecks: bigint
  /** The same as `'1900.00'` («Сумма возврата»). */
  amount: string
}

export interface PaymentFacts {
  /** «Заказ оплачен». */
  paid: boolean
  /** The payment 1C is told about («Дата оплаты», «Номер платежного документа»); null when unpaid. */
  paymentOfRecord: PlatformPayment | null
  /** When the payment of record was confirmed (its `paid_at`, else its `updated_at`); null when unpaid. */
  paidAt: Date | null
  /** The gateway's transaction number of the payment of record (CKassa `regPayNum`), when known. */
  externalId: string | null
  /** Set when any payment was refunded («Возврат оплаты» = true). */
  refund: RefundFacts | null
}

/** Rules that name a gateway restrict which paid payment is «of record»; a rule without one accepts any gateway. */
function matchesGatewayConstraints(payment: PlatformPayment, rules: readonly PaymentRule[]): boolean {
  const usable = rules.filter((rule) => given(rule.status) || given(rule.gateway))
  if (usable.length === 0) return true
  return usable.some((rule) => !given(rule.gateway) || normalise(rule.gateway) === normalise(payment.gateway))
}

function confirmedAt(payment: PlatformPayment): Date {
  return payment.paidAt ?? payment.updatedAt
}

/** The latest by confirmation time; ties go to the later one in the order's list (creation order). */
function latest(payments: readonly PlatformPayment[]): PlatformPayment | null {
  let best: PlatformPayment | null = null
  for (const payment of payments) {
    if (best === null || confirmedAt(payment).getTime() >= confirmedAt(best).getTime()) best = payment
  }
  return best
}

/** The latest payment whose money is still held; a refunded one only when every candidate was refunded. */
function latestHeld(payments: readonly PlatformPayment[]): PlatformPayment | null {
  return latest(payments.filter((payment) => !isRefunded(payment))) ?? latest(payments)
}

/**
 * The payment facts 1C receives about the order (PROTOCOL.md §5.5–§5.7). The payment of record is the latest paid
 * payment through a gateway the rules name (if they name any), else the latest paid payment; among those, one that
 * was not refunded comes first, so «Номер платежного документа» names money the supplier still has.
 */
export function derivePaymentFacts(payments: readonly PlatformPayment[], rules: readonly PaymentRule[]): PaymentFacts {
  const paid = payments.filter(isPaid)
  const record = latestHeld(paid.filter((payment) => matchesGatewayConstraints(payment, rules))) ?? latestHeld(paid)

  const refunded = payments.filter(isRefunded)
  let refund: RefundFacts | null = null
  if (refunded.length > 0) {
    const amountKopecks = sumMoney(refunded.map((payment) => payment.amount))
    const refundedAt = refunded.reduce((at, payment) => (payment.updatedAt.getTime() > at.getTime() ? payment.updatedAt : at), refunded[0]!.updatedAt)
    refund = { refundedAt, amountKopecks, amount: formatMoney(amountKopecks) }
  }

  const externalId = record?.externalId?.trim() || null
  return {
    paid: record !== null,
    paymentOfRecord: record,
    paidAt: record ? confirmedAt(record) : null,
    externalId,
    refund,
  }
}
