import t from 'tap'
import { fingerprintOf } from '../../src/export/fingerprint.js'
import { documentFooter, documentHeader, renderOrderDocument } from '../../src/export/order-document.js'
import { toDocumentModel } from '../../src/export/document-model.js'
import type { IntegrationSettings } from '../../src/integration/settings.schema.js'
import type { PlatformOrder } from '../../src/olvery/platform-order.js'
import { customerFixture, itemFixture, orderFixture, paymentFixture, settingsFixture } from '../helpers/export-fixtures.js'

function fingerprint(order: PlatformOrder, settings: IntegrationSettings = settingsFixture()): string {
  return fingerprintOf(renderOrderDocument(toDocumentModel(order, settings)))
}

t.test('the fingerprint is the sha256 hex of the fragment in UTF-8', async (t) => {
  t.equal(fingerprintOf('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  t.equal(fingerprintOf('<Документ/>'), '970672d384e192c004051c5df7ba1835bdbcc190cfd36ac892a9d14837eeab20')
})

t.test('equal orders have equal fingerprints', async (t) => {
  t.equal(fingerprint(orderFixture()), fingerprint(orderFixture()))
})

t.test('any change 1C can see changes the fingerprint', async (t) => {
  const base = fingerprint(orderFixture())
  const changes: Record<string, () => string> = {
    number: () => fingerprint(orderFixture({ number: 'A-000124' })),
    status: () => fingerprint(orderFixture({ status: 'done' })),
    cancelled: () => fingerprint(orderFixture({ status: 'cancelled', cancelledAt: new Date('2025-03-15T00:00:00Z') })),
    'payment refunded': () => fingerprint(orderFixture({ payments: [paymentFixture({ status: 'refunded' })] })),
    'payment number': () => fingerprint(orderFixture({ payments: [paymentFixture({ externalId: 'PAY-OTHER' })] })),
    'line amount': () => fingerprint(orderFixture({ total: '9000.10', items: [itemFixture({ amount: '9000.10' })] })),
    'line name': () => fingerprint(orderFixture({ items: [itemFixture({ name: 'Другая услуга' })] })),
    'buyer e-mail': () => fingerprint(orderFixture({ customer: customerFixture({ email: 'new@example.ru' }) })),
    comment: () => fingerprint(orderFixture({ comment: 'Новый комментарий' })),
    'order updated': () => fingerprint(orderFixture({ updatedAt: new Date('2025-03-14T12:00:00Z') })),
    'payment method setting': () => fingerprint(orderFixture(), settingsFixture({ paymentMethodName: 'СБП' })),
    'time zone setting': () => fingerprint(orderFixture(), settingsFixture({ timezone: 'Asia/Novosibirsk' })),
  }
  for (const [what, changed] of Object.entries(changes)) t.not(changed(), base, what)
})

t.test('a change 1C cannot see (changedAt, a failed attempt) leaves the fingerprint alone', async (t) => {
  const base = fingerprint(orderFixture())
  t.equal(fingerprint(orderFixture({ changedAt: new Date('2026-01-01T00:00:00Z') })), base)
  t.equal(fingerprint(orderFixture({ payments: [paymentFixture({ id: 'f', status: 'failed', paidAt: null, externalId: null }), paymentFixture()] })), base)
})

t.test('the generation time does not enter the fingerprint', async (t) => {
  const fragment = renderOrderDocument(toDocumentModel(orderFixture(), settingsFixture()))
  const documents = ['2025-03-20T09:00:00Z', '2025-04-01T00:00:00Z'].map(
    (at) => documentHeader(new Date(at), 'Europe/Moscow', 'UTF-8', '2.08') + fragment + documentFooter(),
  )
  t.not(documents[0], documents[1])
  const fingerprints = documents.map((doc) => {
    const start = doc.indexOf('  <Документ>')
    return fingerprintOf(doc.slice(start, doc.length - documentFooter().length))
  })
  t.equal(fingerprints[0], fingerprints[1])
  t.equal(fingerprints[0], fingerprintOf(fragment))
})
