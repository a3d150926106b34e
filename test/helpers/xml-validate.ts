/**
 * Validates a CommerceML document against 1C's XSD with libxml2, as PROTOCOL.md §9 prescribes, in-process: libxml2
 * compiled to WebAssembly (`libxml2-wasm`), so the tests need nothing installed. The schemas have a target namespace
 * and the service's output has none, so `xmlns="urn:1C.ru:commerceml_2"` is injected on the root first. libxml2
 * reads the raw bytes, so it decodes the encoding the declaration names (windows-1251 included) and a BOM exactly as
 * 1C would get them. Each schema is compiled once per process.
 *
 * There is no CommerceML 3.1 XSD at hand (../shared/commerceml/xsd/ has 2.08–2.10): `validateCommerceML31Documents`
 * validates the `Документ`s of a 3.1 answer against the 2.08 XSD, since the service writes the same `Документ` in both
 * (src/export/order-document.ts); the 3.1 layout around them is `layoutProblems`' job (commerceml-reader.ts).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'
import { type ErrorDetail, XmlDocument, XmlLibError, XsdValidator } from 'libxml2-wasm'

export type CommerceMLVersion = '2.08' | '2.09' | '2.10'

export interface ValidationResult {
  valid: boolean
  /** libxml2's messages as `document:<line>: <message>`, empty when valid. */
  errors: string[]
}

/** /work/shared is a sibling of the repository root. */
function schemaPath(version: CommerceMLVersion = '2.08'): string {
  return fileURLToPath(new URL(`../../../shared/commerceml/xsd/commerceml-${version}.xsd`, import.meta.url))
}

const NAMESPACE = ' xmlns="urn:1C.ru:commerceml_2"'
const ROOT = '<КоммерческаяИнформация'
const ROOT_31 = '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_3"'

/** The encoding named in the XML declaration (ASCII in both encodings the service writes), UTF-8 by default. */
export function declaredEncoding(bytes: Buffer): string {
  const start = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0
  const head = bytes.subarray(start, start + 200).toString('latin1')
  return /^<\?xml[^>]*\sencoding="([^"]+)"/.exec(head)?.[1] ?? 'UTF-8'
}

/** Adds the CommerceML namespace to the root start tag, working on the bytes in the document's own encoding. */
function injectNamespace(bytes: Buffer): Buffer {
  const needle = iconv.encode(ROOT, declaredEncoding(bytes))
  const at = bytes.indexOf(needle)
  if (at < 0) throw new Error('no <КоммерческаяИнформация root start tag found')
  const end = at + needle.length
  return Buffer.concat([bytes.subarray(0, end), Buffer.from(NAMESPACE, 'ascii'), bytes.subarray(end)])
}

/** Every occurrence of `needle` removed (markup only: in text and attribute values `<` is always escaped). */
function removeAll(bytes: Buffer, needle: Buffer): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, from)) {
    parts.push(bytes.subarray(from, at))
    from = at + needle.length
  }
  parts.push(bytes.subarray(from))
  return Buffer.concat(parts)
}

/**
 * A 3.1 answer as the 2.08 document holding the same `Документ`s: the root moved from `urn:1C.ru:commerceml_3` to
 * `urn:1C.ru:commerceml_2` and the `Контейнер` tags dropped, in the document's own encoding. Null when the root is
 * not in the 3.1 namespace.
 */
function as208(bytes: Buffer): Buffer | null {
  const encoding = declaredEncoding(bytes)
  const root = iconv.encode(ROOT_31, encoding)
  const at = bytes.indexOf(root)
  if (at < 0) return null
  const moved = Buffer.concat([bytes.subarray(0, at), iconv.encode(`${ROOT}${NAMESPACE}`, encoding), bytes.subarray(at + root.length)])
  return removeAll(removeAll(moved, iconv.encode('<Контейнер>', encoding)), iconv.encode('</Контейнер>', encoding))
}

/**
 * The compiled schemas, one per version, kept for the life of the process (the schema document stays alive with
 * its validator: libxml2's compiled schema points into it).
 */
const validators = new Map<CommerceMLVersion, { schema: XmlDocument; validator: XsdValidator }>()

function validatorFor(version: CommerceMLVersion): XsdValidator {
  let compiled = validators.get(version)
  if (compiled === undefined) {
    const schema = XmlDocument.fromBuffer(readFileSync(schemaPath(version)), { url: schemaPath(version) })
    compiled = { schema, validator: XsdValidator.fromDoc(schema) }
    validators.set(version, compiled)
  }
  return compiled.validator
}

function describe(details: readonly ErrorDetail[], fallback: string): string[] {
  const lines = details.map((d) => `document:${d.line}: ${d.message.trim()}`)
  return lines.length > 0 ? lines : [fallback]
}

// Async: every caller awaits it, and a validation off the main thread would keep that signature.
export async function validateCommerceML(xml: Buffer | string, version: CommerceMLVersion = '2.08'): Promise<ValidationResult> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml
  return validateBytes(injectNamespace(bytes), version)
}

/** The `Документ`s of a CommerceML 3.1 answer against the 2.08 XSD (see above). */
export async function validateCommerceML31Documents(xml: Buffer | string): Promise<ValidationResult> {
  const bytes = as208(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml)
  if (!bytes) return { valid: false, errors: ['the root start tag is not <КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_3"'] }
  return validateBytes(bytes, '2.08')
}

/** A document already in the schemas' namespace, against the schema of `version`. */
function validateBytes(bytes: Buffer, version: CommerceMLVersion): ValidationResult {
  const validator = validatorFor(version)
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(bytes, { url: 'document' })
  } catch (error) {
    if (error instanceof XmlLibError) return { valid: false, errors: describe(error.details, error.message) }
    throw error
  }
  try {
    validator.validate(document)
    return { valid: true, errors: [] }
  } catch (error) {
    if (error instanceof XmlLibError) return { valid: false, errors: describe(error.details, error.message) }
    throw error
  } finally {
    document.dispose()
  }
}
