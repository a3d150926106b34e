/**
 * Money is computed in integer kopecks and quantities in thousandths, then formatted as the exact decimal strings
 * PostgreSQL returns for numeric(14,2) and numeric(14,3); floats never hold a money value.
 */
import type { VatRate } from '../olvery/olvery.schema.js'

/**
 * round(a / b), halves up, for non-negative integers. Exact in doubles: when 2a + b < 2^53 the quotient is either
 * an integer (represented exactly) or at least 1/(2b) away from one, far more than the rounding error of `/`.
 */
function divRound(a: number, b: number): number {
  const numerator = 2 * a + b
  if (!Number.isSafeInteger(numerator)) throw new RangeError(`${a} / ${b} is too large for exact arithmetic`)
  return Math.floor(numerator / (2 * b))
}

/** Kopecks → numeric(14,2) text, e.g. 123450 → '1234.50'. */
export function kopecksText(kopecks: number): string {
  const rubles = Math.floor(kopecks / 100)
  const rest = kopecks - rubles * 100
  return `${rubles}.${rest < 10 ? '0' : ''}${rest}`
}

/** Thousandths → numeric(14,3) text, e.g. 1500 → '1.500'. */
export function thousandthsText(thousandths: number): string {
  const whole = Math.floor(thousandths / 1000)
  return `${whole}.${String(thousandths - whole * 1000).padStart(3, '0')}`
}

export interface LineMoney {
  /** Unit price after the discount. */
  price: number
  /** Line discount: what the list price would have made minus `amount`. */
  discount: number
  amount: number
  vatAmount: number
}

/**
 * One order line in kopecks, as the contract defines the columns: price is the unit price after discount,
 * amount = round(price × quantity, 2), discount is what the line lost to it, and vat_amount is the VAT contained
 * in the amount (prices include VAT): round(amount × rate / (100 + rate), 2).
 */
export function lineMoney(
  listPriceKopecks: number,
  discountPercent: number,
  quantityThousandths: number,
  vatRate: VatRate,
): LineMoney {
  const price = divRound(listPriceKopecks * (100 - discountPercent), 100)
  const amount = divRound(price * quantityThousandths, 1000)
  const discount = divRound(listPriceKopecks * quantityThousandths, 1000) - amount
  const rate = vatRate === 'none' ? 0 : Number(vatRate)
  const vatAmount = rate === 0 ? 0 : divRound(amount * rate, 100 + rate)
  return { price, discount, amount, vatAmount }
}
