/** Russian requisites of the demo companies: ИНН with valid check digits, and КПП. */
import { item, type Random } from './random.js'

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8]
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]

function innCheckDigit(digits: string, weights: readonly number[]): string {
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * item(weights, i)
  return String((sum % 11) % 10)
}

/** ИНН of an organisation: region (2 digits), tax office (2), record (5), check digit. */
export function legalInn(rng: Random, region: string): string {
  const base = region + String(rng.int(1, 46)).padStart(2, '0') + rng.digits(5)
  return base + innCheckDigit(base, INN10_WEIGHTS)
}

/** ИНН of a person (a sole trader): region, tax office, record (6), two check digits. */
export function personalInn(rng: Random, region: string): string {
  const base = region + String(rng.int(1, 46)).padStart(2, '0') + rng.digits(6)
  const eleven = base + innCheckDigit(base, INN12_WEIGHTS_11)
  return eleven + innCheckDigit(eleven, INN12_WEIGHTS_12)
}

/** КПП: the tax office of the ИНН, reason 01 (registered at its own address), serial 001. */
export function kppFor(inn: string): string {
  return `${inn.slice(0, 4)}01001`
}
