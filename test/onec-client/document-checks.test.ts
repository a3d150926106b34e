/**
 * The smoke client's checks (src/onec-client/document-checks.ts): what 1C would stumble on in a query answer,
 * PROTOCOL.md §9 beyond the XSD. The golden answers pass every check; each check fails on one targeted change of a
 * good answer, and only that check.
 */
import fs from 'node:fs'
import t from 'tap'
import {
  checkAnswerEnvelope,
  checkCharacters,
  checkDocuments,
  checkQueryAnswer,
  documentNotes,
  parseDecimal,
  type CheckCode,
} from '../../src/onec-client/document-checks.js'
import { parseXml, readDocuments } from '../../src/onec-client/onec-client.js'

const GOLDEN = new URL('../fixtures/golden/', import.meta.url)
const UTF8 = 'application/xml; charset=UTF-8'
const good = fs.readFileSync(new URL('person-paid.xml', GOLDEN), 'utf8')

/** The checks of a document text, as the client reads it. */
function problemsOf(xml: string): CheckCode[] {
  return checkDocuments(readDocuments(parseXml(xml))).map((p) => p.check)
}

/** `good` with one replacement, which must apply exactly once, so a test never passes on a change that missed. */
function changed(from: string | RegExp, to: string, base = good): string {
  const count = typeof from === 'string' ? base.split(from).length - 1 : [...base.matchAll(new RegExp(from, 'g'))].length
  if (count !== 1) throw new Error(`${String(from)} occurs ${count} times in the base document`)
  return base.replace(from, to)
}

t.test('every golden answer passes every check', async (t) => {
  const files = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.xml'))
  t.ok(files.length >= 5)
  for (const file of files) {
    const body = fs.readFileSync(new URL(file, GOLDEN))
    const charset = /encoding="([^"]+)"/.exec(body.subarray(0, 100).toString('latin1'))![1]!
    const text = new TextDecoder(charset).decode(body)
    const documents = readDocuments(parseXml(text))
    t.same(checkQueryAnswer({ body, contentType: `application/xml; charset=${charset}`, text, documents }), [], file)
  }
})

// --- the bytes and the header ----------------------------------------------------------------------------------

t.test('a body that does not start with the bytes <?xml is a problem (leading whitespace)', async (t) => {
  t.same(checkAnswerEnvelope(Buffer.from(`\n${good}`), UTF8).map((p) => p.check), ['body-start'])
})

t.test('a UTF-8 BOM before <?xml is a problem unless the integration sends it on purpose', async (t) => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)])
  const [problem] = checkAnswerEnvelope(body, UTF8)
  t.equal(problem?.check, 'body-start')
  t.match(problem?.message, /byte order mark/)
  t.same(checkAnswerEnvelope(body, UTF8, { allowBom: true }), [])
})

t.test('Content-Type without a charset is a problem', async (t) => {
  t.same(checkAnswerEnvelope(Buffer.from(good), 'application/xml').map((p) => p.check), ['charset'])
  t.same(checkAnswerEnvelope(Buffer.from(good), null).map((p) => p.check), ['charset'])
})

t.test('a charset that is not the last Content-Type parameter is a problem', async (t) => {
  t.same(checkAnswerEnvelope(Buffer.from(good), 'application/xml; charset=UTF-8; q=1').map((p) => p.check), ['charset'])
})

t.test('a quoted charset is a problem', async (t) => {
  t.same(checkAnswerEnvelope(Buffer.from(good), 'application/xml; charset="UTF-8"').map((p) => p.check), ['charset'])
})

// --- characters ------------------------------------------------------------------------------------------------

t.test('a character XML 1.0 forbids is a problem, reported with where it is', async (t) => {
  const problems = checkCharacters(changed('Офис 512', 'Офис\u0007512'))
  t.same(problems.map((p) => p.check), ['forbidden-character'])
  t.match(problems[0]?.message, /U\+0007 at line \d+, near ".*Офис\[U\+0007\]512/)
})

t.test('a character reference to a forbidden character is a problem too', async (t) => {
  t.same(checkCharacters(changed('Офис 512', 'Офис&#x1B;512')).map((p) => p.check), ['forbidden-character'])
  t.same(checkCharacters(changed('Офис 512', 'Офис&#x20BD;512')), [], 'a reference to an allowed character is fine')
})

t.test('U+FFFD is a problem', async (t) => {
  t.same(checkCharacters(changed('Офис 512', 'Офис \ufffd512')).map((p) => p.check), ['replacement-character'])
})

t.test('emoji, ₽ and escaped & < > " are not problems', async (t) => {
  t.same(checkCharacters(changed('Офис 512', 'Офис 😀 ₽ &amp; &lt;10&gt; &quot;А&quot;')), [])
})

// --- one document ----------------------------------------------------------------------------------------------

t.test('a Номер longer than 11 characters is a problem; 11 characters are fine', async (t) => {
  t.same(problemsOf(changed('<Номер>A-000123</Номер>', '<Номер>A-0000000123</Номер>')), ['number-length'])
  t.same(problemsOf(changed('<Номер>A-000123</Номер>', '<Номер>A-000000123</Номер>')), [])
  t.same(problemsOf(changed('<Номер>A-000123</Номер>', '<Номер>Ж-000000123</Номер>')), [], '11 characters, more bytes')
})

t.test('a document without Номер is a problem', async (t) => {
  t.same(problemsOf(changed('<Номер>A-000123</Номер>', '')), ['number-missing'])
})

t.test('a ХозОперация other than «Заказ товара» is a problem', async (t) => {
  t.same(problemsOf(changed('<ХозОперация>Заказ товара</ХозОперация>', '<ХозОперация>Эквайринговая операция</ХозОперация>')), ['operation'])
})

t.test('a Дата not in YYYY-MM-DD, or not a calendar date, is a problem', async (t) => {
  t.same(problemsOf(changed('<Дата>2025-03-14</Дата>', '<Дата>14.03.2025</Дата>')), ['date'])
  t.same(problemsOf(changed('<Дата>2025-03-14</Дата>', '<Дата>2025-02-30</Дата>')), ['date'])
})

t.test('a Время not in HH:MM:SS is a problem', async (t) => {
  t.same(problemsOf(changed('<Время>14:05:09</Время>', '<Время>14:05</Время>')), ['time'])
  t.same(problemsOf(changed('<Время>14:05:09</Время>', '<Время>24:00:00</Время>')), ['time'])
})

t.test('a Валюта that is not 3 characters is a problem', async (t) => {
  t.same(problemsOf(changed('<Валюта>RUB</Валюта>', '<Валюта>руб.</Валюта>')), ['currency'])
  t.same(problemsOf(changed('<Валюта>RUB</Валюта>', '<Валюта></Валюта>')), ['currency'])
  t.same(problemsOf(changed('<Валюта>RUB</Валюта>', '<Валюта>руб</Валюта>')), [], 'руб is 3 characters')
})

t.test('a document Сумма other than the sum of its lines is a problem', async (t) => {
  t.same(problemsOf(changed('<Курс>1</Курс>\n    <Сумма>9000.00</Сумма>', '<Курс>1</Курс>\n    <Сумма>9000.01</Сумма>')), ['sum'])
  t.same(problemsOf(changed('<Курс>1</Курс>\n    <Сумма>9000.00</Сумма>', '<Курс>1</Курс>\n    <Сумма>9000</Сумма>')), [], 'equal in value')
})

t.test('an amount 1C cannot read as a number is a problem', async (t) => {
  t.same(problemsOf(changed('<Курс>1</Курс>\n    <Сумма>9000.00</Сумма>', '<Курс>1</Курс>\n    <Сумма>9 000,00</Сумма>')), ['amount'])
})

t.test('a document without lines is a problem', async (t) => {
  t.same(problemsOf(changed(/<Товары>[\s\S]*<\/Товары>/, '<Товары/>')), ['no-lines'])
})

t.test('a line without Ид is a problem, and so is an Ид with #', async (t) => {
  t.same(problemsOf(changed('<Ид>5e7a9c1b-2d3f-4a5b-8c7d-9e0f1a2b3c4d</Ид>', '')), ['line-id'])
  t.same(problemsOf(changed('<Ид>5e7a9c1b-2d3f-4a5b-8c7d-9e0f1a2b3c4d</Ид>', '<Ид>SVC-1#blue</Ид>')), ['line-id'])
})

t.test('a line without ТипНоменклатуры is a problem', async (t) => {
  t.same(
    problemsOf(changed(/<ЗначениеРеквизита>\s*<Наименование>ТипНоменклатуры<\/Наименование>\s*<Значение>Услуга<\/Значение>\s*<\/ЗначениеРеквизита>/, '')),
    ['line-type'],
  )
})

t.test('a line with Количество 0 is a problem', async (t) => {
  t.same(problemsOf(changed('<Количество>2</Количество>', '<Количество>0</Количество>')), ['quantity'])
  t.same(problemsOf(changed('<Количество>2</Количество>', '<Количество>2.000</Количество>')), [])
})

t.test('a boolean that is not lowercase is a problem', async (t) => {
  t.same(
    problemsOf(changed('<Наименование>Заказ оплачен</Наименование>\n        <Значение>true</Значение>', '<Наименование>Заказ оплачен</Наименование>\n        <Значение>True</Значение>')),
    ['boolean'],
  )
  const line = good.replace(/<УчтеноВСумме>true<\/УчтеноВСумме>/g, (m, offset: number) => (offset > good.indexOf('<Товары>') ? '<УчтеноВСумме>TRUE</УчтеноВСумме>' : m))
  t.same(problemsOf(line), ['boolean'], 'a line УчтеноВСумме')
})

t.test('a boolean requisite that is not true or false is a problem', async (t) => {
  t.same(
    problemsOf(changed('<Наименование>Отменен</Наименование>\n        <Значение>false</Значение>', '<Наименование>Отменен</Наименование>\n        <Значение>нет</Значение>')),
    ['boolean'],
  )
})

t.test('free text that reads "True" is not a boolean problem', async (t) => {
  t.same(problemsOf(changed('<Представление>Офис 512</Представление>', '<Представление>True</Представление>')), [])
})

t.test('a document without «Метод оплаты» is a problem', async (t) => {
  t.same(problemsOf(changed('<Наименование>Метод оплаты</Наименование>\n        <Значение>Оплата картой внешняя</Значение>', '<Наименование>Метод оплаты</Наименование>\n        <Значение></Значение>')), ['payment-method'])
})

t.test('a «Дата оплаты» with a time is a problem', async (t) => {
  t.same(problemsOf(changed('<Значение>2025-03-14</Значение>', '<Значение>2025-03-14T14:05:09</Значение>')), ['payment-date'])
})

t.test('a paid order without «Дата оплаты» is a problem', async (t) => {
  t.same(problemsOf(changed(/<ЗначениеРеквизита>\s*<Наименование>Дата оплаты<\/Наименование>\s*<Значение>2025-03-14<\/Значение>\s*<\/ЗначениеРеквизита>/, '')), ['payment-date'])
})

// --- the answer ------------------------------------------------------------------------------------------------

t.test('the same Номер twice in one answer is a problem', async (t) => {
  const document = /<Документ>[\s\S]*<\/Документ>/.exec(good)![0]
  const twice = good.replace(document, `${document}\n${document}`)
  const problems = checkDocuments(readDocuments(parseXml(twice)))
  t.same(problems.map((p) => [p.check, p.document]), [['number-unique', 'A-000123']])
})

t.test('a problem names its document by Номер', async (t) => {
  const [problem] = checkDocuments(readDocuments(parseXml(changed('<Количество>2</Количество>', '<Количество>0</Количество>'))))
  t.equal(problem?.document, 'A-000123')
  t.match(problem?.message, /line 1 «Консультация юриста \(1 час\)»/)
})

t.test('a VAT rate the cited УТ release does not map is a note, not a problem', async (t) => {
  const xml = good.replace(/<Ставка>20<\/Ставка>/g, '<Ставка>22</Ставка>')
  const documents = readDocuments(parseXml(xml))
  t.same(checkDocuments(documents), [])
  t.match(documentNotes(documents), [{ message: /VAT rate 22 % in 1 document\(s\) \(A-000123\)/ }])
  t.same(documentNotes(readDocuments(parseXml(good))), [], 'rate 20: no note')
})

t.test('parseDecimal reads what 1C reads and nothing else', async (t) => {
  t.same(parseDecimal('12000.50'), { units: 1200050n, scale: 2 })
  t.same(parseDecimal('-1'), { units: -1n, scale: 0 })
  for (const bad of ['12 000', '1,5', '1e3', '', '.5', undefined]) t.equal(parseDecimal(bad), null, String(bad))
})
