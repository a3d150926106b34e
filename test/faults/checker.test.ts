/**
 * The fault campaign's checker (scripts/faults/checker.ts) must be able to fail: crafted histories with a lost order,
 * a duplicate after acknowledgement and an order of another company are reported, and the histories that look alike
 * but are correct (a re-send after a real change, a re-send of an unacknowledged batch, a lost success answer that the
 * journal resolves) are not.
 */
import t from 'tap'
import {
  acknowledged,
  checkCampaign,
  type CheckInput,
  type ExchangeRecord,
  type ExpectedOrder,
  type IntegrationExpectation,
} from '../../scripts/faults/checker.js'

const COMPANY = 'company-a'
const OTHER = 'company-b'

function expectation(orders: ExpectedOrder[], id = 'int-1'): IntegrationExpectation {
  return { integrationId: id, label: id.toUpperCase(), companyId: COMPANY, orders: new Map(orders.map((o) => [o.orderId, o])) }
}

function order(orderId: string, fingerprint: string | null, qualifies = true): ExpectedOrder {
  return { orderId, number: `N-${orderId}`, qualifies, fingerprint }
}

/** A whole exchange: query sent at `at`, its documents, success answered 10 ms later unless said otherwise. */
function exchange(at: number, docs: Array<[string, string]>, success: ExchangeRecord['success'] = 'success', extra: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return {
    integrationId: 'int-1',
    querySentAt: at,
    queryComplete: true,
    documents: docs.map(([orderId, fingerprint]) => ({ orderId, number: `N-${orderId}`, fingerprint })),
    success,
    successAnsweredAt: success === 'success' ? at + 10 : null,
    ...extra,
  }
}

function input(orders: ExpectedOrder[], exchanges: ExchangeRecord[], companies: Record<string, string> = {}): CheckInput {
  const orderCompanies = new Map<string, string>(orders.map((o) => [o.orderId, COMPANY]))
  for (const [id, company] of Object.entries(companies)) orderCompanies.set(id, company)
  return { integrations: [expectation(orders)], orderCompanies, exchanges }
}

t.test('a clean history passes', async (t) => {
  const result = checkCampaign(
    input(
      [order('o1', 'f1b'), order('o2', 'f2'), order('o3', null), order('o4', 'f4', false)],
      [
        exchange(100, [['o1', 'f1a'], ['o2', 'f2']]),
        // o1 changed after it was acknowledged: sending it again is correct.
        exchange(200, [['o1', 'f1b']]),
        exchange(300, []),
      ],
    ),
  )
  t.same(result.lost, [])
  t.same(result.duplicates, [])
  t.same(result.foreign, [])
  t.equal(result.perIntegration[0]!.inScope, 2, 'o3 is not exportable, o4 neither qualifies nor is tracked')
  t.equal(result.perIntegration[0]!.notExportable, 1)
})

t.test('an order 1C never received whole and acknowledged is lost', async (t) => {
  const result = checkCampaign(
    input(
      [order('o1', 'f1'), order('o2', 'f2'), order('o3', 'f3'), order('o4', 'f4')],
      [
        exchange(100, [['o1', 'f1']]),
        // o2: the answer was cut off, so 1C loaded nothing, even though success was (wrongly) answered.
        exchange(200, [['o2', 'f2']], 'success', { queryComplete: false }),
        // o3: success answered failure.
        exchange(300, [['o3', 'f3']], 'failure'),
        // o4: the success answer was lost and the journal says the batch was not acknowledged.
        exchange(400, [['o4', 'f4']], 'no-answer', { ackResolvedByService: false }),
      ],
    ),
  )
  t.same(result.lost.map((l) => [l.orderId, l.holds]), [['o2', 'nothing'], ['o3', 'nothing'], ['o4', 'nothing']])
})

t.test('an order whose last change 1C never got is lost, with what 1C holds', async (t) => {
  const result = checkCampaign(input([order('o1', 'f1-new')], [exchange(100, [['o1', 'f1-old']])], {}))
  t.same(result.lost.map((l) => [l.orderId, l.holds]), [['o1', 'an older document']])
})

t.test('a tracked order that stopped qualifying is still in scope (its refund must reach 1C)', async (t) => {
  const result = checkCampaign(input([order('o1', 'f1-refunded', false)], [exchange(100, [['o1', 'f1-paid']])]))
  t.equal(result.lost.length, 1)
  t.equal(result.lost[0]!.orderId, 'o1')
})

t.test('a lost success answer resolved from the journal as acknowledged counts as delivered', async (t) => {
  const result = checkCampaign(input([order('o1', 'f1')], [exchange(100, [['o1', 'f1']], 'no-answer', { ackResolvedByService: true })]))
  t.same(result.lost, [])
  t.equal(acknowledged(exchange(1, [], 'no-answer', { ackResolvedByService: null })), false, 'unresolved is not acknowledged')
})

t.test('an unchanged order sent again after its acknowledgement is a duplicate', async (t) => {
  const result = checkCampaign(
    input(
      [order('o1', 'f1'), order('o2', 'f2')],
      [
        exchange(100, [['o1', 'f1'], ['o2', 'f2']]),
        exchange(200, [['o1', 'f1']], 'not-sent'), // sent again although acknowledged at 110
      ],
    ),
  )
  t.equal(result.duplicates.length, 1)
  t.match(result.duplicates[0], { orderId: 'o1', fingerprint: 'f1', acknowledgedAt: 110, sentAgainAt: 200 })
  t.same(result.lost, [], 'a duplicate is not a loss')
})

t.test('re-sends that are not duplicates', async (t) => {
  const result = checkCampaign(
    input(
      [order('o1', 'f1'), order('o2', 'f2'), order('o3', 'f3')],
      [
        // o1: the first batch was never acknowledged, so it is sent again.
        exchange(100, [['o1', 'f1']], 'not-sent'),
        exchange(200, [['o1', 'f1']]),
        // o2: two exchanges at once; the second query left before the first success was answered.
        exchange(300, [['o2', 'f2']]),
        exchange(305, [['o2', 'f2']]),
        // o3: its acknowledgement was only resolved from the journal: the client could not know, no claim is made.
        exchange(400, [['o3', 'f3']], 'no-answer', { ackResolvedByService: true }),
        exchange(500, [['o3', 'f3']]),
      ],
    ),
  )
  t.same(result.duplicates, [])
})

t.test('an order of another company, or of no known order, is reported', async (t) => {
  const result = checkCampaign(
    input([order('o1', 'f1')], [exchange(100, [['o1', 'f1'], ['x1', 'fx'], ['ghost', 'fg']], 'not-sent')], { x1: OTHER }),
  )
  t.same(
    result.foreign.map((f) => [f.orderId, f.companyId]),
    [['x1', OTHER], ['ghost', null]],
  )
})

t.test('two integrations of one company keep independent state', async (t) => {
  const orders = [order('o1', 'f1')]
  const result = checkCampaign({
    integrations: [expectation(orders, 'int-1'), expectation(orders, 'int-2')],
    orderCompanies: new Map([['o1', COMPANY]]),
    // Only int-1's 1C acknowledged o1; int-2's acknowledgement must not count for int-1 and vice versa.
    exchanges: [exchange(100, [['o1', 'f1']])],
  })
  t.same(result.lost.map((l) => l.integration), ['INT-2'])
})
