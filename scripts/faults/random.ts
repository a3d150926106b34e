/**
 * The campaign's seeded generator: the demo's sfc32 (src/demo/random.ts), so a run's choices follow its printed seed,
 * with what the campaign adds: real numbers in a range, a choice among named weights, and independent children.
 */
import { Random as SeededRandom } from '../../src/demo/random.js'

export class Random extends SeededRandom {
  /** A real number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  /** A key of `weights`, with probability proportional to its weight. */
  weightedKey<K extends string>(weights: Readonly<Record<K, number>>): K {
    return this.weighted(Object.entries(weights) as Array<[K, number]>)
  }

  /** A child generator, so concurrent loops do not depend on each other's order of calls. */
  fork(label: string): Random {
    return new Random(`${this.next()}:${label}`)
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
