/**
 * The console's wording, without a browser: the answer to "did 1C get A-123?" for each state an order can be in,
 * the settings check as the administrator types, the chart's day counts, and the list's warning and pending count.
 */
import t from 'tap'
import type { components } from '../../src/console/web/generated/openapi.types.js'
import { actorWords, changeWords } from '../../src/console/web/audit-words.js'
import { failingWarning, pendingWords, queriesSinceSuccess } from '../../src/console/web/integration-state.js'
import { formatPeriod } from '../../src/console/web/format.js'
import { dailyTotals } from '../../src/console/web/journal-days.js'
import { describeDelivery, formatWallClock } from '../../src/console/web/order-words.js'
import { checkSettingsText } from '../../src/console/web/settings-check.js'

type Status = components['schemas']['OrderDeliveryStatus']
type Integration = components['schemas']['Integration']
type Batch = components['schemas']['Batch']

const status = (overrides: Partial<Status> = {}): Status => ({
  orderId: '7d1e9b52-3c4a-4f0e-8b6d-1a2c3e4f5a6b',
  number: 'A-123',
  inScope: true,
  reason: 'qualifies',
  matchedRule: { status: 'purchased', gateway: 'CKassa' },
  payments: [{ id: '0f5e2c1a-7d3f-4e8a-9c61-2f4d6b8a1e30', gateway: 'CKassa', status: 'purchased', amount: '1200.00', paidAt: '2026-03-10T11:00:00.000Z', matchesRules: true }],
  currentFingerprint: 'f2',
  notExportable: null,
  lastSent: null,
  lastAcknowledged: null,
  pending: true,
  unacknowledgedServes: 0,
  isolated: false,
  excluded: null,
  reportedBy1C: null,
  ...overrides,
})
const sent = (batchId: number, fingerprint: string) => ({ batchId, at: '2026-03-10T12:00:00.000Z', fingerprint })

t.test('"did 1C get A-123?" in plain words, for every state of the order', async (t) => {
  const cases: Array<[string, Partial<Status>, RegExp, string]> = [
    ['acknowledged, unchanged', { lastSent: sent(4, 'f2'), lastAcknowledged: sent(4, 'f2'), pending: false }, /^Да, 1С получила заказ A-123 и подтвердила загрузку .*\(пакет № 4\)\. С тех пор заказ не менялся\.$/, 'ok'],
    ['acknowledged, changed, sent again', { lastSent: sent(6, 'f2'), lastAcknowledged: sent(4, 'f1') }, /но потом заказ изменился: новая версия отправлена .*\(пакет № 6\), 1С ещё не подтвердила её загрузку/, 'wait'],
    ['acknowledged, changed, not sent yet', { lastSent: sent(4, 'f1'), lastAcknowledged: sent(4, 'f1') }, /но потом заказ изменился: новая версия уйдёт в 1С при следующем обмене\.$/, 'wait'],
    ['re-export cleared the acknowledgement', { lastSent: sent(4, 'f2'), lastAcknowledged: { batchId: 4, at: '2026-03-10T12:00:00.000Z', fingerprint: null } }, /^Заказ A-123 поставлен на повторную выгрузку/, 'wait'],
    ['sent, never acknowledged', { lastSent: sent(5, 'f2') }, /^Заказ A-123 отправлен в 1С .*\(пакет № 5\), но 1С ещё не подтвердила его загрузку\.$/, 'wait'],
    ['never sent', {}, /^Нет, 1С ещё не получала заказ A-123: он уйдёт при следующем обмене\.$/, 'wait'],
    ['no payment matches', { inScope: false, reason: 'no matching payment', matchedRule: null, pending: false }, /^Нет: заказ A-123 не попадает в выгрузку/, 'info'],
    ['excluded', { inScope: false, reason: 'excluded', pending: false, excluded: { at: '2026-03-11T09:00:00.000Z', by: 'ivanova@example.ru', reason: 'дубль' } }, /^Заказ A-123 исключён из выгрузки администратором ivanova@example\.ru .*: дубль\. Пока он исключён, 1С его не получит/, 'info'],
    ['cannot be sent', { notExportable: 'Номер is longer than 11 characters', currentFingerprint: null }, /^Заказ A-123 нельзя отправить в 1С: Номер is longer than 11 characters$/, 'warn'],
  ]
  for (const [name, overrides, headline, tone] of cases) {
    const words = describeDelivery(status(overrides))
    t.match(words.headline, headline, name)
    t.equal(words.tone, tone, `${name}: tone`)
  }
})

t.test('the details say why: the rule, each payment, poison suspicion, tracking, what 1C reported', async (t) => {
  const words = describeDelivery(
    status({
      reason: 'tracked',
      matchedRule: null,
      unacknowledgedServes: 4,
      payments: [{ id: '0f5e2c1a-7d3f-4e8a-9c61-2f4d6b8a1e30', gateway: 'CKassa', status: 'refunded', amount: '1200.00', paidAt: null, matchesRules: false }],
      reportedBy1C: {
        number1c: 'ТД00-000123', date1c: '2026-03-10T14:31:07', posted: true, deletionMark: false, cancelled: null,
        paymentNumber1c: 'ЭК-55', paymentDate1c: '2026-03-10T14:35:00', shipmentNumber1c: null, shipmentDate1c: null,
        onecId: null, onecNumber: 'A-123', requisites: {}, reportedAt: '2026-03-10T15:00:00.000Z', uploadId: null,
        filename: 'orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml', documentIndex: 1,
      },
    }),
  )
  const text = words.details.join('\n')
  t.match(text, /Заказ отправлен 4 раза без подтверждения: похоже, 1С не может его загрузить\./)
  t.match(text, /больше нет, но 1С уже получала этот заказ/)
  t.match(text, /Платёж 1200\.00 через CKassa, статус «refunded»: не подходит под правила\./)
  t.match(text, /1С сообщила о заказе: заказ покупателя № ТД00-000123 от 10\.03\.2026 14:31, проведён, оплата № ЭК-55 от 10\.03\.2026 14:35 \(файл orders-5b0c2f8e/)
  t.notMatch(text, /Подходит под правило/, 'no rule matched')
  t.match(describeDelivery(status({ isolated: true, unacknowledgedServes: 9 })).details[0], /отправляется отдельно от других/, 'isolated says more than the count')
  t.equal(formatWallClock('2026-03-10'), '10.03.2026')
})

t.test('the audit trail in plain words: who, and what each action changed', async (t) => {
  t.equal(actorWords({ sub: 'ivanova@example.ru', role: 'location_admin' }), 'ivanova@example.ru (администратор локации)')
  t.equal(actorWords({ sub: 'root@ops', role: 'cli' }), 'root@ops (команда npm run integrations)')
  t.equal(actorWords({ sub: 'x', role: 'auditor' }), 'x (auditor)', 'a role it does not know is shown as it is')
  const settings = { from: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Карта' }, to: { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'Эквайринг', bom: true } }
  t.same(changeWords({ action: 'update', changes: { name: { from: 'А', to: 'Б' }, settings } }), [
    'Наименование: «А» → «Б».',
    'Настройки, bom: не задано → true',
    'Настройки, paymentmethod_name: "Карта" → "Эквайринг"',
  ], 'only the keys that changed')
  t.same(changeWords({ action: 'rotate_credentials', changes: { login: { from: 'a', to: 'b' }, revokedSessions: 2 } }), [
    'Выдан новый пароль 1С, старый перестал действовать.',
    'Логин 1С: «a» → «b».',
    'Прервано сеансов обмена 1С: 2.',
  ])
  t.same(changeWords({ action: 'reexport', changes: { from: null, orderIds: ['x', 'y'], cleared: 1 } }), ['Отправить заново: 2 заказа по списку; снова ждут отправки: 1.'])
  t.same(changeWords({ action: 'acknowledge', changes: { batchId: 42, orderCount: 5 } }), ['Пакет № 42 (5 заказов) подтверждён вручную: заказы считаются доставленными, как после success 1С.'])
  t.same(changeWords({ action: 'exclude', changes: { number: 'A-1', reason: 'Дубль', previousReason: 'Тест' } }), ['Заказ A-1 исключён из выгрузки. Причина: «Дубль». Прежняя причина: «Тест».'])
  t.match(changeWords({ action: 'include', changes: { number: 'A-1', exclusion: { at: '2026-03-11T09:00:00.000Z', by: 'ivanova', reason: 'Дубль' } } })[0], /^Заказ A-1 снова выгружается в 1С\. Был исключён .*, ivanova: «Дубль»\.$/)
})

t.test('the settings check as typed: JSON, quotes, and the schema of openapi.yaml with JSON paths', async (t) => {
  const valid = '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'
  t.same(checkSettingsText(valid), { problems: [], typographicQuotes: false })
  t.same(checkSettingsText(valid.replace('Оплата картой внешняя', 'Оплата «картой»')), { problems: [], typographicQuotes: false }, '«» inside a valid string is fine')
  t.same(checkSettingsText(valid.replace(/"/g, '“')), { problems: [], typographicQuotes: true }, 'the hint alone says it all')
  t.match(checkSettingsText('{"paymentrules":[}').problems, [{ path: '', message: /^Это не JSON/ }])
  t.match(checkSettingsText('  ').problems, [{ path: '', message: /^Введите настройки/ }])
  t.match(checkSettingsText('[1]').problems, [{ path: '', message: /JSON-объектом/ }])
  const problems = (text: string) => checkSettingsText(text).problems.map((p) => `${p.path}: ${p.message}`)
  t.same(problems('{"paymentrules":[],"paymentmethod_name":""}'), [
    'paymentrules: нужно хотя бы одно правило, например {"status":"purchased","gateway":"CKassa"}',
    'paymentmethod_name: не должно быть пустым',
  ])
  t.same(problems('{"paymentrules":[{"gateway":5},{}],"batch_size":0,"encodin":"UTF-8","currency":"рубль","export_from":"2026-02-30","timezone":"Mars/Base","encoding":"koi8-r","bom":"да"}'), [
    'paymentmethod_name: обязательная настройка: её нет',
    'paymentrules[0].gateway: должно быть строкой в кавычках',
    'paymentrules[1]: должно содержать "status", "gateway" или оба, например {"status":"purchased","gateway":"CKassa"}',
    'batch_size: должно быть от 1 до 50000',
    'encodin: такой настройки нет: проверьте написание',
    'currency: должно состоять ровно из 3 символов',
    'export_from: должно быть датой в виде ГГГГ-ММ-ДД, например "2026-03-01"',
    'timezone: должно быть часовым поясом IANA, например "Europe/Moscow"',
    'encoding: должно быть одним из значений: "UTF-8", "windows-1251"',
    'bom: должно быть true или false',
  ])
  t.same(problems('{"paymentrules":[{"status":null,"gateway":"CKassa"}],"paymentmethod_name":"x","paymentmethod_id":"код 1","encoding":null}'), [
    'paymentmethod_id: может содержать только латинские буквы, цифры и знаки «_», «.», «-»',
  ])
  const refused = checkSettingsText('{"paymentrules":"«все»","paymentmethod_name":"x"}')
  t.ok(refused.typographicQuotes, 'quotes in a refused text get the hint too')
})

t.test('the chart counts exchanges, acknowledged ones and orders per day of the time zone', async (t) => {
  const now = new Date('2026-03-14T10:00:00Z')
  const batches = [
    { createdAt: '2026-03-14T09:00:00Z', orderCount: 3, acknowledged: true },
    { createdAt: '2026-03-13T21:30:00Z', orderCount: 2, acknowledged: false }, // 00:30 on the 14th in Moscow
    { createdAt: '2026-03-13T12:00:00Z', orderCount: 5, acknowledged: true },
    { createdAt: '2026-02-01T12:00:00Z', orderCount: 100, acknowledged: true }, // before the window
  ]
  const days = dailyTotals(batches, { days: 28, now, timeZone: 'Europe/Moscow' })
  t.equal(days.length, 28)
  t.equal(days[0]!.day, '2026-02-15')
  t.same(days.slice(-2), [
    { day: '2026-03-13', exchanges: 1, acknowledged: 1, orders: 5 },
    { day: '2026-03-14', exchanges: 2, acknowledged: 1, orders: 5 },
  ])
  t.equal(days.reduce((n, d) => n + d.orders, 0), 10, 'the batch of February is left out')
  t.equal(dailyTotals(batches, { days: 28, now, timeZone: 'UTC' }).at(-2)!.exchanges, 2, 'in UTC the late batch is on the 13th')
})

t.test('the warning needs 3 queries in a row without success from an enabled integration', async (t) => {
  const integration = { archivedAt: null, enabled: true, lastQueryAt: '2026-03-14T10:00:00.000Z', lastSuccessAt: '2026-03-13T10:00:00.000Z' } as Integration
  const batch = (acknowledged: boolean) => ({ acknowledged }) as Batch
  t.equal(queriesSinceSuccess([batch(false), batch(false), batch(true)]), 2)
  t.equal(failingWarning(integration, [batch(false), batch(false), batch(true)]), null, 'two: a load may be in progress')
  t.match(failingWarning(integration, [batch(false), batch(false), batch(false)]), /3 и более запросов подряд без success \(с последнего подтверждения\)/)
  t.match(failingWarning({ ...integration, lastSuccessAt: null }, [batch(false), batch(false), batch(false)]), /ни разу не подтвердив/)
  t.equal(failingWarning({ ...integration, enabled: false }, [batch(false), batch(false), batch(false)]), null, 'a switched-off integration is not alerted')
  t.equal(failingWarning({ ...integration, lastSuccessAt: '2026-03-14T10:00:01.000Z' }, [batch(false), batch(false), batch(false)]), null, 'a success after the last query')
})

t.test('the orders waiting: none, a count, or more than a batch', async (t) => {
  const preview = (orderCount: number, leftOut: number) => ({ orderCount, leftOut }) as components['schemas']['Preview']
  t.equal(pendingWords(preview(0, 0), 500), 'нет')
  t.equal(pendingWords(preview(2, 0), 500), '2 заказа')
  t.equal(pendingWords(preview(21, 0), 500), '21 заказ')
  t.equal(pendingWords(preview(3, 2), 5), '5 заказов')
  t.equal(pendingWords(preview(5, 1), 5), 'больше 5 заказов', 'the preview counts one past the batch size at most')
})

t.test('a retention period in days, hours or minutes, never «0 мин»', async (t) => {
  t.equal(formatPeriod(7 * 86_400), '7 дн.')
  t.equal(formatPeriod(86_400), '1 дн.')
  t.equal(formatPeriod(12 * 3600), '12 ч')
  t.equal(formatPeriod(30 * 60), '30 мин')
  t.equal(formatPeriod(3), '1 мин', 'a period of seconds (the fault campaign sets 3 s) still names a unit')
})
