/**
 * The order document: what PROTOCOL.md §9 says tests must check beyond the XSD, and the mapping rules of §5.
 */
import t from 'tap'
import { encodeDocument } from '../helpers/documents.js'
import {
  OrderNotExportableError,
  formatQuantity,
  toDocumentModel,
  type DocumentModel,
  type RequisiteModel,
} from '../../src/export/document-model.js'
import { documentFooter, documentHeader, renderOrderDocument } from '../../src/export/order-document.js'
import { escapeXmlAttribute } from '../../src/export/xml-text.js'
import { wallClock } from '../../src/export/wall-clock.js'
import type { IntegrationSettings } from '../../src/integration/settings.schema.js'
import type { PlatformOrder } from '../../src/olvery/platform-order.js'
import { child, children, documentsOf, linesOf, parseAnswer, requisitesOf, textOf } from '../helpers/commerceml-reader.js'
import { companyFixture, customerFixture, itemFixture, orderFixture, paymentFixture, settingsFixture } from '../helpers/export-fixtures.js'
import { GENERATED_AT, GENERATED_ZONE, scenarios } from '../helpers/export-scenarios.js'

function answer(order: PlatformOrder, settings: IntegrationSettings = settingsFixture()): Buffer {
  const text = documentHeader(GENERATED_AT, GENERATED_ZONE, settings.encoding, '2.08') + renderOrderDocument(toDocumentModel(order, settings)) + documentFooter()
  return encodeDocument(text, settings.encoding, settings.bom)
}

const answers = scenarios.map((scenario) => ({ name: scenario.name, bytes: answer(scenario.order, scenario.settings) }))

function requisites(model: DocumentModel): Map<string, RequisiteModel['Значение']> {
  return new Map(model.ЗначенияРеквизитов.map((r) => [r.Наименование, r.Значение]))
}

function refusal(fn: () => unknown): OrderNotExportableError | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof OrderNotExportableError) return error
    throw error
  }
  return undefined
}

// ------------------------------------------------------------------------------------------------------------------
// PROTOCOL.md §9: checks the XSD cannot make, on every representative answer
// ------------------------------------------------------------------------------------------------------------------

t.test('every answer starts with the bytes <?xml (no BOM, nothing before it)', async (t) => {
  for (const { name, bytes } of answers) t.equal(bytes.subarray(0, 5).toString('latin1'), '<?xml', name)
})

t.test('every document is a «Заказ товара» with Роль Продавец, a 3-letter Валюта and Курс 1', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      t.equal(textOf(doc, 'ХозОперация'), 'Заказ товара', name)
      t.equal(textOf(doc, 'Роль'), 'Продавец', name)
      t.match(textOf(doc, 'Валюта'), /^.{3}$/u, name)
      t.equal(textOf(doc, 'Курс'), '1', name)
    }
  }
})

t.test('Номер is at most 11 characters in every answer', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) t.ok(Array.from(textOf(doc, 'Номер') ?? '').length <= 11, name)
  }
})

t.test('Дата, Время and «Дата оплаты» have the formats 1C parses', async (t) => {
  let paymentDates = 0
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      t.match(textOf(doc, 'Дата'), /^\d{4}-\d{2}-\d{2}$/, `${name} Дата`)
      t.match(textOf(doc, 'Время'), /^\d{2}:\d{2}:\d{2}$/, `${name} Время`)
      const paidOn = requisitesOf(doc).get('Дата оплаты')
      if (paidOn !== undefined) {
        paymentDates++
        t.match(paidOn, /^\d{4}-\d{2}-\d{2}$/, `${name} Дата оплаты`)
      }
    }
  }
  t.ok(paymentDates > 0, 'some answers carry «Дата оплаты»')
})

t.test('date-time requisites are written YYYY-MM-DDTHH:MM:SS', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      const values = requisitesOf(doc)
      t.match(values.get('Дата изменения статуса'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, name)
      if (values.has('Дата отмены заказа')) t.match(values.get('Дата отмены заказа'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, name)
      if (values.has('Дата возврата')) t.match(values.get('Дата возврата'), /^\d{4}-\d{2}-\d{2}$/, name)
    }
  }
})

t.test('every line has an Ид without # and a ТипНоменклатуры of Услуга or Товар', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      for (const line of linesOf(doc)) {
        t.match(textOf(line, 'Ид'), /^[^#]{1,80}$/, name)
        t.match(requisitesOf(line).get('ТипНоменклатуры'), /^(Услуга|Товар)$/, name)
        t.equal(requisitesOf(line).get('ВидНоменклатуры'), requisitesOf(line).get('ТипНоменклатуры'), name)
      }
    }
  }
})

t.test('booleans are lowercase true/false', async (t) => {
  for (const { name, bytes } of answers) {
    const text = bytes.toString('latin1')
    t.notMatch(text, />(TRUE|FALSE|True|False)</, name)
    for (const doc of documentsOf(parseAnswer(bytes))) {
      const values = requisitesOf(doc)
      for (const flag of ['Заказ оплачен', 'Отменен', 'Финальный статус']) t.match(values.get(flag), /^(true|false)$/, `${name} ${flag}`)
    }
  }
})

t.test('money is written with a dot and 2 decimals', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      t.match(textOf(doc, 'Сумма'), /^-?\d+\.\d{2}$/, name)
      for (const line of linesOf(doc)) {
        for (const field of ['ЦенаЗаЕдиницу', 'Сумма']) t.match(textOf(line, field), /^-?\d+\.\d{2}$/, `${name} ${field}`)
      }
    }
  }
})

t.test('document Сумма equals the sum of line Сумма', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      const kopecks = (text: string | undefined) => BigInt((text ?? 'NaN').replace('.', ''))
      const lines = linesOf(doc).reduce((sum, line) => sum + kopecks(textOf(line, 'Сумма')), 0n)
      t.equal(kopecks(textOf(doc, 'Сумма')), lines, name)
    }
  }
})

t.test('VAT Ставка is an integer percent from the platform rates', async (t) => {
  for (const { name, bytes } of answers) {
    for (const doc of documentsOf(parseAnswer(bytes))) {
      for (const line of linesOf(doc)) {
        for (const tax of children(child(line, 'Налоги') ?? line, 'Налог')) t.match(textOf(tax, 'Ставка'), /^(0|5|7|10|20|22)$/, name)
      }
    }
  }
})

t.test('no answer contains a character XML 1.0 forbids or U+FFFD', async (t) => {
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
  for (const { name, bytes } of answers) {
    const encoding = name === 'windows-1251.xml' ? 'windows-1251' : 'UTF-8'
    const text = encoding === 'UTF-8' ? bytes.toString('utf8') : bytes.toString('latin1')
    t.notMatch(text, forbidden, name)
  }
})

// ------------------------------------------------------------------------------------------------------------------
// Identity and refusals
// ------------------------------------------------------------------------------------------------------------------

t.test('a Номер longer than 11 characters is refused with OrderNotExportableError', async (t) => {
  const error = refusal(() => toDocumentModel(orderFixture({ number: 'ABCDEF-12345' }), settingsFixture()))
  t.ok(error, 'refused')
  t.equal(error?.orderNumber, 'ABCDEF-12345')
  t.match(error?.reason, /longer than 11/)
})

t.test('a Номер of exactly 11 characters is accepted', async (t) => {
  t.equal(toDocumentModel(orderFixture({ number: 'ABCDE-12345' }), settingsFixture()).Номер, 'ABCDE-12345')
})

t.test('an order whose total differs from the sum of its lines is refused', async (t) => {
  const error = refusal(() => toDocumentModel(orderFixture({ total: '9000.01' }), settingsFixture()))
  t.match(error?.reason, /9000\.01.*9000\.00/)
})

t.test('an order without lines is refused', async (t) => {
  t.ok(refusal(() => toDocumentModel(orderFixture({ items: [], total: '0.00' }), settingsFixture())))
})

t.test('a line without a positive quantity is refused, because 1C would skip it', async (t) => {
  const order = orderFixture({ items: [itemFixture({ quantity: '0.000' })] })
  t.match(refusal(() => toDocumentModel(order, settingsFixture()))?.reason, /line 1 has quantity/)
})

t.test('an amount with more than 2 decimals is refused, never rounded', async (t) => {
  const order = orderFixture({ items: [itemFixture({ amount: '9000.005' })] })
  t.match(refusal(() => toDocumentModel(order, settingsFixture()))?.reason, /at most 2 decimals/)
})

t.test('Ид, Номер and Валюта come from the order; settings.currency overrides Валюта', async (t) => {
  const order = orderFixture()
  const model = toDocumentModel(order, settingsFixture())
  t.same([model.Ид, model.Номер, model.Валюта], [order.id, order.number, 'RUB'])
  t.equal(toDocumentModel(order, settingsFixture({ currency: 'руб' })).Валюта, 'руб')
})

// ------------------------------------------------------------------------------------------------------------------
// Time zones
// ------------------------------------------------------------------------------------------------------------------

t.test('an order at 2025-03-14T21:30Z in Asia/Novosibirsk is dated 2025-03-15 04:30:00', async (t) => {
  const model = toDocumentModel(orderFixture({ timezone: 'Asia/Novosibirsk', createdAt: new Date('2025-03-14T21:30:00Z') }), settingsFixture())
  t.same([model.Дата, model.Время], ['2025-03-15', '04:30:00'])
})

t.test('settings.timezone overrides the location time zone for every date', async (t) => {
  const order = orderFixture({ timezone: 'Asia/Novosibirsk', createdAt: new Date('2025-03-14T21:30:00Z'), updatedAt: new Date('2025-03-14T21:30:00Z') })
  const model = toDocumentModel(order, settingsFixture({ timezone: 'Europe/Moscow' }))
  t.same([model.Дата, model.Время], ['2025-03-15', '00:30:00'])
  t.equal(requisites(model).get('Дата изменения статуса'), '2025-03-15T00:30:00')
})

t.test('«Дата оплаты» is the payment date in the order time zone', async (t) => {
  const order = orderFixture({ timezone: 'Asia/Vladivostok', payments: [paymentFixture({ paidAt: new Date('2025-03-14T14:30:00Z') })] })
  t.equal(requisites(toDocumentModel(order, settingsFixture())).get('Дата оплаты'), '2025-03-15')
})

t.test('wall-clock midnight is written 00, not 24', async (t) => {
  t.same(wallClock(new Date('2025-03-14T21:00:00Z'), 'Europe/Moscow'), { date: '2025-03-15', time: '00:00:00', dateTime: '2025-03-15T00:00:00' })
})

t.test('ДатаФормирования in the header is wall-clock time in the given zone', async (t) => {
  t.equal(
    documentHeader(new Date('2025-03-14T11:10:00Z'), 'Europe/Moscow', 'UTF-8', '2.08'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="2025-03-14T14:10:00">\n',
  )
})

t.test('an unknown location time zone is refused', async (t) => {
  t.match(refusal(() => toDocumentModel(orderFixture({ timezone: 'Mars/Olympus' }), settingsFixture()))?.reason, /time zone/)
})

// ------------------------------------------------------------------------------------------------------------------
// Buyer (§5.3)
// ------------------------------------------------------------------------------------------------------------------

t.test('a person is sent with ПолноеНаименование «Фамилия Имя Отчество», e-mail, work phone and premises', async (t) => {
  const party = toDocumentModel(orderFixture(), settingsFixture()).Контрагент
  t.same(party, {
    kind: 'person',
    Ид: 'c0a8f0e2-1b2c-4d5e-8f90-123456789abc',
    Наименование: 'Иванов Иван Иванович',
    ПолноеНаименование: 'Иванов Иван Иванович',
    Фамилия: 'Иванов',
    Имя: 'Иван',
    Отчество: 'Иванович',
    Адрес: { Представление: 'Офис 512' },
    Контакты: [
      { Тип: 'Почта', Значение: 'ivanov@example.ru' },
      { Тип: 'Телефон рабочий', Значение: '+79990000000' },
    ],
    Роль: 'Покупатель',
  })
})

t.test('a customer buying for a company is that company as a legal entity with ИНН, КПП and legal address', async (t) => {
  const party = toDocumentModel(orderFixture({ customer: customerFixture({ company: companyFixture() }) }), settingsFixture()).Контрагент
  t.match(party, {
    kind: 'legal',
    Ид: companyFixture().id,
    Наименование: 'ООО «Ромашка»',
    ОфициальноеНаименование: 'Общество с ограниченной ответственностью «Ромашка»',
    ЮридическийАдрес: { Представление: '101000, Москва, ул. Мясницкая, д. 1, офис 15' },
    ИНН: '7701234567',
    КПП: '770101001',
  })
  t.notOk('ПолноеНаименование' in party, 'a legal entity has no ПолноеНаименование')
})

t.test('a sole trader is a person with a 12-digit ИНН and no ОфициальноеНаименование', async (t) => {
  const company = companyFixture({ kind: 'sole_trader', fullName: 'ИП Сидоров П. О.', shortName: null, inn: '540123456789', kpp: null })
  const party = toDocumentModel(orderFixture({ customer: customerFixture({ company }) }), settingsFixture()).Контрагент
  t.match(party, { kind: 'person', Ид: company.id, ПолноеНаименование: 'ИП Сидоров П. О.', ИНН: '540123456789' })
  t.notOk('ОфициальноеНаименование' in party)
})

t.test('an ИНН or КПП without the legal shape is left out', async (t) => {
  const company = companyFixture({ inn: '77-0123', kpp: '7701' })
  const party = toDocumentModel(orderFixture({ customer: customerFixture({ company }) }), settingsFixture()).Контрагент
  t.notOk('ИНН' in party)
  t.notOk('КПП' in party)
})

t.test('a person without a name is named by e-mail, so that buyers never merge into one', async (t) => {
  const customer = customerFixture({ lastName: null, firstName: '  ', middleName: null })
  t.equal(toDocumentModel(orderFixture({ customer }), settingsFixture()).Контрагент.Наименование, 'ivanov@example.ru')
})

// ------------------------------------------------------------------------------------------------------------------
// Lines and taxes (§5.2, §5.4)
// ------------------------------------------------------------------------------------------------------------------

t.test('Количество drops trailing zeros of numeric(14,3)', async (t) => {
  t.same(['2.000', '1.500', '0.250', '10', '007.100'].map(formatQuantity), ['2', '1.5', '0.25', '10', '7.1'])
})

t.test('a line Ид is the service id, else the item id, never containing #', async (t) => {
  const items = [
    itemFixture({ serviceId: 'svc#variant' }),
    itemFixture({ id: 'item-2', lineNo: 2, serviceId: null, amount: '0.01', price: '0.01', quantity: '1' }),
  ]
  const model = toDocumentModel(orderFixture({ items, total: '9000.01' }), settingsFixture())
  t.same(model.Товары.map((line) => line.Ид), ['svc-variant', 'item-2'])
})

t.test('units map OKEI codes; 876 has no international abbreviation and an unknown code only its short name', async (t) => {
  const units = ['796', '876', '356', '839', '12345'].map(
    (unitCode) => toDocumentModel(orderFixture({ items: [itemFixture({ unitCode, unitName: 'x' })] }), settingsFixture()).Товары[0]?.БазоваяЕдиница,
  )
  t.same(units, [
    { Код: '796', НаименованиеПолное: 'Штука', МеждународноеСокращение: 'PCE', Наименование: 'x' },
    { Код: '876', НаименованиеПолное: 'Условная единица', Наименование: 'x' },
    { Код: '356', НаименованиеПолное: 'Час', МеждународноеСокращение: 'HUR', Наименование: 'x' },
    { Код: '839', Наименование: 'x' },
    { Наименование: 'x' },
  ])
})

t.test('a goods line is ВидНоменклатуры and ТипНоменклатуры Товар', async (t) => {
  const line = toDocumentModel(orderFixture({ items: [itemFixture({ kind: 'goods' })] }), settingsFixture()).Товары[0]
  t.same(line?.ЗначенияРеквизитов, [
    { Наименование: 'ВидНоменклатуры', Значение: 'Товар' },
    { Наименование: 'ТипНоменклатуры', Значение: 'Товар' },
  ])
})

t.test('a line without VAT has no tax elements at all', async (t) => {
  const line = toDocumentModel(orderFixture({ items: [itemFixture({ vatRate: 'none', vatAmount: '0.00' })] }), settingsFixture()).Товары[0]
  t.notOk(line && ('СтавкиНалогов' in line || 'Налоги' in line))
})

t.test('a 0 % line carries Ставка 0', async (t) => {
  const line = toDocumentModel(orderFixture({ items: [itemFixture({ vatRate: '0', vatAmount: '0.00' })] }), settingsFixture()).Товары[0]
  t.same(line?.Налоги, [{ Наименование: 'НДС', УчтеноВСумме: true, Сумма: '0.00', Ставка: '0' }])
})

t.test('document Налоги is omitted when no line has VAT', async (t) => {
  const model = toDocumentModel(orderFixture({ items: [itemFixture({ vatRate: 'none', vatAmount: '0.00' })] }), settingsFixture())
  t.notOk('Налоги' in model)
})

t.test('document Налоги sums line VAT exactly and has a Ставка when every line has that rate', async (t) => {
  const items = [
    itemFixture({ amount: '0.10', price: '0.10', quantity: '1', vatAmount: '0.02' }),
    itemFixture({ id: 'i2', lineNo: 2, amount: '0.20', price: '0.20', quantity: '1', vatAmount: '0.03' }),
  ]
  const model = toDocumentModel(orderFixture({ items, total: '0.30' }), settingsFixture())
  t.equal(model.Сумма, '0.30')
  t.same(model.Налоги, [{ Наименование: 'НДС', УчтеноВСумме: true, Сумма: '0.05', Ставка: '20' }])
})

t.test('document Налоги has no Ставка when lines differ in rate, a line without VAT included', async (t) => {
  for (const other of ['10', 'none'] as const) {
    const items = [itemFixture(), itemFixture({ id: 'i2', lineNo: 2, amount: '100.00', price: '100.00', quantity: '1', vatRate: other, vatAmount: other === 'none' ? '0.00' : '9.09' })]
    const model = toDocumentModel(orderFixture({ items, total: '9100.00' }), settingsFixture())
    t.notOk(model.Налоги?.[0] && 'Ставка' in model.Налоги[0], `20 and ${other}`)
  }
})

t.test('a line discount is sent only when positive, with УчтеноВСумме true', async (t) => {
  const withDiscount = toDocumentModel(orderFixture({ items: [itemFixture({ discount: '1000.00' })] }), settingsFixture()).Товары[0]
  const without = toDocumentModel(orderFixture({ items: [itemFixture({ discount: '0.00' })] }), settingsFixture()).Товары[0]
  t.same(withDiscount?.Скидки, [{ Наименование: 'Скидка на товар', Сумма: '1000.00', УчтеноВСумме: true }])
  t.notOk(without && 'Скидки' in without)
})

t.test('names longer than the XSD allows are cut to 255 characters', async (t) => {
  const model = toDocumentModel(orderFixture({ items: [itemFixture({ name: 'я'.repeat(300) })] }), settingsFixture())
  t.equal(Array.from(model.Товары[0]?.Наименование ?? '').length, 255)
})

// ------------------------------------------------------------------------------------------------------------------
// Requisites (§5.5–§5.7)
// ------------------------------------------------------------------------------------------------------------------

t.test('«Метод оплаты» is the configured name and «Метод оплаты ИД» appears only when configured', async (t) => {
  const withId = requisites(toDocumentModel(orderFixture(), settingsFixture()))
  const withoutId = requisites(toDocumentModel(orderFixture(), settingsFixture({ paymentMethodId: null })))
  t.equal(withId.get('Метод оплаты'), 'Оплата картой внешняя')
  t.equal(withId.get('Метод оплаты ИД'), 'card_online')
  t.notOk(withoutId.has('Метод оплаты ИД'))
})

t.test('a purchased payment makes the order paid, with its date and gateway number', async (t) => {
  const values = requisites(toDocumentModel(orderFixture(), settingsFixture()))
  t.same([values.get('Заказ оплачен'), values.get('Дата оплаты'), values.get('Номер платежного документа')], [true, '2025-03-14', 'PAY-7F3A91C2'])
})

t.test('an authorised payment (a hold) is not paid and has no payment date', async (t) => {
  const order = orderFixture({ payments: [paymentFixture({ status: 'authorized', paidAt: null })] })
  const values = requisites(toDocumentModel(order, settingsFixture()))
  t.equal(values.get('Заказ оплачен'), false)
  t.notOk(values.has('Дата оплаты'))
  t.notOk(values.has('Номер платежного документа'))
})

t.test('a refund keeps «Заказ оплачен» true and adds «Возврат оплаты», «Дата возврата» and «Сумма возврата»', async (t) => {
  const order = orderFixture({ payments: [paymentFixture({ status: 'refunded', updatedAt: new Date('2025-03-20T21:30:00Z') })] })
  const values = requisites(toDocumentModel(order, settingsFixture()))
  t.same(
    ['Заказ оплачен', 'Возврат оплаты', 'Дата возврата', 'Сумма возврата'].map((name) => values.get(name)),
    [true, true, '2025-03-21', '9000.00'],
  )
})

t.test('without a refund there is no refund requisite', async (t) => {
  const values = requisites(toDocumentModel(orderFixture(), settingsFixture()))
  t.notOk(values.has('Возврат оплаты') || values.has('Дата возврата') || values.has('Сумма возврата'))
})

t.test('order statuses map to stable codes, with «Финальный статус» for done, closed and cancelled', async (t) => {
  const expected = {
    new: ['[N] Принят', 'N', false],
    in_progress: ['[W] В работе', 'W', false],
    done: ['[D] Выполнен', 'D', true],
    closed: ['[F] Закрыт', 'F', true],
    cancelled: ['[C] Отменен', 'C', true],
  } as const
  for (const [status, values] of Object.entries(expected)) {
    const model = toDocumentModel(orderFixture({ status: status as PlatformOrder['status'] }), settingsFixture())
    const got = requisites(model)
    t.same([got.get('Статус заказа'), got.get('Статуса заказа ИД'), got.get('Финальный статус')], values, status)
  }
})

t.test('a cancelled order has «Отменен» true and «Дата отмены заказа»; others «Отменен» false', async (t) => {
  const cancelled = requisites(toDocumentModel(orderFixture({ status: 'cancelled', cancelledAt: new Date('2025-03-15T09:30:00Z') }), settingsFixture()))
  const open = requisites(toDocumentModel(orderFixture(), settingsFixture()))
  t.same([cancelled.get('Отменен'), cancelled.get('Дата отмены заказа')], [true, '2025-03-15T12:30:00'])
  t.same([open.get('Отменен'), open.has('Дата отмены заказа')], [false, false])
})

t.test('«Комментарии покупателя» carries the customer comment, and is absent without one', async (t) => {
  t.equal(requisites(toDocumentModel(orderFixture({ comment: '  Позвонить  ' }), settingsFixture())).get('Комментарии покупателя'), 'Позвонить')
  t.notOk(requisites(toDocumentModel(orderFixture({ comment: '   ' }), settingsFixture())).has('Комментарии покупателя'))
})

// ------------------------------------------------------------------------------------------------------------------
// Text escaping (§4)
// ------------------------------------------------------------------------------------------------------------------

t.test('attribute values escape &, <, > and double quotes, and drop forbidden characters', async (t) => {
  t.equal(escapeXmlAttribute('a"b&c<d>e\u0001\uFFFD'), 'a&quot;b&amp;c&lt;d&gt;e')
})

t.test('text is escaped and stripped of forbidden characters wherever it appears', async (t) => {
  const order = orderFixture({ comment: 'a & b <c> "d" \u0000\u001F\uFFFE\uDC00 e', customer: customerFixture({ lastName: 'Ли\u0008' }) })
  const fragment = renderOrderDocument(toDocumentModel(order, settingsFixture()))
  t.match(fragment, '<Значение>a &amp; b &lt;c&gt; "d"  e</Значение>')
  t.match(fragment, '<Фамилия>Ли</Фамилия>')
})

t.test('a model value with forbidden characters is cleaned by the renderer too', async (t) => {
  const model = toDocumentModel(orderFixture(), settingsFixture())
  const fragment = renderOrderDocument({ ...model, Комментарий: 'x\u0001\uFFFDy & z' })
  t.match(fragment, '<Комментарий>xy &amp; z</Комментарий>')
})
