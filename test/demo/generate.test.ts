import t from 'tap'
import iconv from 'iconv-lite'
import {
  generateDemoCatalog,
  generateDemoData,
  generateDemoOrderChunks,
  topCKassaSupplier,
} from '../../src/demo/generate.js'
import { DEMO_HARD_CASE_ORDERS } from '../../src/demo/hard-cases.js'
import { DEMO_REFERENCE_DATE } from '../../src/demo/options.js'
import type { DemoData } from '../../src/demo/types.js'
import { byId } from './rows.js'

/*
 * The checks below recompute everything from the rows with their own arithmetic (BigInt kopecks, the ИНН
 * algorithm written out again), so a bug in the generator's helpers cannot hide behind the same helper here.
 */

const data = generateDemoData({ seed: 'tap', orders: 400 })

/** '1234.50' → 123450n; rejects anything that is not the exact text numeric(14,2) would give. */
function kopecks(text: string): bigint {
  if (!/^\d{1,12}\.\d{2}$/.test(text)) throw new Error(`not a money value: ${JSON.stringify(text)}`)
  return BigInt(text.replace('.', ''))
}

function thousandths(text: string): bigint {
  if (!/^\d{1,11}\.\d{3}$/.test(text)) throw new Error(`not a quantity: ${JSON.stringify(text)}`)
  return BigInt(text.replace('.', ''))
}

/** round(a / b) half up for non-negative BigInts. */
const roundDiv = (a: bigint, b: bigint): bigint => (2n * a + b) / (2n * b)

function innIsValid(inn: string): boolean {
  const d = [...inn].map(Number)
  const check = (weights: number[]) => (weights.reduce((sum, w, i) => sum + w * (d[i] ?? NaN), 0) % 11) % 10
  if (/^\d{10}$/.test(inn)) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9]
  if (/^\d{12}$/.test(inn)) {
    return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11]
  }
  return false
}

function itemsByOrder(d: Pick<DemoData, 'order_items'>): Map<string, DemoData['order_items']> {
  const map = new Map<string, DemoData['order_items']>()
  for (const line of d.order_items) map.set(line.order_id, [...(map.get(line.order_id) ?? []), line])
  return map
}

const allText = (d: DemoData): string[] => [
  ...d.companies.flatMap((c) => [c.full_name, c.short_name ?? '']),
  ...d.customers.flatMap((c) => [c.last_name ?? '', c.first_name ?? '', c.middle_name ?? '']),
  ...d.order_items.map((i) => i.name),
  ...d.orders.map((o) => o.comment ?? ''),
]

t.test('every order total is exactly the sum of its line amounts', async (t) => {
  const lines = itemsByOrder(data)
  const wrong = data.orders.filter((order) => {
    const sum = (lines.get(order.id) ?? []).reduce((s, line) => s + kopecks(line.amount), 0n)
    return sum !== kopecks(order.total)
  })
  t.same(wrong.map((o) => o.number), [])
})

t.test('every line amount is round(price × quantity) and vat_amount the VAT it contains', async (t) => {
  const wrong: string[] = []
  for (const line of data.order_items) {
    const amount = kopecks(line.amount)
    if (roundDiv(kopecks(line.price) * thousandths(line.quantity), 1000n) !== amount) wrong.push(`amount ${line.id}`)
    if (kopecks(line.discount) < 0n) wrong.push(`discount ${line.id}`)
    const rate = line.vat_rate === 'none' ? 0n : BigInt(line.vat_rate)
    const vat = rate === 0n ? 0n : roundDiv(amount * rate, 100n + rate)
    if (kopecks(line.vat_amount) !== vat) wrong.push(`vat ${line.id}`)
  }
  t.same(wrong, [])
  t.ok(data.order_items.some((line) => kopecks(line.discount) > 0n), 'some lines carry a discount')
})

t.test('orders have one to five lines numbered from 1', async (t) => {
  const lines = itemsByOrder(data)
  const wrong = data.orders.filter((order) => {
    const numbers = (lines.get(order.id) ?? []).map((line) => line.line_no)
    return numbers.length < 1 || numbers.length > 5 || numbers.some((n, i) => n !== i + 1)
  })
  t.same(wrong.map((o) => o.number), [])
})

t.test('every line and payment belongs to an existing order', async (t) => {
  const orders = byId(data.orders)
  t.same(data.order_items.filter((line) => !orders.has(line.order_id)).map((line) => line.id), [])
  t.same(data.payments.filter((payment) => !orders.has(payment.order_id)).map((payment) => payment.id), [])
})

t.test('every order is sold by a supplier of its location to a customer of its location', async (t) => {
  const locations = byId(data.locations)
  const customers = byId(data.customers)
  const suppliers = byId(data.suppliers)
  const companies = byId(data.companies)
  const wrong = data.orders.filter((order) => {
    const customer = customers.get(order.customer_id)
    const buyerCompany = customer?.company_id ? companies.get(customer.company_id) : null
    return (
      !locations.has(order.location_id) ||
      customer?.location_id !== order.location_id ||
      buyerCompany === undefined ||
      suppliers.get(order.company_id)?.locationId !== order.location_id ||
      companies.get(order.company_id)?.location_id !== order.location_id
    )
  })
  t.same(wrong.map((o) => o.number), [])
  t.ok(data.orders.some((o) => customers.get(o.customer_id)?.company_id), 'some customers buy for a company')
})

t.test('order lines name services of the order’s supplier, or none', async (t) => {
  const services = byId(data.services)
  const orders = byId(data.orders)
  const wrong = data.order_items.filter((line) => {
    if (line.service_id === null) return line.sku !== null
    const service = services.get(line.service_id)
    return service?.company_id !== orders.get(line.order_id)?.company_id || service?.name !== line.name
  })
  t.same(wrong.map((line) => line.id), [])
})

t.test('order numbers are unique per location and at most 11 characters', async (t) => {
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const order of data.orders) {
    const key = `${order.location_id}/${order.number}`
    if (seen.has(key)) duplicates.push(order.number)
    seen.add(key)
  }
  t.same(duplicates, [])
  t.same(data.orders.filter((o) => o.number.length > 11).map((o) => o.number), [])
})

t.test('order numbers grow with creation time within a location', async (t) => {
  const last = new Map<string, { number: string; created: number }>()
  const wrong: string[] = []
  for (const order of [...data.orders].sort((a, b) => a.number.localeCompare(b.number))) {
    const previous = last.get(order.location_id)
    if (previous && previous.created > order.created_at.getTime()) wrong.push(order.number)
    last.set(order.location_id, { number: order.number, created: order.created_at.getTime() })
  }
  t.same(wrong, [])
})

t.test('the same seed and options give identical data, to the byte', async (t) => {
  const again = generateDemoData({ seed: 'tap', orders: 400 })
  t.same(again, data)
  t.equal(JSON.stringify(again), JSON.stringify(data))
})

t.test('a numeric seed and its text give the same data', async (t) => {
  const numeric = generateDemoData({ seed: 7, orders: 20 })
  t.equal(JSON.stringify(numeric), JSON.stringify(generateDemoData({ seed: '7', orders: 20 })))
})

t.test('a different seed gives different data', async (t) => {
  const other = generateDemoData({ seed: 'tap2', orders: 400 })
  t.not(other.orders[0]?.id, data.orders[0]?.id)
  t.not(JSON.stringify(other.orders), JSON.stringify(data.orders))
  t.not(JSON.stringify(other.customers), JSON.stringify(data.customers))
})

t.test('streaming in chunks gives the same orders as generating at once', async (t) => {
  const orders: DemoData['orders'] = []
  const items: DemoData['order_items'] = []
  const payments: DemoData['payments'] = []
  let chunks = 0
  for (const chunk of generateDemoOrderChunks({ seed: 'tap', orders: 400 }, 37)) {
    chunks++
    t.ok(chunk.orders.length <= 37)
    orders.push(...chunk.orders)
    items.push(...chunk.order_items)
    payments.push(...chunk.payments)
  }
  t.equal(chunks, Math.ceil(400 / 37))
  t.same(orders, data.orders)
  t.same(items, data.order_items)
  t.same(payments, data.payments)
  const catalog = generateDemoCatalog({ seed: 'tap', orders: 400 })
  t.same(catalog.companies, data.companies)
  t.same(catalog.customers, data.customers)
})

t.test('ids are unique version 4 UUIDs', async (t) => {
  const tables = [data.locations, data.companies, data.customers, data.services, data.orders, data.order_items]
  const ids = [...tables, data.payments].flat().map((row) => row.id)
  t.equal(new Set(ids).size, ids.length)
  t.same(ids.filter((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), [])
})

t.test('ИНН checksums are valid, КПП has 9 characters for legal entities and is null for sole traders', async (t) => {
  t.ok(innIsValid('7707083893') && innIsValid('500100732259'), 'the checker accepts real ИНН')
  t.notOk(innIsValid('7707083894') || innIsValid('500100732258'), 'the checker rejects a wrong check digit')
  const wrong = data.companies.filter((c) =>
    c.kind === 'legal'
      ? !(c.inn?.length === 10 && innIsValid(c.inn) && /^\d{4}[\dA-Z]{2}\d{3}$/.test(c.kpp ?? ''))
      : !(c.inn?.length === 12 && innIsValid(c.inn) && c.kpp === null),
  )
  t.same(wrong.map((c) => c.full_name), [])
  const inns = data.companies.map((c) => c.inn)
  t.equal(new Set(inns).size, inns.length, 'ИНН are unique')
})

t.test('each location has a managing company and two to four suppliers, legal and sole trader', async (t) => {
  const manyLocations = generateDemoData({ seed: 'tap', orders: 100, locations: 10 })
  for (const location of manyLocations.locations) {
    const suppliers = manyLocations.suppliers.filter((s) => s.locationId === location.id)
    t.ok(suppliers.length >= 2 && suppliers.length <= 4, `${location.name}: ${suppliers.length} suppliers`)
    t.ok(suppliers.some((s) => s.kind === 'legal'), `${location.name}: a legal supplier`)
    t.ok(suppliers.some((s) => s.kind === 'sole_trader'), `${location.name}: a sole trader`)
    const managing = manyLocations.companies.filter(
      (c) => c.location_id === location.id && c.full_name.includes('Управляющая компания'),
    )
    t.equal(managing.length, 1, `${location.name}: a managing company`)
    t.match(location.timezone, /^(Europe|Asia)\/[A-Za-z]+$/)
  }
  t.equal(new Set(manyLocations.locations.map((l) => l.timezone)).size > 5, true, 'several time zones')
})

t.test('customers have E.164 phones and plausible e-mails', async (t) => {
  t.same(data.customers.filter((c) => c.phone !== null && !/^\+79\d{9}$/.test(c.phone)).map((c) => c.phone), [])
  const emails = data.customers.flatMap((c) => (c.email === null ? [] : [c.email]))
  t.same(emails.filter((email) => !/^[a-z0-9.]+@[a-z0-9.]+\.[a-z]+$/.test(email)), [])
})

t.test('money, quantities and rates have the contract’s shapes', async (t) => {
  for (const line of data.order_items) {
    kopecks(line.price)
    kopecks(line.discount)
    t.ok(thousandths(line.quantity) > 0n)
  }
  for (const payment of data.payments) kopecks(payment.amount)
  t.same([...new Set(data.order_items.map((line) => line.vat_rate))].sort(), ['0', '10', '22', 'none'])
  const units = new Set(data.order_items.map((line) => `${line.unit_code} ${line.unit_name}`))
  t.same([...units].sort(), ['166 кг', '356 ч', '796 шт', '876 усл. ед.'])
  t.same([...new Set(data.order_items.map((line) => line.kind))].sort(), ['goods', 'service'])
})

t.test('only cancelled orders have cancelled_at, and timestamps run in order', async (t) => {
  const wrong = data.orders.filter(
    (o) =>
      (o.status === 'cancelled') !== (o.cancelled_at !== null) ||
      o.updated_at < o.created_at ||
      (o.cancelled_at !== null && o.cancelled_at.getTime() !== o.updated_at.getTime()),
  )
  t.same(wrong.map((o) => o.number), [])
  const orders = byId(data.orders)
  const badPayments = data.payments.filter((p) => {
    const order = orders.get(p.order_id)
    const paidEarly = p.paid_at !== null && p.paid_at < p.created_at
    return !order || p.created_at < order.created_at || p.updated_at < p.created_at || paidEarly
  })
  t.same(badPayments.map((p) => p.id), [])
})

t.test('purchased and refunded payments have paid_at and an external id; the others have no paid_at', async (t) => {
  const wrong = data.payments.filter((p) =>
    p.status === 'purchased' || p.status === 'refunded'
      ? p.paid_at === null || p.external_id === null || !/^[0-9a-f-]{10,36}$/.test(p.external_id)
      : p.paid_at !== null,
  )
  t.same(wrong.map((p) => p.id), [])
  const regPayNums = data.payments.flatMap((p) => (p.gateway === 'CKassa' && p.external_id ? [p.external_id] : []))
  t.same(regPayNums.filter((id) => !/^\d{13}$/.test(id)), [], 'CKassa regPayNum are digits')
})

t.test('payments pay the order total, or split it exactly into parts', async (t) => {
  const byOrder = new Map<string, DemoData['payments']>()
  for (const p of data.payments) byOrder.set(p.order_id, [...(byOrder.get(p.order_id) ?? []), p])
  const wrong = data.orders.filter((order) => {
    const payments = byOrder.get(order.id) ?? []
    if (payments.length > 3) return true
    const total = kopecks(order.total)
    const partial = payments.filter((p) => kopecks(p.amount) !== total)
    return partial.length > 0 && partial.reduce((s, p) => s + kopecks(p.amount), 0n) !== total
  })
  t.same(wrong.map((o) => o.number), [])
})

t.test('statuses, gateways and refunds all occur with the hard cases’ minimum order count', async (t) => {
  const small = generateDemoData({ seed: 'tap', orders: 50 })
  t.same([...new Set(small.orders.map((o) => o.status))].sort(), ['cancelled', 'closed', 'done', 'in_progress', 'new'])
  t.same(
    [...new Set(small.payments.map((p) => p.status))].sort(),
    ['authorized', 'cancelled', 'failed', 'pending', 'purchased', 'refunded'],
  )
  t.same([...new Set(small.payments.map((p) => p.gateway))].sort(), ['CKassa', 'SberPay', 'Tinkoff', 'YooKassa'])
  const cancelled = new Set(small.orders.filter((o) => o.status === 'cancelled').map((o) => o.id))
  const refunded = small.payments.filter((p) => p.status === 'refunded')
  t.ok(refunded.some((p) => cancelled.has(p.order_id)), 'a cancelled order was refunded')
  t.ok(refunded.some((p) => !cancelled.has(p.order_id)), 'a kept order had a payment refunded')
  const failed = new Set(small.payments.filter((p) => p.status === 'failed').map((p) => p.order_id))
  const retried = small.payments.filter((p) => p.status === 'purchased' && failed.has(p.order_id))
  t.ok(retried.length > 0, 'a failed attempt was followed by a purchase')
  t.ok(small.orders.some((o) => !small.payments.some((p) => p.order_id === o.id)), 'an order without payments')
  t.ok(small.order_items.some((line) => line.service_id === null), 'a line outside the catalog')
})

t.test('all hard cases are present on orders from 50 orders up', async (t) => {
  for (const seed of ['a', 'b', 'c']) {
    const d = generateDemoData({ seed, orders: Math.max(50, DEMO_HARD_CASE_ORDERS) })
    const customers = byId(d.customers)
    const companies = byId(d.companies)
    const ordered = d.orders.map((o) => customers.get(o.customer_id))
    const buyers = ordered.map((c) => (c?.company_id ? companies.get(c.company_id) : undefined))
    const sellers = d.orders.map((o) => companies.get(o.company_id))
    const comments = d.orders.map((o) => o.comment ?? '')
    const companyNames = [...sellers, ...buyers].map((c) => c?.full_name ?? '')
    const names = [...d.order_items.map((i) => i.name), ...comments, ...companyNames]

    t.ok(names.some((n) => n.includes('"') && n.includes('&')), `${seed}: double quotes and &`)
    t.ok(names.some((n) => n.includes('<') && n.includes('>')), `${seed}: < and >`)
    t.ok([...names, ...ordered.map((c) => c?.last_name ?? '')].some((n) => n.includes("'")), `${seed}: an apostrophe`)
    t.ok(d.order_items.some((i) => i.name.length >= 300), `${seed}: a service name of 300+ characters`)
    t.ok(buyers.some((c) => (c?.full_name.length ?? 0) >= 300), `${seed}: a buyer company name of 300+ characters`)
    t.ok(comments.some((c) => c.includes('😀')) && names.some((n) => n.includes('₽')), `${seed}: emoji and ₽`)
    t.ok(comments.some((c) => c.includes('\u0007') && c.includes('\u000B')), `${seed}: ASCII control characters`)
    const noMiddleName = ordered.some((c) => c?.first_name && c.last_name && c.middle_name === null)
    t.ok(noMiddleName, `${seed}: a buyer without a middle name`)
    t.ok(ordered.some((c) => c?.email === null && c.phone === null), `${seed}: a buyer without e-mail and phone`)
    t.ok(d.order_items.some((i) => !i.quantity.endsWith('0')), `${seed}: a quantity with three decimals`)
    t.ok(d.order_items.some((i) => i.unit_code === '356' && !i.quantity.endsWith('.000')), `${seed}: fractional hours`)
  }
})

t.test('the hard cases include text that windows-1251 cannot encode', async (t) => {
  const lossy = allText(data).filter((text) => iconv.decode(iconv.encode(text, 'win1251'), 'win1251') !== text)
  t.ok(lossy.some((text) => text.includes('₽')), 'the ruble sign')
  t.ok(lossy.some((text) => text.includes('😀')), 'an emoji outside the BMP')
})

t.test('timestamps lie in the history window and never after the reference date', async (t) => {
  const now = new Date(DEMO_REFERENCE_DATE).getTime()
  const start = now - 181 * 86_400_000
  const stamps = [
    ...data.orders.flatMap((o) => [o.created_at, o.updated_at, o.cancelled_at]),
    ...data.payments.flatMap((p) => [p.created_at, p.updated_at, p.paid_at]),
  ].filter((d): d is Date => d !== null)
  t.same(stamps.filter((d) => d.getTime() > now || d.getTime() < start), [])
  t.same(stamps.filter((d) => d.getTime() % 1000 !== 0), [], 'whole seconds')
  const live = generateDemoData({ seed: 'tap', orders: 30, days: 7, now: '2030-01-15T12:00:00Z' })
  t.ok(live.orders.every((o) => o.created_at.getTime() >= Date.parse('2030-01-08T00:00:00Z') - 86_400_000))
  t.ok(live.orders.every((o) => o.updated_at.getTime() <= Date.parse('2030-01-15T12:00:00Z')))
})

t.test('generation does not read the clock', async (t) => {
  const realNow = Date.now
  Date.now = () => {
    throw new Error('the generator read the clock')
  }
  t.teardown(() => {
    Date.now = realNow
  })
  t.equal(JSON.stringify(generateDemoData({ seed: 'tap', orders: 400 })), JSON.stringify(data))
})

t.test('invalid options are rejected with a message naming the option', async (t) => {
  t.throws(() => generateDemoData({ seed: 1, orders: -1 }), /orders must be a whole number/)
  t.throws(() => generateDemoData({ seed: 1, orders: 1.5 }), /orders must be a whole number/)
  t.throws(() => generateDemoData({ seed: 1, orders: 10, locations: 0 }), /locations must be a whole number from 1/)
  t.throws(() => generateDemoData({ seed: 1, orders: 10, locations: 11 }), /locations must be .* from 1 to 10/)
  t.throws(() => generateDemoData({ seed: 1, orders: 10, now: 'yesterday' }), /now must be a date/)
  t.throws(() => generateDemoData({ seed: '', orders: 10 }), /seed must be/)
})

t.test('the supplier summary names the supplier with the most CKassa-purchased orders', async (t) => {
  const companyOf = new Map(data.orders.map((o) => [o.id, o.company_id]))
  const counts = new Map<string, Set<string>>()
  for (const p of data.payments) {
    if (p.gateway !== 'CKassa' || p.status !== 'purchased') continue
    const company = companyOf.get(p.order_id) ?? ''
    counts.set(company, (counts.get(company) ?? new Set()).add(p.order_id))
  }
  for (const supplier of data.suppliers) {
    t.equal(supplier.ckassaPurchasedOrders, counts.get(supplier.id)?.size ?? 0, supplier.fullName)
  }
  const best = Math.max(...[...counts.values()].map((s) => s.size))
  t.equal(topCKassaSupplier(data.suppliers)?.ckassaPurchasedOrders, best)
  t.equal(topCKassaSupplier(generateDemoData({ seed: 'tap', orders: 0 }).suppliers), null)
})
