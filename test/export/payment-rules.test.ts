import t from 'tap'
import {
  derivePaymentFacts,
  formatMoney,
  isPaid,
  matchesPaymentRule,
  matchesPaymentRules,
  parseMoney,
  qualifies,
  sumMoney,
} from '../../src/export/payment-rules.js'
import type { PlatformPayment } from '../../src/olvery/platform-order.js'
import { orderFixture, paymentFixture } from '../helpers/export-fixtures.js'

const rules = [{ status: 'purchased', gateway: 'CKassa' }]

t.test('payment rules match without regard to letter case or surrounding spaces', async (t) => {
  t.ok(matchesPaymentRules({ status: 'purchased', gateway: 'ckassa' }, [{ status: ' PURCHASED ', gateway: 'CKASSA ' }]))
  t.ok(matchesPaymentRules({ status: 'PURCHASED' as PlatformPayment['status'], gateway: ' CKassa' }, rules))
})

t.test('every field a rule gives must match', async (t) => {
  t.notOk(matchesPaymentRule({ status: 'purchased', gateway: 'Sber' }, rules[0]!))
  t.notOk(matchesPaymentRule({ status: 'authorized', gateway: 'CKassa' }, rules[0]!))
})

t.test('a rule that gives only a status matches that status through any gateway', async (t) => {
  t.ok(matchesPaymentRule({ status: 'purchased', gateway: 'Sber' }, { status: 'purchased' }))
  t.notOk(matchesPaymentRule({ status: 'refunded', gateway: 'Sber' }, { status: 'purchased' }))
})

t.test('a rule that gives no field matches nothing', async (t) => {
  t.notOk(matchesPaymentRule({ status: 'purchased', gateway: 'CKassa' }, {}))
  t.notOk(matchesPaymentRule({ status: 'purchased', gateway: 'CKassa' }, { status: '  ' }))
})

t.test('a payment matches the rules when it matches any one of them', async (t) => {
  const two = [{ gateway: 'Sber' }, { status: 'purchased', gateway: 'CKassa' }]
  t.ok(matchesPaymentRules({ status: 'pending', gateway: 'sber' }, two))
  t.ok(matchesPaymentRules({ status: 'purchased', gateway: 'CKassa' }, two))
  t.notOk(matchesPaymentRules({ status: 'pending', gateway: 'CKassa' }, two))
})

t.test('an order qualifies when any of its payments matches any rule', async (t) => {
  const failedThenPaid = orderFixture({ payments: [paymentFixture({ status: 'failed' }), paymentFixture({ id: 'p2', status: 'purchased' })] })
  t.ok(qualifies(failedThenPaid, rules))
  t.notOk(qualifies(orderFixture({ payments: [paymentFixture({ status: 'failed' })] }), rules))
  t.notOk(qualifies(orderFixture({ payments: [] }), rules))
})

t.test('purchased and refunded count as paid; a hold, pending, failed or cancelled payment does not', async (t) => {
  const statuses = ['purchased', 'refunded', 'authorized', 'pending', 'failed', 'cancelled'] as const
  t.same(statuses.map((status) => isPaid({ status })), [true, true, false, false, false, false])
})

t.test('an order with only a hold is not paid', async (t) => {
  const facts = derivePaymentFacts([paymentFixture({ status: 'authorized', paidAt: null })], rules)
  t.same(facts, { paid: false, paymentOfRecord: null, paidAt: null, externalId: null, refund: null })
})

t.test('the payment of record is the latest paid one', async (t) => {
  const first = paymentFixture({ id: 'p1', externalId: 'FIRST', paidAt: new Date('2025-03-14T10:00:00Z') })
  const second = paymentFixture({ id: 'p2', externalId: 'SECOND', paidAt: new Date('2025-03-15T10:00:00Z') })
  const facts = derivePaymentFacts([second, first], rules)
  t.equal(facts.paymentOfRecord?.id, 'p2')
  t.same([facts.paid, facts.externalId, facts.paidAt?.toISOString()], [true, 'SECOND', '2025-03-15T10:00:00.000Z'])
})

t.test('the payment of record goes through a gateway the rules name, even when another paid later', async (t) => {
  const ckassa = paymentFixture({ id: 'ck', externalId: 'CK-1', paidAt: new Date('2025-03-14T10:00:00Z') })
  const other = paymentFixture({ id: 'cash', gateway: 'Cash', externalId: 'CASH-1', paidAt: new Date('2025-03-15T10:00:00Z') })
  t.equal(derivePaymentFacts([ckassa, other], [{ gateway: 'ckassa' }]).paymentOfRecord?.id, 'ck')
  t.equal(derivePaymentFacts([ckassa, other], [{ status: 'purchased' }]).paymentOfRecord?.id, 'cash', 'no gateway named: the latest')
  t.equal(derivePaymentFacts([other], [{ gateway: 'ckassa' }]).paymentOfRecord?.id, 'cash', 'none through it: the latest paid')
})

t.test('a payment still held is preferred as payment of record over a later refunded one', async (t) => {
  const kept = paymentFixture({ id: 'kept', paidAt: new Date('2025-03-14T10:00:00Z') })
  const refunded = paymentFixture({ id: 'back', status: 'refunded', paidAt: new Date('2025-03-14T11:00:00Z') })
  t.equal(derivePaymentFacts([kept, refunded], rules).paymentOfRecord?.id, 'kept')
  t.equal(derivePaymentFacts([refunded], rules).paymentOfRecord?.id, 'back', 'all refunded: still paid, and that one')
})

t.test('a paid payment without paid_at is dated by its last update', async (t) => {
  const facts = derivePaymentFacts([paymentFixture({ paidAt: null, updatedAt: new Date('2025-03-16T08:00:00Z') })], rules)
  t.equal(facts.paidAt?.toISOString(), '2025-03-16T08:00:00.000Z')
})

t.test('a refund keeps the order paid, summing refunded amounts exactly and dating it by the latest refund', async (t) => {
  const facts = derivePaymentFacts(
    [
      paymentFixture({ id: 'a', status: 'refunded', amount: '0.10', updatedAt: new Date('2025-03-20T10:00:00Z') }),
      paymentFixture({ id: 'b', status: 'refunded', amount: '0.20', updatedAt: new Date('2025-03-21T10:00:00Z') }),
      paymentFixture({ id: 'c', status: 'purchased', amount: '100.00' }),
    ],
    rules,
  )
  t.equal(facts.paid, true)
  t.same(facts.refund, { refundedAt: new Date('2025-03-21T10:00:00Z'), amountKopecks: 30n, amount: '0.30' })
})

t.test('money is parsed into exact kopecks and written with 2 decimals', async (t) => {
  t.same(['12000.00', '12000', '0.5', '1.500', '-5.5', '999999999999.99'].map((m) => formatMoney(parseMoney(m))), [
    '12000.00',
    '12000.00',
    '0.50',
    '1.50',
    '-5.50',
    '999999999999.99',
  ])
  t.equal(formatMoney(sumMoney(['0.10', '0.20'])), '0.30')
})

t.test('money that is not a decimal, or needs more than 2 decimals, is rejected', async (t) => {
  for (const bad of ['1.005', 'abc', '', '1e3', '1,50']) t.throws(() => parseMoney(bad), RangeError, JSON.stringify(bad))
})
