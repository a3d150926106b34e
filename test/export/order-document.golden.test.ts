/**
 * Golden output, compared byte for byte, and validated against 1C's XSD with the namespace injected (PROTOCOL.md §9).
 * One golden file per scenario in the 2.08 layout, and cml31-container.xml for the 3.1 layout (PROTOCOL.md §5.9), whose
 * `Документ`s are validated against the 2.08 XSD (there is no 3.1 XSD at hand) and compared with the 2.08 ones.
 * Regenerate with `UPDATE_GOLDEN=1 npx tap test/export/` and review the diff like code.
 */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { documentFooter, documentHeader, renderOrderDocument, renderOrderEntry } from '../../src/export/order-document.js'
import { toDocumentModel, type DocumentModel } from '../../src/export/document-model.js'
import { checkAnswer } from '../helpers/answer-check.js'
import { documentsIn, layoutProblems, parseAnswer, type XmlElement } from '../helpers/commerceml-reader.js'
import { documentBytes, encodeDocument } from '../helpers/documents.js'
import { readGolden } from '../helpers/golden.js'
import { GENERATED_AT, GENERATED_ZONE, scenarios } from '../helpers/export-scenarios.js'
import { validateCommerceML, validateCommerceML31Documents } from '../helpers/xml-validate.js'

const exampleUrl = new URL('../../../shared/commerceml/examples/order-service-card.xml', import.meta.url)

const serviceLine = (fields: { Ид: string; Артикул: string; Наименование: string; ЦенаЗаЕдиницу: string; Количество: string; Сумма: string; НДС: string }) => ({
  Ид: fields.Ид,
  Артикул: fields.Артикул,
  Наименование: fields.Наименование,
  БазоваяЕдиница: { Код: '796', НаименованиеПолное: 'Штука', МеждународноеСокращение: 'PCE', Наименование: 'шт' },
  СтавкиНалогов: [{ Наименование: 'НДС', Ставка: '20' }],
  ЗначенияРеквизитов: [
    { Наименование: 'ВидНоменклатуры', Значение: 'Услуга' },
    { Наименование: 'ТипНоменклатуры', Значение: 'Услуга' },
  ],
  ЦенаЗаЕдиницу: fields.ЦенаЗаЕдиницу,
  Количество: fields.Количество,
  Сумма: fields.Сумма,
  Налоги: [{ Наименование: 'НДС', УчтеноВСумме: true, Сумма: fields.НДС, Ставка: '20' }],
})

/** The content of examples/order-service-card.xml as a model. */
const exampleModel: DocumentModel = {
  Ид: '5f0c7a3e-2b1d-4c8e-9a61-0d3b7e2f1a44',
  Номер: 'A-000123',
  Дата: '2025-03-14',
  ХозОперация: 'Заказ товара',
  Роль: 'Продавец',
  Валюта: 'RUB',
  Курс: '1',
  Сумма: '12000.00',
  Контрагент: {
    kind: 'person',
    Ид: 'c0a8f0e2-1b2c-4d5e-8f90-123456789abc',
    Наименование: 'Иванов Иван Иванович',
    ПолноеНаименование: 'Иванов Иван Иванович',
    Фамилия: 'Иванов',
    Имя: 'Иван',
    Отчество: 'Иванович',
    Адрес: {
      Представление: 'Россия, 101000, Москва, ул. Мясницкая, д. 1, кв. 1',
      АдресноеПоле: [
        { Тип: 'Почтовый индекс', Значение: '101000' },
        { Тип: 'Страна', Значение: 'Россия' },
        { Тип: 'Город', Значение: 'Москва' },
      ],
    },
    Контакты: [
      { Тип: 'Почта', Значение: 'ivanov@example.ru' },
      { Тип: 'Телефон рабочий', Значение: '+79990000000' },
    ],
    Роль: 'Покупатель',
  },
  Время: '14:05:09',
  Комментарий: 'Оплачен банковской картой онлайн',
  Налоги: [{ Наименование: 'НДС', УчтеноВСумме: true, Сумма: '2000.00', Ставка: '20' }],
  Товары: [
    {
      ...serviceLine({
        Ид: 'svc-law-consult-1h',
        Артикул: 'SVC-LAW-1H',
        Наименование: 'Консультация юриста (1 час)',
        ЦенаЗаЕдиницу: '4500.00',
        Количество: '2',
        Сумма: '9000.00',
        НДС: '1500.00',
      }),
      Скидки: [{ Наименование: 'Скидка на товар', Сумма: '1000.00', УчтеноВСумме: true }],
    },
    serviceLine({
      Ид: 'svc-contract-draft',
      Артикул: 'SVC-CONTRACT',
      Наименование: 'Подготовка договора',
      ЦенаЗаЕдиницу: '3000.00',
      Количество: '1',
      Сумма: '3000.00',
      НДС: '500.00',
    }),
  ],
  ЗначенияРеквизитов: [
    { Наименование: 'Метод оплаты', Значение: 'Банковская карта (онлайн)' },
    { Наименование: 'Метод оплаты ИД', Значение: 'card_online' },
    { Наименование: 'Заказ оплачен', Значение: true },
    { Наименование: 'Дата оплаты', Значение: '2025-03-14' },
    { Наименование: 'Номер платежного документа', Значение: 'PAY-7F3A91C2' },
    { Наименование: 'Доставка разрешена', Значение: false },
    { Наименование: 'Отменен', Значение: false },
    { Наименование: 'Финальный статус', Значение: false },
    { Наименование: 'Статус заказа', Значение: '[P] Оплачен' },
    { Наименование: 'Статуса заказа ИД', Значение: 'P' },
    { Наименование: 'Дата изменения статуса', Значение: '2025-03-14T14:06:30' },
    { Наименование: 'Сайт', Значение: '[s1] Онлайн-сервис' },
    { Наименование: 'Комментарии покупателя', Значение: 'Прошу связаться после 18:00' },
  ],
}

t.test('the model of examples/order-service-card.xml renders that file byte for byte', async (t) => {
  const expected = await readFile(exampleUrl)
  const text = documentHeader(new Date('2025-03-14T11:10:00Z'), 'Europe/Moscow', 'UTF-8', '2.08') + renderOrderDocument(exampleModel) + documentFooter()
  const actual = encodeDocument(text, 'UTF-8', false)
  t.equal(actual.toString('utf8'), expected.toString('utf8'))
  t.ok(actual.equals(expected), 'same bytes')
})

t.test('the rendered example validates against the CommerceML 2.08 XSD', async (t) => {
  const text = documentHeader(new Date('2025-03-14T11:10:00Z'), 'Europe/Moscow', 'UTF-8', '2.08') + renderOrderDocument(exampleModel) + documentFooter()
  const result = await validateCommerceML(text, '2.08')
  t.same(result, { valid: true, errors: [] })
})

/** The bytes of the `query` answer carrying one scenario's order. */
function answerFor(scenario: (typeof scenarios)[number]): Buffer {
  const { settings } = scenario
  const fragment = renderOrderDocument(toDocumentModel(scenario.order, settings))
  return documentBytes([fragment], { generatedAt: GENERATED_AT, timezone: GENERATED_ZONE, encoding: settings.encoding, bom: settings.bom })
}

for (const scenario of scenarios) {
  t.test(`golden ${scenario.name} (${scenario.about}) is reproduced byte for byte`, async (t) => {
    const actual = answerFor(scenario)
    const expected = await readGolden(scenario.name, actual)
    t.equal(actual.toString('latin1'), expected.toString('latin1'))
    t.ok(actual.equals(expected), 'same bytes')
  })

  for (const version of ['2.08', '2.10'] as const) {
    t.test(`golden ${scenario.name} validates against the CommerceML ${version} XSD`, async (t) => {
      const result = await validateCommerceML(await readGolden(scenario.name, answerFor(scenario)), version)
      t.same(result, { valid: true, errors: [] })
    })
  }
}

t.test('golden empty.xml (the answer with nothing pending) is reproduced byte for byte and validates', async (t) => {
  const actual = documentBytes([], { generatedAt: GENERATED_AT, timezone: GENERATED_ZONE, encoding: 'UTF-8' })
  const expected = await readGolden('empty.xml', actual)
  t.ok(actual.equals(expected), 'same bytes')
  t.same(await validateCommerceML(expected), { valid: true, errors: [] })
})

t.test('the validator rejects a document that breaks the XSD (so a pass means something)', async (t) => {
  const text = documentHeader(GENERATED_AT, GENERATED_ZONE, 'UTF-8', '2.08') +
    renderOrderDocument({ ...exampleModel, Валюта: 'руб.' }) +
    documentFooter()
  const result = await validateCommerceML(text)
  t.equal(result.valid, false)
  t.match(result.errors.join('\n'), /Валюта/)
})

// --- CommerceML 3.1 ------------------------------------------------------------------------------------------------

/** The orders of cml31-container.xml: plain text, a company with mixed VAT, and hard text (CR, LF and TAB in a comment). */
const CML31_SCENARIOS = ['person-paid.xml', 'company-mixed-vat.xml', 'hard-text.xml'].map((name) => scenarios.find((s) => s.name === name)!)

/** The bytes of a 3.1 `query` answer carrying these scenarios' orders, each rendered with its own settings. */
function answer31(chosen: ReadonlyArray<(typeof scenarios)[number]>): Buffer {
  const entries = chosen.map((s) => renderOrderEntry(toDocumentModel(s.order, { ...s.settings, schemaVersion: '3.1' }), '3.1'))
  const { encoding, bom } = chosen[0]!.settings
  return documentBytes(entries, { generatedAt: GENERATED_AT, timezone: GENERATED_ZONE, encoding, bom, schemaVersion: '3.1' })
}

/** A node as text: element names, attributes and every text that is not whitespace between elements, exactly. */
function canonical(node: XmlElement): string {
  if (node.nodeType === 3) return node.textContent!.trim() === '' ? '' : JSON.stringify(node.textContent)
  if (node.nodeType !== 1) return ''
  const attributes = Array.from(node.attributes).map((a) => ` ${a.name}=${JSON.stringify(a.value)}`).join('')
  return `<${node.nodeName}${attributes}>${Array.from(node.childNodes).map(canonical).join('')}</${node.nodeName}>`
}

t.test('golden cml31-container.xml (three orders in the CommerceML 3.1 layout) is reproduced byte for byte', async (t) => {
  const actual = answer31(CML31_SCENARIOS)
  const expected = await readGolden('cml31-container.xml', actual)
  t.equal(actual.toString('utf8'), expected.toString('utf8'))
  t.ok(actual.equals(expected), 'same bytes')
})

t.test('golden cml31-container.xml: the root in urn:1C.ru:commerceml_3, version 3.1, one Документ in each Контейнер', async (t) => {
  const golden = await readGolden('cml31-container.xml', answer31(CML31_SCENARIOS))
  const start = '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_3" ВерсияСхемы="3.1" ДатаФормирования="2025-03-20T12:00:00">\n  <Контейнер>\n    <Документ>\n'
  t.equal(golden.toString('utf8').slice(0, start.length), start)
  t.same(layoutProblems(parseAnswer(golden), '3.1'), [])
  t.equal(documentsIn(parseAnswer(golden), '3.1').length, 3)
})

t.test('golden cml31-container.xml: each Документ validates against the CommerceML 2.08 XSD', async (t) => {
  t.same(await validateCommerceML31Documents(await readGolden('cml31-container.xml', answer31(CML31_SCENARIOS))), { valid: true, errors: [] })
})

t.test('golden cml31-container.xml: each Документ is the 2.08 golden Документ of its order, whitespace between elements aside', async (t) => {
  const documents31 = documentsIn(parseAnswer(await readGolden('cml31-container.xml', answer31(CML31_SCENARIOS))), '3.1')
  for (const [at, scenario] of CML31_SCENARIOS.entries()) {
    const [document208] = documentsIn(parseAnswer(await readGolden(scenario.name, answerFor(scenario))), '2.08')
    t.equal(canonical(documents31[at]!), canonical(document208!), scenario.name)
  }
})

t.test('every scenario in the 3.1 layout (windows-1251 included) passes the layout and XSD checks', async (t) => {
  for (const scenario of scenarios) t.same(await checkAnswer(answer31([scenario]), '3.1'), { valid: true, errors: [] }, scenario.name)
})

t.test('the empty 3.1 answer is the root alone', async (t) => {
  const empty = documentBytes([], { generatedAt: GENERATED_AT, timezone: GENERATED_ZONE, encoding: 'UTF-8', schemaVersion: '3.1' })
  t.equal(
    empty.toString('utf8'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_3" ВерсияСхемы="3.1" ДатаФормирования="2025-03-20T12:00:00">\n</КоммерческаяИнформация>\n',
  )
  t.same(await checkAnswer(empty, '3.1'), { valid: true, errors: [] })
})

t.test('the 3.1 checks reject what is not the 3.1 layout (so a pass means something)', async (t) => {
  const golden208 = await readGolden('person-paid.xml', answerFor(scenarios[0]!))
  t.match(layoutProblems(parseAnswer(golden208), '3.1'), [
    /attributes ВерсияСхемы ДатаФормирования, not xmlns/,
    /namespace is null/,
    /ВерсияСхемы is 2\.08/,
    /child 1 of the root is Документ, not Контейнер/,
  ])
  t.match((await validateCommerceML31Documents(golden208)).errors, [/not <КоммерческаяИнформация xmlns="urn:1C\.ru:commerceml_3"/])
  const text = answer31([scenarios[0]!, scenarios[1]!]).toString('utf8')
  const twoInOne = text.replace('  </Контейнер>\n  <Контейнер>\n', '')
  t.match(layoutProblems(parseAnswer(twoInOne), '3.1'), [/Контейнер 1 holds Документ, Документ, not one Документ/])
  t.match(layoutProblems(parseAnswer(text.replace(' xmlns="urn:1C.ru:commerceml_3"', '')), '3.1'), [/attributes ВерсияСхемы ДатаФормирования, not xmlns/, /namespace is null/])
  t.match(layoutProblems(parseAnswer(text), '2.08'), [/not ВерсияСхемы ДатаФормирования/, /ВерсияСхемы is 3\.1/, /child 1 of the root is Контейнер, not Документ/, /child 2/])
  const badCurrency = await validateCommerceML31Documents(text.replace('<Валюта>RUB</Валюта>', '<Валюта>руб.</Валюта>'))
  t.equal(badCurrency.valid, false)
  t.match(badCurrency.errors.join('\n'), /Валюта/)
})
