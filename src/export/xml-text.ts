/**
 * Text as it goes into the CommerceML document (../shared/commerceml/PROTOCOL.md §4, §5.1): one sanitizer for every
 * value, escaping for text and attributes, and the XSD's length limits.
 */

/**
 * Characters XML 1.0 forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF, unpaired surrogates),
 * and U+FFFD, which makes УНФ re-decode the body as another charset (§4).
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const NEEDS_TEXT_WORK = /[\u0000-\u0008\u000B\u000C\u000D-\u001F&<>\uD800-\uDFFF\uFFFD\uFFFE\uFFFF]/
const NEEDS_ATTRIBUTE_WORK = /[\u0000-\u001F&<>"\uD800-\uDFFF\uFFFD\uFFFE\uFFFF]/

/** Removes what XML 1.0 forbids, and U+FFFD (§4). */
export function sanitizeXmlText(value: string): string {
  return value.replace(FORBIDDEN, '')
}

/**
 * Text content: sanitized, `& < >` escaped. CR is written `&#xD;` because a parser turns a literal CR into LF.
 */
export function escapeXmlText(value: string): string {
  if (!NEEDS_TEXT_WORK.test(value)) return value
  return sanitizeXmlText(value).replace(/[&<>\r]/g, (ch) => TEXT_ESCAPES[ch]!)
}

/** Attribute values: as text, plus `"`, and TAB/LF/CR as references so attribute normalisation keeps them. */
export function escapeXmlAttribute(value: string): string {
  if (!NEEDS_ATTRIBUTE_WORK.test(value)) return value
  return sanitizeXmlText(value).replace(/[&<>"\t\n\r]/g, (ch) => ATTRIBUTE_ESCAPES[ch]!)
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' }
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;' }

/** Sanitized, trimmed, and cut to `max` characters (code points, as the XSD counts them). */
export function clip(value: string, max: number): string {
  const text = sanitizeXmlText(value).trim()
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('').trimEnd()
}

/** A trimmed non-empty value, or undefined. */
export function present(value: string | null | undefined): string | undefined {
  if (value == null) return undefined
  const text = sanitizeXmlText(value).trim()
  return text === '' ? undefined : text
}

/** Puts optional members only when they have a value, so the model compares and prints cleanly. */
export function withOptional<T extends object>(base: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (base as Record<string, unknown>)[key] = value
  return base
}

// XSD limits (commerceml-2.08.xsd simple types)
export const NAME_MAX = 255 // НаименованиеТип, СтрокаТип, АртикулТип
export const VALUE_MAX = 1000 // ЗначениеТип
export const GLOBAL_ID_MAX = 40 // ИдентификаторГлобальныйТип
export const LINE_ID_MAX = 80 // Идентификатор80
