/**
 * The few statistics the benchmark reports. Percentiles use the nearest-rank method (the value of a real sample,
 * never an interpolation), so "p99 of 50 cycles" is the 50th fastest, i.e. the slowest: say so where it matters.
 */

/** Nearest-rank percentile of `values` (need not be sorted); `q` in (0, 1]. */
function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1]!
}

/** The middle value; the mean of the two middle values for an even count. */
function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** One figure measured in several runs: what the tables print as `median [min–max]`. */
export interface Spread {
  median: number
  min: number
  max: number
  runs: number[]
}

export function spread(runs: readonly number[]): Spread {
  const finite = runs.filter(Number.isFinite)
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    runs: [...runs],
  }
}

/** Latencies of one run reduced to what the tables need. */
export interface LatencySummary {
  count: number
  p50: number
  p99: number
  min: number
  max: number
}

export function summarizeLatencies(ms: readonly number[]): LatencySummary {
  return {
    count: ms.length,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    min: ms.length ? Math.min(...ms) : Number.NaN,
    max: ms.length ? Math.max(...ms) : Number.NaN,
  }
}
