/**
 * The CommerceML 2.08 order document as bytes (../shared/commerceml/PROTOCOL.md §4, §5, §9).
 * `renderOrderDocument(model)` writes the `<Документ>…</Документ>` fragment of a `DocumentModel` (document-model.ts),
 * byte for byte in the layout of `examples/order-service-card.xml`: 2-space indentation, the `Документ` at depth 1,
 * elements in XSD order, every value through one sanitizer (xml-text.ts). A fragment is a string per document, and also
 * what the fingerprint hashes; a batch is `documentFrame`'s head, the encoded fragments, and its tail.
 *
 * The document declares no namespace (§5.1, §5.9); tests validate it against the XSD with the namespace injected (§9).
 */
import type { DocumentEncoding } from '../integration/settings.schema.js'
import type { AddressModel, CounterpartyModel } from './counterparty.js'
import type { DocumentModel, LineModel, RequisiteModel, TaxModel } from './document-model.js'
import { byteOrderMark, contentTypeFor, encodeChunk } from './encoding.js'
import { wallClock } from './wall-clock.js'
import { escapeXmlAttribute, escapeXmlText } from './xml-text.js'

const INDENT = Array.from({ length: 12 }, (_, depth) => '  '.repeat(depth))

/** A minimal writer: one element per line, 2 spaces per level, every value escaped. */
class FragmentWriter {
  private out = ''
  private depth: number
  constructor(depth: number) {
    this.depth = depth
  }
  private indent(): string {
    return INDENT[this.depth] ?? '  '.repeat(this.depth)
  }
  open(name: string): void {
    this.out += `${this.indent()}<${name}>\n`
    this.depth++
  }
  close(name: string): void {
    this.depth--
    this.out += `${this.indent()}</${name}>\n`
  }
  leaf(name: string, value: string | boolean, attributes?: Array<[string, string | undefined]>): void {
    let attrs = ''
    if (attributes) for (const [key, attr] of attributes) if (attr !== undefined) attrs += ` ${key}="${escapeXmlAttribute(attr)}"`
    const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : escapeXmlText(value)
    this.out += `${this.indent()}<${name}${attrs}>${text}</${name}>\n`
  }
  optional(name: string, value: string | boolean | undefined): void {
    if (value !== undefined) this.leaf(name, value)
  }
  toString(): string {
    return this.out
  }
}

function writeAddress(w: FragmentWriter, name: string, address: AddressModel | undefined): void {
  if (!address) return
  w.open(name)
  w.leaf('Представление', address.Представление)
  w.optional('Комментарий', address.Комментарий)
  for (const field of address.АдресноеПоле ?? []) {
    w.open('АдресноеПоле')
    w.leaf('Тип', field.Тип)
    w.leaf('Значение', field.Значение)
    w.close('АдресноеПоле')
  }
  w.close(name)
}

/** XSD order (§5.3): Ид, Наименование, the legal-entity or the person group, Комментарий, Адрес, Контакты, Роль. */
function writeCounterparty(w: FragmentWriter, party: CounterpartyModel): void {
  w.open('Контрагент')
  w.optional('Ид', party.Ид)
  w.optional('Наименование', party.Наименование)
  if (party.kind === 'legal') {
    w.leaf('ОфициальноеНаименование', party.ОфициальноеНаименование)
    writeAddress(w, 'ЮридическийАдрес', party.ЮридическийАдрес)
    w.optional('ИНН', party.ИНН)
    w.optional('КПП', party.КПП)
  } else {
    w.leaf('ПолноеНаименование', party.ПолноеНаименование)
    w.optional('Фамилия', party.Фамилия)
    w.optional('Имя', party.Имя)
    w.optional('Отчество', party.Отчество)
    w.optional('ИНН', party.ИНН)
  }
  w.optional('Комментарий', party.Комментарий)
  writeAddress(w, 'Адрес', party.Адрес)
  if (party.Контакты?.length) {
    w.open('Контакты')
    for (const contact of party.Контакты) {
      w.open('Контакт')
      w.leaf('Тип', contact.Тип)
      w.leaf('Значение', contact.Значение)
      w.optional('Комментарий', contact.Комментарий)
      w.close('Контакт')
    }
    w.close('Контакты')
  }
  w.leaf('Роль', party.Роль)
  w.close('Контрагент')
}

function writeTaxes(w: FragmentWriter, taxes: TaxModel[] | undefined): void {
  if (!taxes?.length) return
  w.open('Налоги')
  for (const tax of taxes) {
    w.open('Налог')
    w.leaf('Наименование', tax.Наименование)
    w.optional('УчтеноВСумме', tax.УчтеноВСумме)
    w.leaf('Сумма', tax.Сумма)
    w.optional('Ставка', tax.Ставка)
    w.close('Налог')
  }
  w.close('Налоги')
}

function writeRequisites(w: FragmentWriter, requisites: RequisiteModel[]): void {
  if (!requisites.length) return
  w.open('ЗначенияРеквизитов')
  for (const requisite of requisites) {
    w.open('ЗначениеРеквизита')
    w.leaf('Наименование', requisite.Наименование)
    w.leaf('Значение', requisite.Значение)
    w.close('ЗначениеРеквизита')
  }
  w.close('ЗначенияРеквизитов')
}

/** XSD order (§5.4): Ид Артикул Наименование БазоваяЕдиница СтавкиНалогов ЗначенияРеквизитов ЦенаЗаЕдиницу Количество Сумма Налоги Скидки. */
function writeLine(w: FragmentWriter, line: LineModel): void {
  w.open('Товар')
  w.leaf('Ид', line.Ид)
  w.optional('Артикул', line.Артикул)
  w.leaf('Наименование', line.Наименование)
  const unit = line.БазоваяЕдиница
  w.leaf('БазоваяЕдиница', unit.Наименование, [
    ['Код', unit.Код],
    ['НаименованиеПолное', unit.НаименованиеПолное],
    ['МеждународноеСокращение', unit.МеждународноеСокращение],
  ])
  if (line.СтавкиНалогов?.length) {
    w.open('СтавкиНалогов')
    for (const rate of line.СтавкиНалогов) {
      w.open('СтавкаНалога')
      w.leaf('Наименование', rate.Наименование)
      w.leaf('Ставка', rate.Ставка)
      w.close('СтавкаНалога')
    }
    w.close('СтавкиНалогов')
  }
  writeRequisites(w, line.ЗначенияРеквизитов)
  w.leaf('ЦенаЗаЕдиницу', line.ЦенаЗаЕдиницу)
  w.leaf('Количество', line.Количество)
  w.leaf('Сумма', line.Сумма)
  writeTaxes(w, line.Налоги)
  if (line.Скидки?.length) {
    w.open('Скидки')
    for (const discount of line.Скидки) {
      w.open('Скидка')
      w.leaf('Наименование', discount.Наименование)
      w.leaf('Сумма', discount.Сумма)
      w.optional('Процент', discount.Процент)
      w.optional('УчтеноВСумме', discount.УчтеноВСумме)
      w.optional('Комментарий', discount.Комментарий)
      w.close('Скидка')
    }
    w.close('Скидки')
  }
  w.close('Товар')
}

/**
 * The `<Документ>…</Документ>` fragment, indented for depth 1 and ending with a newline. Element order is the XSD's
 * (§5.2): Время and Комментарий come after Контрагенты.
 */
export function renderOrderDocument(model: DocumentModel): string {
  const w = new FragmentWriter(1)
  w.open('Документ')
  w.leaf('Ид', model.Ид)
  w.leaf('Номер', model.Номер)
  w.leaf('Дата', model.Дата)
  w.leaf('ХозОперация', model.ХозОперация)
  w.leaf('Роль', model.Роль)
  w.leaf('Валюта', model.Валюта)
  w.leaf('Курс', model.Курс)
  w.leaf('Сумма', model.Сумма)
  w.open('Контрагенты')
  writeCounterparty(w, model.Контрагент)
  w.close('Контрагенты')
  w.optional('Время', model.Время)
  w.optional('Комментарий', model.Комментарий)
  writeTaxes(w, model.Налоги)
  w.open('Товары')
  for (const line of model.Товары) writeLine(w, line)
  w.close('Товары')
  writeRequisites(w, model.ЗначенияРеквизитов)
  w.close('Документ')
  return w.toString()
}

/** §5.9: 2.08, without a namespace. */
const SCHEMA_VERSION = '2.08'

/**
 * The XML declaration and the root start tag (§5.2). The declaration names the encoding the body will be written
 * in (§4); nothing may precede it. `ДатаФормирования` is wall-clock time in `timezone`, without an offset.
 */
export function documentHeader(generatedAt: Date, timezone: string, encoding: DocumentEncoding): string {
  return (
    `<?xml version="1.0" encoding="${encoding}"?>\n` +
    `<КоммерческаяИнформация ВерсияСхемы="${SCHEMA_VERSION}" ДатаФормирования="${wallClock(generatedAt, timezone).dateTime}">\n`
  )
}

export function documentFooter(): string {
  return '</КоммерческаяИнформация>\n'
}

/**
 * The bytes before and after the orders' fragments (encoded fragments are simply concatenated between them), and the
 * Content-Type that names their encoding.
 */
export function documentFrame(params: { generatedAt: Date; timezone: string; encoding: DocumentEncoding; bom: boolean }): {
  head: Buffer
  tail: Buffer
  contentType: string
} {
  const { encoding, bom } = params
  const declaration = encodeChunk(documentHeader(params.generatedAt, params.timezone, encoding), encoding)
  const mark = byteOrderMark(encoding, bom)
  return {
    head: mark.length > 0 ? Buffer.concat([mark, declaration]) : declaration,
    tail: encodeChunk(documentFooter(), encoding),
    contentType: contentTypeFor(encoding),
  }
}
