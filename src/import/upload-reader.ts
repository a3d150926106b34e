/**
 * Reads the `Документ`s of a CommerceML file 1C uploads (PROTOCOL.md §8), streaming: bytes go in a slice at a time,
 * finished documents come out, and nothing but the document being read is kept, so memory does not grow with the
 * file. The bytes are decoded by the XML declaration's encoding (UTF-8, the default, or windows-1251; a UTF-8 BOM
 * is accepted), never chunk by chunk on their own (chunk boundaries split UTF-8 sequences).
 *
 * Elements are matched by local name whatever their namespace or prefix: 1C writes through XDTO from the
 * `urn:1C.ru:commerceml_2` package (PROTOCOL.md §8). `Документ` is read directly under the root (2.x), or inside a
 * `Контейнер` (3.1). Only the document's own `Ид`, `Номер`, `Дата`, `ХозОперация` and `ЗначенияРеквизитов` are
 * kept; lines, counterparties and anything else are skipped.
 */
import iconv from 'iconv-lite'
import { SaxesParser, type SaxesTagPlain } from 'saxes'

/** The file cannot be imported as a whole: not XML, not CommerceML, or an encoding 1C does not write. */
export class UnreadableUploadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnreadableUploadError'
  }
}

export interface UploadedDocument {
  /** `Ид`: in uploads from 1C, 1C's own document UUID (PROTOCOL.md §8). Trimmed; null when absent or empty. */
  id: string | null
  /** `Номер`: our order number. */
  number: string | null
  date: string | null
  operation: string | null
  /** `ЗначенияРеквизитов/ЗначениеРеквизита` in file order: the name and its first `Значение`, both trimmed. */
  requisites: Array<{ name: string; value: string }>
}

const ROOT = 'КоммерческаяИнформация'
const DOCUMENT = 'Документ'
const CONTAINER = 'Контейнер'
const SCALARS = new Set(['Ид', 'Номер', 'Дата', 'ХозОперация'])
/** Bounds on what one document may hold, so a hostile file cannot grow memory through one huge document. */
const MAX_TEXT_CHARS = 2000
const MAX_REQUISITES = 500
/** How far into the file the XML declaration must end. */
const MAX_DECLARATION_BYTES = 1024

type Encoding = 'utf-8' | 'windows-1251'

function encodingOf(label: string): Encoding | null {
  const name = label.trim().toLowerCase()
  if (name === 'utf-8' || name === 'utf8') return 'utf-8'
  if (name === 'windows-1251' || name === 'cp1251' || name === 'win-1251') return 'windows-1251'
  return null
}

interface Decoder {
  write(bytes: Buffer): string
  end(): string
}

function decoderFor(encoding: Encoding): Decoder {
  if (encoding === 'windows-1251') {
    const decoder = iconv.getDecoder('windows-1251')
    return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' }
  }
  // Fatal: a file declared UTF-8 that is not (a windows-1251 file without its declaration) is refused with a reason
  // instead of being read as U+FFFD garbage that matches nothing. The BOM is dropped.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const guard = (read: () => string) => {
    try {
      return read()
    } catch {
      throw new UnreadableUploadError('The file is not valid UTF-8 (its XML declaration says UTF-8 or nothing); 1C writes UTF-8 or declares windows-1251.')
    }
  }
  return {
    write: (bytes) => guard(() => decoder.decode(bytes, { stream: true })),
    end: () => guard(() => decoder.decode()),
  }
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

interface OpenDocument {
  doc: UploadedDocument
  /** Depth of the `Документ` element. */
  depth: number
  /** Local names from the document's child down to the current element. */
  path: string[]
  text: string | null
  requisite: { name: string | null; value: string | null } | null
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
      const decoder = this.detect(this.head, false)
      if (!decoder) return []
      const buffered = this.head
      this.head = null
      this.decoder = decoder.decoder
      this.feed(this.decoder.write(buffered.subarray(decoder.skip)))
    } else {
      this.feed(this.decoder!.write(bytes))
    }
    return this.ready.splice(0)
  }

  /** The end of the file: checks that the document is complete; returns the last documents. */
  end(): UploadedDocument[] {
    if (this.head !== null) {
      const decoder = this.detect(this.head, true)!
      this.decoder = decoder.decoder
      this.feed(this.decoder.write(this.head.subarray(decoder.skip)))
      this.head = null
    }
    this.feed(this.decoder!.end())
    if (!this.rootSeen) throw new UnreadableUploadError('The file is empty or holds no XML element; it is not a CommerceML document.')
    this.parser.close()
    return this.ready.splice(0)
  }

  /**
   * The encoding, from a BOM or the XML declaration (PROTOCOL.md §4, §8), once enough of the file is there to tell;
   * `skip` is the BOM's length. Without a declaration XML means UTF-8.
   */
  private detect(head: Buffer, final: boolean): { decoder: Decoder; skip: number } | null {
    if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
      throw new UnreadableUploadError('The file is UTF-16; 1C writes UTF-8 or windows-1251.')
    }
    const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
    const start = head.subarray(bom, bom + MAX_DECLARATION_BYTES).toString('latin1')
    if (!final && start.length < 5 && '<?xml'.startsWith(start)) return null
    if (!start.startsWith('<?xml')) return { decoder: decoderFor('utf-8'), skip: bom }
    const end = start.indexOf('?>')
    if (end < 0) {
      if (!final && start.length < MAX_DECLARATION_BYTES) return null
      throw new UnreadableUploadError('The XML declaration does not end ("?>" missing); the file is not a CommerceML document.')
    }
    const label = /\sencoding\s*=\s*["']([^"']*)["']/.exec(start.slice(0, end))?.[1]
    if (label === undefined) return { decoder: decoderFor('utf-8'), skip: bom }
    const encoding = encodingOf(label)
    if (!encoding) {
      throw new UnreadableUploadError(`Unsupported encoding "${label.slice(0, 40)}" in the XML declaration; 1C writes UTF-8 or windows-1251.`)
    }
    if (bom && encoding !== 'utf-8') {
      throw new UnreadableUploadError(`The file starts with a UTF-8 byte order mark but declares ${label.slice(0, 40)}.`)
    }
    return { decoder: decoderFor(encoding), skip: bom }
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
      this.schemaVersion = typeof version === 'string' ? version : null
      return
    }
    const open = this.current
    if (!open) {
      if (name === CONTAINER && this.depth === 2) this.containerDepth = this.depth
      else if (name === DOCUMENT && (this.depth === 2 || (this.depth === 3 && this.containerDepth === 2))) {
        this.current = {
          doc: { id: null, number: null, date: null, operation: null, requisites: [] },
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
    if (path.length === 1 && SCALARS.has(name)) open.text = ''
    else if (path.length === 2 && path[0] === 'ЗначенияРеквизитов' && name === 'ЗначениеРеквизита') {
      open.requisite = { name: null, value: null }
    } else if (path.length === 3 && path[0] === 'ЗначенияРеквизитов' && open.requisite && (name === 'Наименование' || name === 'Значение')) {
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
    if (path.length === 1 && text !== null) {
      const value = text === '' ? null : text
      if (name === 'Ид') open.doc.id = value
      else if (name === 'Номер') open.doc.number = value
      else if (name === 'Дата') open.doc.date = value
      else if (name === 'ХозОперация') open.doc.operation = value
    } else if (path.length === 3 && open.requisite && text !== null) {
      // The first Значение of a list, as 1C's СвойстваЗаказа keeps it (PROTOCOL.md §5.5).
      if (name === 'Наименование') open.requisite.name = text
      else if (open.requisite.value === null) open.requisite.value = text
    } else if (path.length === 2 && open.requisite) {
      const { name: requisiteName, value } = open.requisite
      if (requisiteName && open.doc.requisites.length < MAX_REQUISITES) {
        open.doc.requisites.push({ name: requisiteName, value: value ?? '' })
      }
      open.requisite = null
    }
    open.text = null
    path.pop()
  }
}
