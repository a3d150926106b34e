/**
 * The CommerceML order document as bytes (../shared/commerceml/PROTOCOL.md §4, §5, §9).
 * `renderOrderDocument(model)` writes the `<Документ>…</Документ>` fragment of a `DocumentModel` (document-model.ts),
 * byte for byte in the layout of `examples/order-service-card.xml`: 2-space indentation, the `Документ` at depth 1,
 * elements in XSD order, every value through one sanitizer (xml-text.ts). That fragment is what the fingerprint hashes
 * whatever the schema version (fingerprint.ts); `renderOrderEntry` is the order as the answer carries it, and a batch
 * is `documentFrame`'s head, the encoded entries, and its tail.
 *
 * Two layouts (the integration's `schema_version`, §5.9):
 * - `2.08`: the root declares no namespace (§5.1) and holds the `Документ`s; tests validate it against the XSD with
 *   the namespace injected (§9).
 * - `3.1`: the root in `urn:1C.ru:commerceml_3` with `ВерсияСхемы="3.1"`, each order's `Документ` alone in a
 *   `Контейнер`. See `documentHeader` and `renderOrderEntry` for the sources of each element.
 */
import type { DocumentEncoding, SchemaVersion } from '../integration/settings.schema.js'
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
 * (§5.2): Время and Комментарий come after Контрагенты. This is the 2.08 entry, and the text the fingerprint hashes.
 */
export function renderOrderDocument(model: DocumentModel): string {
  return writeDocument(model, 1)
}

/**
 * An order as the answer of `schemaVersion` carries it, ending with a newline. `document` is
 * `renderOrderDocument(model)` when the caller has it already (the scan does, for the fingerprint).
 *
 * - 2.08: that `Документ` itself, directly under the root (§5.2).
 * - 3.1: `<Контейнер>` holding that `Документ` and nothing else, the `Документ` one level deeper. Bitrix's own 3.x
 *   export wraps each order in one `Контейнер` (`CONTAINER_VERSION = 3`: avshatalov48/bitrix-core-business
 *   `modules/sale/general/export.php` (03e3b576) `CSaleExport::ExportOrders2Xml`; the tag is
 *   `$MESS["SALE_EXPORT_CONTAINER"] = "Контейнер"` in `modules/sale/lang/ru/general/export.php` (1faf5aca)), and writes
 *   the same order `Документ` whatever the version, the container aside. Its `Контейнер` also holds a `Документ` per
 *   payment and shipment; this service sends payments as requisites (§5.6), so its `Контейнер` has the order alone.
 *   Its package exporter indents the documents one level below the `Контейнер` (same repository,
 *   `modules/sale/lib/exchange/exportonecpackagesale.php` (da28d4e1) `ExportOneCPackageSale::outputXmlDocuments`,
 *   `outputXmlContainer`), as this one does. Only whitespace between elements differs from the 2.08 entry, which is
 *   why the fingerprint does not depend on the version.
 */
export function renderOrderEntry(model: DocumentModel, schemaVersion: SchemaVersion, document?: string): string {
  if (schemaVersion === '2.08') return document ?? renderOrderDocument(model)
  return `  <Контейнер>\n${writeDocument(model, 2)}  </Контейнер>\n`
}

function writeDocument(model: DocumentModel, depth: number): string {
  const w = new FragmentWriter(depth)
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

/**
 * The root start tag's attributes per schema version (§5.2, §5.9), after the element name.
 * - 2.08: no namespace (§5.1), as Bitrix writes none.
 * - 3.1: `xmlns="urn:1C.ru:commerceml_3"`, because PROTOCOL.md §5.9 describes the 3.1 document so and 1C writes its
 *   own 3.1 files so (e.g. stee1cat/1c-exchange `tests/unit/Model/MetadataTest.php` (3699751d)). The reference server
 *   omits it: Bitrix's 3.x root carries `ВерсияСхемы`, `ДатаФормирования` and its format attributes, and no `xmlns`
 *   (avshatalov48/bitrix-core-business `modules/sale/general/export.php` (03e3b576) `CSaleExport::getCmrXmlRootNameParams`;
 *   `modules/sale/lib/exchange/exportonecbase.php` (cd2a1a02) `ExportOneCBase::outputXmlCMLHeader`). The 1C-side
 *   module, which talks to Bitrix, must therefore read a root without it; that it reads one with it, as sent here, is
 *   unverified (a namespaced document may be read typed, strictly, by XDTO: §10). `ВерсияСхемы="3.1"` is Bitrix's
 *   `ExportOneCBase::SHEM_VERSION_3_1`, the version `ExportOneCPackageSale::getShemVersion` answers. Bitrix's
 *   `ФорматДаты`, `ФорматВремени`, … are left out as in 2.08 (§5.2): no 1C code was seen reading them.
 */
const ROOT_ATTRIBUTES: Record<SchemaVersion, string> = {
  '2.08': 'ВерсияСхемы="2.08"',
  '3.1': 'xmlns="urn:1C.ru:commerceml_3" ВерсияСхемы="3.1"',
}

/**
 * The XML declaration and the root start tag (§5.2). The declaration names the encoding the body will be written
 * in (§4); nothing may precede it. `ДатаФормирования` is wall-clock time in `timezone`, without an offset, zero-padded
 * in both versions (an xsd:dateTime; Bitrix writes the hour unpadded, `date("G:i:s")`, which is not one).
 */
export function documentHeader(generatedAt: Date, timezone: string, encoding: DocumentEncoding, schemaVersion: SchemaVersion): string {
  return (
    `<?xml version="1.0" encoding="${encoding}"?>\n` +
    `<КоммерческаяИнформация ${ROOT_ATTRIBUTES[schemaVersion]} ДатаФормирования="${wallClock(generatedAt, timezone).dateTime}">\n`
  )
}

export function documentFooter(): string {
  return '</КоммерческаяИнформация>\n'
}

/**
 * The bytes before and after the orders' entries (encoded `renderOrderEntry` results are simply concatenated between
 * them), and the Content-Type that names their encoding.
 */
export function documentFrame(params: {
  generatedAt: Date
  timezone: string
  encoding: DocumentEncoding
  bom: boolean
  schemaVersion: SchemaVersion
}): {
  head: Buffer
  tail: Buffer
  contentType: string
} {
  const { encoding, bom } = params
  const declaration = encodeChunk(documentHeader(params.generatedAt, params.timezone, encoding, params.schemaVersion), encoding)
  const mark = byteOrderMark(encoding, bom)
  return {
    head: mark.length > 0 ? Buffer.concat([mark, declaration]) : declaration,
    tail: encodeChunk(documentFooter(), encoding),
    contentType: contentTypeFor(encoding),
  }
}
