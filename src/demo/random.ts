/** Seeded randomness: the demo data's only source of chance, UUIDs included. */

/** cyrb128: spreads the seed text over the 128-bit state of sfc32. */
function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** sfc32 (PractRand-tested, 128-bit state): fast, and identical on every JavaScript engine. */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: string) {
    ;[this.a, this.b, this.c, this.d] = hashSeed(seed)
    for (let i = 0; i < 12; i++) this.uint32() // the first outputs still echo the seed
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0
    return t >>> 0
  }

  /** [0, 1) */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    return item(items, Math.floor(this.next() * items.length))
  }

  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, weight] of choices) total += weight
    let r = this.next() * total
    for (const [value, weight] of choices) {
      r -= weight
      if (r < 0) return value
    }
    return item(choices, choices.length - 1)[0]
  }

  digits(count: number): string {
    let text = ''
    for (let i = 0; i < count; i++) text += String(this.int(0, 9))
    return text
  }

  hex(bytes: number): string {
    let text = ''
    for (let i = 0; i < bytes; i++) text += this.int(0, 255).toString(16).padStart(2, '0')
    return text
  }

  /** RFC 9562 version 4 layout: version nibble 4, variant bits 10. */
  uuid(): string {
    const a = hex32(this.uint32())
    const b = hex32((this.uint32() & 0xffff0fff) | 0x4000)
    const c = hex32(((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0)
    const d = hex32(this.uint32())
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`
  }
}

function hex32(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0')
}

/** Indexing that fails loudly: every index used here is in range by construction. */
export function item<T>(items: readonly T[], index: number): T {
  const value = items[index]
  if (value === undefined) throw new RangeError(`index ${index} outside 0..${items.length - 1}`)
  return value
}

export function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    const a = item(copy, i)
    copy[i] = item(copy, j)
    copy[j] = a
  }
  return copy
}
