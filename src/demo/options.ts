/** What a caller may ask of the demo generator, the defaults, and the check that names every bad option at once. */
import { DEMO_LOCATION_COUNT_MAX } from './catalogue.js'

/** The end of the default history window. Fixed, so that data generated on different days is the same. */
export const DEMO_REFERENCE_DATE = '2026-03-02T09:00:00.000Z'

/** Order numbers are `PREFIX-NNNNNN`; the contract allows 11 characters, so 7 digits per location at most. */
export const MAX_DEMO_ORDERS = 9_999_999

export interface DemoOptions {
  /** Numbers and strings are both read as text: `42` and `'42'` give the same data. */
  seed: number | string
  orders: number
  /** Default 3: Moscow, Yekaterinburg, Novosibirsk (at most `DEMO_LOCATION_COUNT_MAX`). */
  locations?: number
  /** Orders are created on the `days` days before the reference date (default 180). */
  days?: number
  /** The reference date: no timestamp is later. Default `DEMO_REFERENCE_DATE`; pass `new Date()` for live demos. */
  now?: Date | string
  /** Default: one per 8 orders per location on average, from 10 to 5000 (the first location adds 3 hard cases). */
  customersPerLocation?: number
}

export interface ResolvedDemoOptions {
  seed: string
  orders: number
  locations: number
  days: number
  /** ISO 8601. */
  now: string
  customersPerLocation: number
}

export function resolveOptions(options: DemoOptions): ResolvedDemoOptions {
  const problems: string[] = []
  const seed = String(options.seed ?? '')
  if (seed === '' || (typeof options.seed === 'number' && !Number.isFinite(options.seed))) {
    problems.push('seed must be a non-empty string or a finite number')
  }
  const wholeNumber = (name: string, value: unknown, min: number, max: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`)
    }
  }
  wholeNumber('orders', options.orders, 0, MAX_DEMO_ORDERS)
  const locations = options.locations ?? 3
  wholeNumber('locations', locations, 1, DEMO_LOCATION_COUNT_MAX)
  const days = options.days ?? 180
  wholeNumber('days', days, 1, 3650)
  const now = new Date(options.now ?? DEMO_REFERENCE_DATE)
  if (Number.isNaN(now.getTime())) problems.push(`now must be a date, got ${String(options.now)}`)
  const perLocation = Math.min(5000, Math.max(10, Math.ceil((options.orders || 0) / (locations || 1) / 8)))
  const customersPerLocation = options.customersPerLocation ?? perLocation
  wholeNumber('customersPerLocation', customersPerLocation, 1, 100_000)
  if (problems.length) throw new RangeError(`Invalid demo data options: ${problems.join('; ')}`)
  return {
    seed,
    orders: options.orders,
    locations,
    days,
    // Whole seconds, like every generated timestamp.
    now: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    customersPerLocation,
  }
}
