/**
 * Hostile requests for the fuzz test (test/security/fuzz.test.ts), generated from a seed so that a failure can be
 * replayed exactly: `FUZZ_SEED=<seed> npx tap test/security/fuzz.test.ts`.
 *
 * A request is plain data (method, raw URL, headers, body) so that the same one can go through Fastify's `inject`,
 * through `node:http` over a real socket, or be written byte by byte with `net`.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export class Rng {
  private state: number
  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }
  /** Letters and digits: the shape of a token, cookie value or password. */
  token(n: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    let out = ''
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)]
    return out
  }
}

export interface FuzzRequest {
  /** What the request tries, for the counts in the report. */
  kind: string
  method: string
  /** Path and query exactly as written on the request line (may hold bad percent-encodings). */
  url: string
  headers: Record<string, string>
  body?: Buffer
  /** Sent with a live exchange session (the answer may be a success). */
  withSession?: boolean
  /** The client address inject reports (the login throttle counts per address). */
  remoteAddress: string
}

/** Query-string values a hostile or broken client sends: bad percent-encodings, bad UTF-8, controls, long text. */
export const ODD_VALUES = [
  '',
  ' ',
  '%',
  '%%',
  '%zz',
  '%4',
  '%E0%A4%A',
  '%C3%28',
  '%FF%FE%FD',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%C0%AF',
  '%00',
  '%0d%0aSet-Cookie:%20x=1',
  '%u0041',
  '%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82',
  '..%2f..%2fetc%2fpasswd',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '<script>alert(1)</script>',
  "'%3B drop table commerceml.sessions; --",
  '${jndi:ldap://x}',
  '+',
  '=',
  '==',
  ';',
  '[]',
  '{}',
  '-1',
  '1e309',
  '9'.repeat(40),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'CHECKAUTH',
  'checkauth ',
  'query%00',
  'sale%20',
  'a'.repeat(3000),
  '%41'.repeat(500),
]

const MODES = ['checkauth', 'init', 'query', 'success', 'file', 'import', 'info', 'Query', 'deactivate', 'complete', '', 'x']
const TYPES = ['sale', 'catalog', 'SALE', 'get_catalog', 'reference', '']
const EXCHANGE_NAMES = ['type', 'mode', 'sessid', 'filename', 'version', 'cmlVersion']

export const ODD_CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=',
  'multipart/form-data',
  'text/plain',
  'text/xml; charset=windows-1251',
  'application/octet-stream',
  'application/zip',
  '*/*',
  ';;;',
  'application/json; a=' + 'b'.repeat(2000),
  '\u00e9/\u00e9',
  'application/json, text/plain',
  'json',
]

export const ODD_METHODS = ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'LOCK', 'MKCOL', 'COPY']

/** `name=value` pairs joined with `&`, sometimes with a name twice, an empty pair or a `;` separator. */
function oddQuery(rng: Rng, base: Array<[string, string]>): string {
  const pairs = base.map(([name, value]) => `${name}=${value}`)
  const extra = rng.int(4)
  for (let i = 0; i < extra; i++) {
    const name = rng.chance(0.6) ? rng.pick(EXCHANGE_NAMES) : rng.pick(ODD_VALUES).slice(0, 40)
    pairs.splice(rng.int(pairs.length + 1), 0, rng.chance(0.15) ? name : `${name}=${rng.pick(ODD_VALUES)}`)
  }
  if (rng.chance(0.1)) pairs.push('')
  if (rng.chance(0.05)) return pairs.join(';')
  return pairs.join('&')
}

export function exchangeQuery(rng: Rng, sessid?: string): string {
  const base: Array<[string, string]> = []
  if (rng.chance(0.9)) base.push(['type', rng.chance(0.7) ? 'sale' : rng.pick([...TYPES, ...ODD_VALUES])])
  if (rng.chance(0.9)) base.push(['mode', rng.chance(0.7) ? rng.pick(MODES) : rng.pick(ODD_VALUES)])
  if (sessid !== undefined && rng.chance(0.7)) base.push(['sessid', sessid])
  if (rng.chance(0.3)) base.push(['filename', rng.pick(['orders-1_1.xml', ...ODD_VALUES])])
  if (rng.chance(0.1)) base.push(['version', rng.pick(['2.09', ...ODD_VALUES])])
  if (rng.chance(0.1)) base.push(['cmlVersion', rng.pick(['2.10', ...ODD_VALUES])])
  for (let i = base.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[base[i], base[j]] = [base[j]!, base[i]!]
  }
  return oddQuery(rng, base)
}

/** A body: nothing, a few bytes, binary, text in odd encodings, or more than the limit. */
export function oddBody(rng: Rng, limit: number): Buffer | undefined {
  switch (rng.int(8)) {
    case 0:
      return undefined
    case 1:
      return Buffer.alloc(0)
    case 2:
      return rng.bytes(1 + rng.int(64))
    case 3:
      return rng.bytes(limit + 1 + rng.int(1024)) // just over the limit
    case 4:
      return Buffer.from('{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}')
    case 5:
      return Buffer.from('\ufeff<?xml version="1.0"?><КоммерческаяИнформация>' + '<a>'.repeat(200), 'utf8')
    case 6:
      return Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0xc3, 0x28, 0xed, 0xa0, 0x80])
    default:
      return rng.bytes(rng.int(limit))
  }
}

/** An `Authorization` header value that is wrong in some way (the secret part, if any, is registered). */
export function oddAuthorization(rng: Rng, logins: readonly string[], secret: (value: string) => string): string {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64')
  switch (rng.int(16)) {
    case 0:
      return ''
    case 1:
      return 'Basic'
    case 2:
      return 'Basic '
    case 3:
      return `Basic ${secret(rng.token(24))}` // not base64 of login:password
    case 4:
      return `Basic ${b64(rng.bytes(1 + rng.int(40)))}` // binary
    case 5:
      return `Basic ${b64(`${rng.pick(logins)}:${secret(rng.token(20))}`)}` // a wrong password
    case 6:
      return `basic    ${b64(`${rng.pick(logins)}:${secret(rng.token(20))}`)}   `
    case 7:
      return `Basic ${b64(`:${secret(rng.token(20))}`)}` // no login
    case 8:
      return `Basic ${b64(`${'x'.repeat(200)}:${secret(rng.token(20))}`)}` // a login longer than any
    case 9:
      return `Basic ${b64(`${rng.pick(logins)}:${secret(rng.token(20))}`)}===`
    case 10:
      return `Basic %${rng.token(10)}`
    case 11:
      return `Bearer ${secret(rng.token(30))}`
    case 12:
      return `Bearer ${secret(`${rng.token(20)}.${rng.token(40)}.${rng.token(30)}`)}`
    case 13:
      return `Digest username="x", response="${secret(rng.token(32))}"`
    case 14:
      return `Basic ${b64(`${rng.pick(logins)}:${secret(rng.token(20))}\u0000\u00e9`)}`
    default:
      return rng.pick(['Negotiate YII=', 'Basic Og==', 'Basic OjpAOg==', 'Bearer', 'Bearer ', '\u00ff\u00fe'])
  }
}

/** A `Bearer` value that is no valid admin token (garbage, `alg: none`, a JSON header that is not JSON, …). */
export function oddBearer(rng: Rng, secret: (value: string) => string): string {
  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  switch (rng.int(10)) {
    case 0:
      return `Bearer ${secret(rng.token(40))}`
    case 1:
      return `Bearer ${secret(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'system_operator', exp: now + 600 })}.`)}`
    case 2:
      return `Bearer ${secret(`${b64('{"alg":')}.${b64('[')}.${rng.token(43)}`)}`
    case 3:
      return `Bearer ${secret(`${b64({ alg: 'HS256' })}.${b64({ sub: 'x', role: 'system_operator', exp: now + 600 })}.${rng.token(43)}`)}` // forged
    case 4:
      return `Bearer ${secret(`${b64({ alg: 'RS256', kid: '../../etc/passwd' })}.${b64({ exp: 'soon' })}.${rng.token(300)}`)}`
    case 5:
      return `Bearer ${secret(`${b64({ alg: 'HS256', crit: ['x'] })}.${b64('x'.repeat(5000))}.${rng.token(43)}`)}`
    case 6:
      return `Bearer ${secret(rng.token(20))} ${rng.token(20)}`
    case 7:
      return `bearer\t${secret(`${rng.token(10)}..${rng.token(10)}`)}`
    case 8:
      return `Basic ${Buffer.from(`admin:${secret(rng.token(20))}`).toString('base64')}`
    default:
      return rng.pick(['Bearer', 'Bearer =', 'Bearer ...', 'Token x', ''])
  }
}

/** A `Cookie` header that names no session (random values, odd separators, quotes, huge). */
export function oddCookie(rng: Rng, cookieName: string, secret: (value: string) => string): string {
  switch (rng.int(9)) {
    case 0:
      return `${cookieName}=${secret(rng.token(32))}`
    case 1:
      return `${cookieName.toLowerCase()}="${secret(rng.token(32))}"`
    case 2:
      return `a=b; ${cookieName}=${secret(rng.token(32))}, c=d`
    case 3:
      return `${cookieName}=`
    case 4:
      return `${cookieName}=${'x'.repeat(4000)}`
    case 5:
      return `${cookieName}=${rng.pick(ODD_VALUES)}`
    case 6:
      return `${cookieName}=%00%ff; ${cookieName}=${secret(rng.token(32))}`
    case 7:
      return ';;;,,,==='
    default:
      return `PHPSESSID=${secret(rng.token(26))}`
  }
}
