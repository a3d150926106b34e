/**
 * Validates a CommerceML document against 1C's XSD with libxml2, as PROTOCOL.md §9 prescribes, in-process: libxml2
 * compiled to WebAssembly (`libxml2-wasm`), so the tests need nothing installed. The schemas have a target namespace
 * and the service's output has none, so `xmlns="urn:1C.ru:commerceml_2"` is injected on the root first. libxml2
 * reads the raw bytes, so it decodes the encoding the declaration names (windows-1251 included) and a BOM exactly as
 * 1C would get them. Each schema is compiled once per process.
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
  const validator = validatorFor(version)
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(injectNamespace(bytes), { url: 'document' })
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
