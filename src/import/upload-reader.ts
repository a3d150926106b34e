/**
 * Reads the `Документ`s of a CommerceML file 1C uploads (PROTOCOL.md §8), streaming: bytes go in a slice at a time,
 * finished documents come out, and nothing but the document being read is kept, so memory does not grow with the
 * file. Decoding (BOM, the declaration's encoding) is upload-encoding.ts's.
 *
 * PROTOCOL.md §8 "Dialects seen in real uploads" decides what is read, whatever the dialect:
 * - elements are matched by local name, whatever their namespace or prefix (2.03 without one, 2.07–2.10 in
 *   `urn:1C.ru:commerceml_2`, 3.1 in `urn:1C.ru:commerceml_3`, with or without `xs`/`xsi` prefixes declared);
 * - `Документ` is read directly under the root (2.x) or inside a `Контейнер` (3.1);
 * - of a document, its own scalars (`Ид`, `Номер`, `Дата`, `ХозОперация`), the facts 1C may write as elements
 *   (FACT_ELEMENTS), and its requisites, inside `ЗначенияРеквизитов` or as `ЗначениеРеквизита` directly under
 *   `Документ`. Lines, counterparties and anything else are skipped;
 * - every value is trimmed (1C pads numbers to the field length); an empty one is no value.
 * What the values mean is order-facts.ts's.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { UnreadableUploadError, detectEncoding, type Decoder } from './upload-encoding.js'

export { UnreadableUploadError } from './upload-encoding.js'

export interface UploadedDocument {
  /** `Ид`: in uploads from 1C, 1C's own document UUID (PROTOCOL.md §8). Trimmed; null when absent or empty. */
  id: string | null
  /** `Номер`: our order number. */
  number: string | null
  date: string | null
  operation: string | null
  /**
   * The FACT_ELEMENTS the document has as its own children, by local name: the trimmed text of the first of each
   * name that is not empty.
   */
  elements: Record<string, string>
  /**
   * The document's `ЗначениеРеквизита`s in file order (in `ЗначенияРеквизитов` or directly under `Документ`): the
   * name and its first `Значение`, both trimmed.
   */
  requisites: Array<{ name: string; value: string }>
}

const ROOT = 'КоммерческаяИнформация'
const DOCUMENT = 'Документ'
const CONTAINER = 'Контейнер'
const REQUISITES = 'ЗначенияРеквизитов'
const REQUISITE = 'ЗначениеРеквизита'
const SCALARS = new Set(['Ид', 'Номер', 'Дата', 'ХозОперация'])
/**
 * Children of `Документ` that carry facts in some dialects (PROTOCOL.md §8): 1C's number and date, the deletion
 * mark, posted and cancelled as elements, the version number, and `Комментарий`, which may hold the only back-link
 * to our order.
 */
const FACT_ELEMENTS = new Set(['Номер1С', 'Дата1С', 'ПометкаУдаления', 'Проведен', 'Отменен', 'НомерВерсии', 'Комментарий'])
/** Bounds on what one document may hold, so a hostile file cannot grow memory through one huge document. */
const MAX_TEXT_CHARS = 4000
const MAX_REQUISITES = 500

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

interface OpenDocument {
  doc: UploadedDocument
  /** Depth of the `Документ` element. */
  depth: number
  /** Local names from the document's child down to the current element. */
  path: string[]
  text: string | null
  /** The `ЗначениеРеквизита` being read, and the length of `path` at it. */
  requisite: { name: string | null; value: string | null; at: number } | null
}

export class UploadReader {
  private head: Buffer | null = Buffer.alloc(0)
  private decoder: Decoder | null = null
  private readonly parser: SaxesParser
  private readonly ready: UploadedDocument[] = []
  private depth = 0
  private rootSeen = false
  private containerDepth = 0
  private current: OpenDocument | null = null
  /** Documents read so far. */
  documents = 0
  schemaVersion: string | null = null

  constructor() {
    this.parser = new SaxesParser({ xmlns: false, position: true })
    this.parser.on('error', (error) => {
      throw new UnreadableUploadError(`The file is not well-formed XML: ${error.message}`)
    })
    this.parser.on('opentag', (tag) => this.open(tag))
    this.parser.on('closetag', (tag) => this.close(tag))
    this.parser.on('text', (text) => this.append(text))
    this.parser.on('cdata', (text) => this.append(text))
  }

  /** Feeds the next bytes of the file; returns the documents completed by them. */
  write(bytes: Buffer): UploadedDocument[] {
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, bytes])
      const detected = detectEncoding(this.head, false)
      if (!detected) return []
      const buffered = this.head
      this.head = null
      this.decoder = detected.decoder
      this.feed(this.decoder.write(buffered.subarray(detected.skip)))
    } else {
      this.feed(this.decoder!.write(bytes))
    }
    return this.ready.splice(0)
  }

  /** The end of the file: checks that the document is complete; returns the last documents. */
  end(): UploadedDocument[] {
    if (this.head !== null) {
      const detected = detectEncoding(this.head, true)!
      this.decoder = detected.decoder
      this.feed(this.decoder.write(this.head.subarray(detected.skip)))
      this.head = null
    }
    this.feed(this.decoder!.end())
    if (!this.rootSeen) throw new UnreadableUploadError('The file is empty or holds no XML element; it is not a CommerceML document.')
    this.parser.close()
    return this.ready.splice(0)
  }

  private feed(text: string): void {
    if (text.length > 0) this.parser.write(text)
  }

  private open(tag: SaxesTagPlain): void {
    this.depth += 1
    const name = localName(tag.name)
    if (this.depth === 1) {
      if (name !== ROOT) {
        throw new UnreadableUploadError(`The root element is <${tag.name.slice(0, 60)}>, not <${ROOT}>: the file is not a CommerceML document.`)
      }
      this.rootSeen = true
      const version = Object.entries(tag.attributes).find(([key]) => localName(key) === 'ВерсияСхемы')?.[1]
      this.schemaVersion = typeof version === 'string' ? version.trim() : null
      return
    }
    const open = this.current
    if (!open) {
      if (name === CONTAINER && this.depth === 2) this.containerDepth = this.depth
      else if (name === DOCUMENT && (this.depth === 2 || (this.depth === 3 && this.containerDepth === 2))) {
        this.current = {
          doc: { id: null, number: null, date: null, operation: null, elements: {}, requisites: [] },
          depth: this.depth,
          path: [],
          text: null,
          requisite: null,
        }
      }
      return
    }
    open.path.push(name)
    const path = open.path
    const requisite = open.requisite
    if (requisite) {
      if (path.length === requisite.at + 1 && (name === 'Наименование' || name === 'Значение')) open.text = ''
    } else if (name === REQUISITE && (path.length === 1 || (path.length === 2 && path[0] === REQUISITES))) {
      open.requisite = { name: null, value: null, at: path.length }
    } else if (path.length === 1 && (SCALARS.has(name) || FACT_ELEMENTS.has(name))) {
      open.text = ''
    }
  }

  private append(text: string): void {
    const open = this.current
    if (!open || open.text === null) return
    const room = MAX_TEXT_CHARS - open.text.length
    if (room > 0) open.text += text.length > room ? text.slice(0, room) : text
  }

  private close(tag: SaxesTagPlain): void {
    this.depth -= 1
    const open = this.current
    if (!open) {
      if (this.containerDepth > this.depth) this.containerDepth = 0
      return
    }
    if (this.depth + 1 === open.depth) {
      this.current = null
      this.documents += 1
      this.ready.push(open.doc)
      return
    }
    const path = open.path
    const name = localName(tag.name)
    const text = open.text === null ? null : open.text.trim()
    const requisite = open.requisite
    if (requisite && path.length === requisite.at + 1 && text !== null) {
      // The first Значение of a list, as 1C's СвойстваЗаказа keeps it (PROTOCOL.md §5.5).
      if (name === 'Наименование') requisite.name = text
      else if (requisite.value === null) requisite.value = text
    } else if (requisite && path.length === requisite.at) {
      if (requisite.name && open.doc.requisites.length < MAX_REQUISITES) {
        open.doc.requisites.push({ name: requisite.name, value: requisite.value ?? '' })
      }
      open.requisite = null
    } else if (path.length === 1 && text !== null && text !== '') {
      const doc = open.doc
      if (name === 'Ид') doc.id ??= text
      else if (name === 'Номер') doc.number ??= text
      else if (name === 'Дата') doc.date ??= text
      else if (name === 'ХозОперация') doc.operation ??= text
      else if (!(name in doc.elements)) doc.elements[name] = text
    }
    open.text = null
    path.pop()
  }
}
