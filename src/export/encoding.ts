/**
 * Turning the document text into the bytes of the `query` answer (../shared/commerceml/PROTOCOL.md §4).
 *
 * - UTF-8 (the default profile): no BOM unless the integration asks for one (`bom: true`, for the old 1C that
 *   needs it); the first bytes are then `<?xml`.
 * - windows-1251: every character cp1251 cannot hold is written as a character reference (`₽` → `&#x20BD;`). That
 *   is only correct in text and attribute values, which is where such characters can occur: the markup (the
 *   declaration, ASCII and Cyrillic element names) is ours and entirely in cp1251. A BOM does not exist for it.
 *
 * The declaration inside the text (`documentHeader(…, encoding)`) and `contentTypeFor(encoding)` must name the same
 * encoding as the bytes; the caller passes the same setting to all three.
 */
import iconv from 'iconv-lite'
import type { DocumentEncoding } from '../integration/settings.schema.js'

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])

/** The characters windows-1251 can hold (its undefined byte 0x98 decodes to U+FFFD, which is left out). */
const CP1251 = (() => {
  const bytes = Buffer.alloc(256)
  for (let i = 0; i < 256; i++) bytes[i] = i
  const chars = new Set(iconv.decode(bytes, 'windows-1251'))
  chars.delete('\uFFFD')
  return chars
})()

/** Any character outside cp1251 (one match per code point, so a surrogate pair is one character). */
const OUTSIDE_CP1251 = new RegExp(
  `[^${[...CP1251].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`,
  'gu',
)

/** `₽` → `&#x20BD;`, `😀` → `&#x1F600;` (one reference per code point); cp1251 characters are left as they are. */
export function referenceOutsideCp1251(text: string): string {
  return text.replace(OUTSIDE_CP1251, (ch) => `&#x${ch.codePointAt(0)!.toString(16).toUpperCase()};`)
}

/** Bytes of a piece of the document (no BOM): for streaming, fragment by fragment, after `byteOrderMark`. */
export function encodeChunk(text: string, encoding: DocumentEncoding): Buffer {
  return encoding === 'windows-1251' ? iconv.encode(referenceOutsideCp1251(text), 'windows-1251') : Buffer.from(text, 'utf8')
}

/** What precedes `<?xml`: the UTF-8 BOM when asked for, otherwise nothing. windows-1251 has no BOM. */
export function byteOrderMark(encoding: DocumentEncoding, bom: boolean): Buffer {
  return encoding === 'UTF-8' && bom ? UTF8_BOM : Buffer.alloc(0)
}

/** `application/xml; charset=UTF-8`: charset present, unquoted and the last parameter (§4). */
export function contentTypeFor(encoding: DocumentEncoding): string {
  return `application/xml; charset=${encoding}`
}
