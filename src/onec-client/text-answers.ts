/**
 * An answer's body as 1C turns it into text and reads it (PROTOCOL.md §3, §4): ПолучитьТелоКакСтроку() with the
 * charset of Content-Type, УНФ's re-decoding when the result has U+FFFD, and the lines and keyword 1C compares.
 */
import type { OneCProfile } from './client-types.js'

const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i

function charsetOf(contentType: string | null): string | null {
  return contentType ? (CONTENT_TYPE_CHARSET.exec(contentType)?.[1] ?? null) : null
}

function decodeWith(body: Buffer, charset: string): string | null {
  try {
    return new TextDecoder(charset, { ignoreBOM: true }).decode(body)
  } catch {
    return null // unknown label
  }
}

/**
 * ПолучитьТелоКакСтроку(): the charset of Content-Type (UTF-8 when absent, unverified). УНФ, on a result with U+FFFD,
 * retries with the charset named in Content-Type, then windows-1251, then UTF-8 (PROTOCOL.md §4). A BOM is kept.
 */
export function decodeAnswer(body: Buffer, contentType: string | null, profile: OneCProfile): string {
  const charset = charsetOf(contentType) ?? 'utf-8'
  let text = decodeWith(body, charset) ?? decodeWith(body, 'utf-8')!
  if (profile === 'unf' && text.includes('\ufffd')) {
    for (const retry of [charset, 'windows-1251', 'utf-8']) {
      const again = decodeWith(body, retry)
      if (again !== null && !again.includes('\ufffd')) {
        text = again
        break
      }
    }
  }
  return text
}

/** Splits as СтрПолучитьСтроку/СтрЧислоСтрок do for LF text; a trailing LF counts as one more (empty) line. */
export function linesOf(text: string): string[] {
  return text.split('\n')
}

/** Line 1, trimmed and lower-cased, as 1C compares it with `success`, `failure`, `progress`. */
export function keywordOf(text: string): string {
  return (linesOf(text)[0] ?? '').trim().toLowerCase()
}
