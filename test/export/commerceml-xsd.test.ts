/**
 * The XSD check every CommerceML test relies on (test/helpers/xml-validate.ts, libxml2 in WebAssembly): it must
 * reject what 1C's schema rejects and read the bytes in the encoding their declaration names, or a pass in the
 * golden, exchange and admin tests would mean nothing. Works on the golden windows-1251 answer's bytes, so it does not
 * depend on how the writer is built.
 */
import { readFile } from 'node:fs/promises'
import iconv from 'iconv-lite'
import t from 'tap'
import { goldenPath } from '../helpers/golden.js'
import { validateCommerceML } from '../helpers/xml-validate.js'

const cp1251 = (text: string) => iconv.encode(text, 'windows-1251')

/** `from` replaced by `to` in a windows-1251 document, both written as text. */
function replaced(bytes: Buffer, from: string, to: string): Buffer {
  const at = bytes.indexOf(cp1251(from))
  if (at < 0) throw new Error(`${from} not found`)
  return Buffer.concat([bytes.subarray(0, at), cp1251(to), bytes.subarray(at + cp1251(from).length)])
}

// Read in any other encoding, the Cyrillic element names would match none of the schema's, so a pass proves the decoding.
t.test('a windows-1251 answer validates: its Cyrillic element names are read as windows-1251', async (t) => {
  const bytes = await readFile(goldenPath('windows-1251.xml'))
  t.equal(bytes.indexOf(Buffer.from('Документ', 'utf8')), -1, 'the fixture holds no UTF-8 Cyrillic')
  t.same(await validateCommerceML(bytes, '2.08'), { valid: true, errors: [] })
  t.same(await validateCommerceML(bytes, '2.10'), { valid: true, errors: [] })
})

t.test('a windows-1251 answer that breaks the XSD is rejected, and the message names the element legibly', async (t) => {
  const bytes = replaced(await readFile(goldenPath('windows-1251.xml')), '<Валюта>RUB</Валюта>', '<Валюта>руб.</Валюта>')
  const result = await validateCommerceML(bytes)
  t.equal(result.valid, false)
  t.match(result.errors.join('\n'), /^document:\d+: .*Валюта/m, 'the line and the element, in Cyrillic')
})

t.test('an element the schema does not know is rejected', async (t) => {
  const bytes = replaced(await readFile(goldenPath('windows-1251.xml')), '<Курс>1</Курс>', '<Курс>1</Курс><Скидка>5</Скидка>')
  const result = await validateCommerceML(bytes)
  t.equal(result.valid, false)
  t.match(result.errors.join('\n'), /Скидка/)
})

t.test('a document that is not well-formed is an invalid result with the parser message, not an exception', async (t) => {
  const result = await validateCommerceML('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08"><Документ></КоммерческаяИнформация>')
  t.equal(result.valid, false)
  t.match(result.errors.join('\n'), /^document:2: /m)
})
