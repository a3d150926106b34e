import iconv from 'iconv-lite'
import t from 'tap'
import { byteOrderMark, contentTypeFor, encodeChunk, referenceOutsideCp1251 } from '../../src/export/encoding.js'
import { encodeDocument } from '../helpers/documents.js'
import { documentFooter, documentHeader, renderOrderDocument } from '../../src/export/order-document.js'
import { toDocumentModel } from '../../src/export/document-model.js'
import type { DocumentEncoding } from '../../src/integration/settings.schema.js'
import { declaredEncoding } from '../helpers/xml-validate.js'
import { customerFixture, itemFixture, orderFixture, settingsFixture } from '../helpers/export-fixtures.js'

const at = new Date('2025-03-20T09:00:00Z')

function text(encoding: DocumentEncoding): string {
  const order = orderFixture({
    comment: 'Цена 1000 ₽ 😀, №5 «ок» — Ёё',
    customer: customerFixture({ lastName: 'Weiß' }),
    items: [itemFixture({ name: 'Кофе ☕' })],
  })
  return documentHeader(at, 'Europe/Moscow', encoding, '2.08') + renderOrderDocument(toDocumentModel(order, settingsFixture())) + documentFooter()
}

t.test('UTF-8 without a BOM starts with the bytes <?xml', async (t) => {
  const bytes = encodeDocument(text('UTF-8'), 'UTF-8', false)
  t.equal(bytes.subarray(0, 5).toString('latin1'), '<?xml')
  t.equal(bytes.toString('utf8'), text('UTF-8'))
})

t.test('UTF-8 with bom: true starts with EF BB BF and then <?xml', async (t) => {
  const bytes = encodeDocument(text('UTF-8'), 'UTF-8', true)
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
  t.equal(bytes.subarray(3, 8).toString('latin1'), '<?xml')
})

t.test('windows-1251 has no BOM even when asked for one', async (t) => {
  t.equal(encodeDocument(text('windows-1251'), 'windows-1251', true).subarray(0, 5).toString('latin1'), '<?xml')
  t.equal(byteOrderMark('windows-1251', true).length, 0)
})

t.test('windows-1251 bytes decode back to the same text, with references for characters outside cp1251', async (t) => {
  const source = text('windows-1251')
  const decoded = iconv.decode(encodeDocument(source, 'windows-1251', false), 'windows-1251')
  t.equal(decoded, source.replaceAll('₽', '&#x20BD;').replaceAll('😀', '&#x1F600;').replaceAll('ß', '&#xDF;').replaceAll('☕', '&#x2615;'))
  t.notMatch(decoded, /[?\uFFFD]{2}/, 'nothing became question marks')
})

t.test('cp1251 characters stay as single bytes, not references', async (t) => {
  t.equal(referenceOutsideCp1251('№ «» — Ёё Аа'), '№ «» — Ёё Аа')
  t.same([...encodeChunk('Ё№', 'windows-1251')], [0xa8, 0xb9])
})

t.test('characters outside cp1251 become one uppercase hex reference per code point', async (t) => {
  t.equal(referenceOutsideCp1251('₽😀'), '&#x20BD;&#x1F600;')
})

t.test('the declaration and the Content-Type name the same encoding, with charset last', async (t) => {
  for (const encoding of ['UTF-8', 'windows-1251'] as const) {
    const bytes = encodeDocument(text(encoding), encoding, false)
    t.equal(declaredEncoding(bytes), encoding)
    t.equal(contentTypeFor(encoding), `application/xml; charset=${encoding}`)
    t.match(contentTypeFor(encoding), /; charset=[^;"]+$/)
  }
})

t.test('encoding fragment by fragment gives the same bytes as encoding the whole document', async (t) => {
  for (const encoding of ['UTF-8', 'windows-1251'] as const) {
    const parts = [documentHeader(at, 'Europe/Moscow', encoding, '2.08'), text(encoding).slice(documentHeader(at, 'Europe/Moscow', encoding, '2.08').length)]
    const streamed = Buffer.concat([byteOrderMark(encoding, true), ...parts.map((part) => encodeChunk(part, encoding))])
    t.ok(streamed.equals(encodeDocument(parts.join(''), encoding, true)), encoding)
  }
})
