/**
 * How the bytes of an uploaded file become text (PROTOCOL.md §4, §8): a UTF-8 byte order mark is dropped, the XML
 * declaration names the encoding (UTF-8, the default, or windows-1251), and the decoder is fed the stored chunks in
 * order, never one chunk on its own (chunk boundaries split UTF-8 sequences).
 */
import iconv from 'iconv-lite'

/** The file cannot be imported as a whole: not XML, not CommerceML, or an encoding 1C does not write. */
export class UnreadableUploadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnreadableUploadError'
  }
}

export interface Decoder {
  write(bytes: Buffer): string
  end(): string
}

type Encoding = 'utf-8' | 'windows-1251'

/** How far into the file the XML declaration must end. */
const MAX_DECLARATION_BYTES = 1024

function encodingOf(label: string): Encoding | null {
  const name = label.trim().toLowerCase()
  if (name === 'utf-8' || name === 'utf8') return 'utf-8'
  if (name === 'windows-1251' || name === 'cp1251' || name === 'win-1251') return 'windows-1251'
  return null
}

function decoderFor(encoding: Encoding): Decoder {
  if (encoding === 'windows-1251') {
    const decoder = iconv.getDecoder('windows-1251')
    return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' }
  }
  // Fatal: a file declared UTF-8 that is not (a windows-1251 file without its declaration) is refused with a reason
  // instead of being read as U+FFFD garbage that matches nothing.
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

/**
 * The decoder for a file, from a BOM or the XML declaration, once enough of the file's head is there to tell (null:
 * feed more bytes; `final` says no more will come). `skip` is the BOM's length. Without a declaration XML means UTF-8.
 */
export function detectEncoding(head: Buffer, final: boolean): { decoder: Decoder; skip: number } | null {
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
