/**
 * The upload reader and 1C's facts without HTTP (src/import/upload-reader.ts, order-facts.ts, onec-values.ts): each
 * form PROTOCOL.md §8 "Dialects seen in real uploads" lists, one at a time. What reaches the admin API through the
 * exchange is test/import/dialects.test.ts's.
 */
import t from 'tap'
import { readDateTime } from '../../src/import/onec-values.js'
import { readOrderFacts, siteNumberOf } from '../../src/import/order-facts.js'
import { UploadReader, type UploadedDocument } from '../../src/import/upload-reader.js'

/** Reads a whole file, fed `slice` bytes at a time (so chunk boundaries fall everywhere). */
function read(xml: string | Buffer, slice = 7): UploadedDocument[] {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml
  const reader = new UploadReader()
  const docs: UploadedDocument[] = []
  for (let at = 0; at < bytes.length; at += slice) docs.push(...reader.write(bytes.subarray(at, at + slice)))
  docs.push(...reader.end())
  return docs
}

const root = (body: string, attributes = '') => `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация${attributes}>${body}</КоммерческаяИнформация>`
const requisite = (name: string, value: string) => `<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`
const factsOf = (body: string) => readOrderFacts(read(root(`<Документ><Номер>A-1</Номер>${body}</Документ>`))[0]!)

t.test('Документ is read at the root and inside Контейнер, in any namespace or prefix', async (t) => {
  const docs = read(
    root(
      '<Документ><Номер>A-1</Номер></Документ>' +
        '<Контейнер><Документ><Номер>A-2</Номер></Документ><Документ><Номер>A-3</Номер></Документ></Контейнер>' +
        '<c:Контейнер><c:Документ><c:Номер>A-4</c:Номер></c:Документ></c:Контейнер>',
      ' xmlns="urn:1C.ru:commerceml_3" xmlns:c="urn:1C.ru:commerceml_3" ВерсияСхемы="3.1"',
    ),
  )
  t.same(docs.map((d) => d.number), ['A-1', 'A-2', 'A-3', 'A-4'])
})

t.test('a Документ deeper than a Контейнер (a line, a subordinate document) is not an order of the file', async (t) => {
  const docs = read(root('<Документ><Номер>A-1</Номер><ПодчиненныеДокументы><Документ><Номер>X</Номер></Документ></ПодчиненныеДокументы></Документ>'))
  t.same(docs.map((d) => d.number), ['A-1'])
})

t.test('a UTF-8 BOM is accepted, split across writes', async (t) => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(root('<Документ><Номер>A-1</Номер></Документ>'))])
  t.same(read(bytes, 1).map((d) => d.number), ['A-1'])
})

t.test('requisites are read inside ЗначенияРеквизитов and directly under Документ; line requisites are not the document’s', async (t) => {
  const [doc] = read(
    root(
      `<Документ><ЗначенияРеквизитов>${requisite('Проведен', 'true')}</ЗначенияРеквизитов>${requisite('Номер по 1С', 'ТД-1')}` +
        `<Товары><Товар><ЗначенияРеквизитов>${requisite('ТипНоменклатуры', 'Услуга')}</ЗначенияРеквизитов>${requisite('Вес', '1')}</Товар></Товары></Документ>`,
    ),
  )
  t.same(doc?.requisites, [
    { name: 'Проведен', value: 'true' },
    { name: 'Номер по 1С', value: 'ТД-1' },
  ])
})

t.test('every scalar is trimmed, and an empty one is no value', async (t) => {
  const [doc] = read(root(`<Документ><Ид> x-1 </Ид><Номер>\tA-1   </Номер><Дата>  </Дата><Номер1С>L320       </Номер1С>${requisite(' Проведен ', ' true ')}</Документ>`))
  t.match(doc, { id: 'x-1', number: 'A-1', date: null, elements: { Номер1С: 'L320' }, requisites: [{ name: 'Проведен', value: 'true' }] })
})

t.test('dates: offsets and fractions of a second read as the wall-clock time; T and 0001-01-01 are no date', async (t) => {
  const cases: Array<[string, string | null | undefined]> = [
    ['2026-03-10T14:31:07', '2026-03-10T14:31:07'],
    ['2026-03-10T14:31:07+03:00', '2026-03-10T14:31:07'],
    ['2026-03-10T14:31:07.123', '2026-03-10T14:31:07'],
    ['2026-03-10T14:31:07.5Z', '2026-03-10T14:31:07'],
    ['2016-11-03+03:00', '2016-11-03T00:00:00'],
    ['2026-03-10 14:31', '2026-03-10T14:31:00'],
    ['10.03.2026 9:05:00', '2026-03-10T09:05:00'],
    ['T', null],
    ['0001-01-01T00:00:00', null],
    ['0001-01-01', null],
    ['2026-02-30T00:00:00', undefined],
    ['10 марта', undefined],
  ]
  for (const [text, expected] of cases) t.equal(readDateTime(text), expected, text)
})

t.test('a fact comes from its element when no requisite gives it', async (t) => {
  const { facts, problems } = factsOf('<Номер1С>ЗК-1</Номер1С><Дата1С>2026-03-10T14:31:07+03:00</Дата1С><ПометкаУдаления>true</ПометкаУдаления><Проведен>false</Проведен>')
  t.match(facts, { number1c: 'ЗК-1', date1c: '2026-03-10T14:31:07', deletionMark: true, posted: false })
  t.same(problems, [])
  t.match(facts.requisites, { Номер1С: 'ЗК-1', ПометкаУдаления: 'true' }, 'kept raw under their own names')
})

t.test('where element and requisite disagree, the requisite wins and the problem says so', async (t) => {
  const { facts, problems } = factsOf(`<Номер1С>ЗК-1</Номер1С><ЗначенияРеквизитов>${requisite('Номер по 1С', 'ЗК-2')}</ЗначенияРеквизитов>`)
  t.equal(facts.number1c, 'ЗК-2')
  t.same(problems, ['«Номер по 1С» "ЗК-2" and <Номер1С> "ЗК-1" disagree; «Номер по 1С» is kept'])
  t.equal(facts.requisites['Номер1С'], 'ЗК-1', 'the element is still kept raw')
})

t.test('forms that agree once read (a date with and without offset, TRUE and true) are no problem', async (t) => {
  const { facts, problems } = factsOf(
    `<Дата1С>2026-03-10T14:31:07+03:00</Дата1С><ПометкаУдаления>TRUE</ПометкаУдаления>` +
      `${requisite('Дата по 1С', '2026-03-10T14:31:07')}${requisite('ПометкаУдаления', 'true')}`,
  )
  t.match(facts, { date1c: '2026-03-10T14:31:07', deletionMark: true })
  t.same(problems, [])
})

t.test('an unreadable requisite is named, and a readable element stands in for it', async (t) => {
  const { facts, problems } = factsOf(`<Проведен>true</Проведен>${requisite('Проведен', 'да')}`)
  t.equal(facts.posted, true)
  t.same(problems, ['«Проведен» is "да", not true or false'])
})

t.test('an empty date in one form neither wins nor disagrees', async (t) => {
  const { facts, problems } = factsOf(`<Дата1С>T</Дата1С>${requisite('Дата по 1С', '0001-01-01T00:00:00')}${requisite('Дата оплаты по 1С', 'T')}`)
  t.match(facts, { date1c: null, paymentDate1c: null })
  t.same(problems, [])
})

t.test('the same facts in another form or order give the same content hash; different facts another', async (t) => {
  const a = factsOf(`${requisite('Проведен', 'true')}${requisite('Номер по 1С', 'ЗК-1')}`)
  const b = factsOf(`${requisite('Номер по 1С', 'ЗК-1')}${requisite('Проведен', 'true')}`)
  const c = factsOf(`${requisite('Номер по 1С', 'ЗК-1')}${requisite('Проведен', 'false')}`)
  t.equal(a.contentHash, b.contentHash)
  t.not(a.contentHash, c.contentHash)
})

t.test('Комментарий "[Номер документа на сайте: …]" gives our order number', async (t) => {
  const siteNumber = (comment: string) => siteNumberOf(read(root(`<Документ><Комментарий>${comment}</Комментарий></Документ>`))[0]!)
  t.equal(siteNumber('Позвонить [Номер документа на сайте: K482]'), 'K482')
  t.equal(siteNumber('[номер документа на сайте:  K 48 ] и ещё'), 'K 48')
  t.equal(siteNumber('Номер документа на сайте K482'), null, 'only the bracketed form')
  t.equal(siteNumber('[Номер документа на сайте: ]'), null)
  t.equal(siteNumberOf(read(root('<Документ><Номер>A-1</Номер></Документ>'))[0]!), null)
})
