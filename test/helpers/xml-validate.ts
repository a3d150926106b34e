/**
 * Validates a CommerceML document against 1C's XSD with libxml2's xmllint, as PROTOCOL.md §9 prescribes: the
 * schemas have a target namespace and the service's 2.08 output has none, so `xmlns="urn:1C.ru:commerceml_2"` is
 * injected on the root first. The raw bytes go to xmllint through a temporary file, so it reads the encoding the
 * declaration names (windows-1251 included) and a BOM exactly as 1C would get them.
 *
 * There is no CommerceML 3.1 XSD at hand (../shared/commerceml/xsd/ has 2.08–2.10): `validateCommerceML31Documents`
 * validates the `Документ`s of a 3.1 answer against the 2.08 XSD, since the service writes the same `Документ` in both
 * (src/export/order-document.ts); the 3.1 layout around them is `layoutProblems`' job (commerceml-reader.ts).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'

export type CommerceMLVersion = '2.08' | '2.09' | '2.10'

export interface ValidationResult {
  valid: boolean
  /** xmllint's messages (file name replaced by `document`), empty when valid. */
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

export async function validateCommerceML(xml: Buffer | string, version: CommerceMLVersion = '2.08'): Promise<ValidationResult> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml
  return xmllint(injectNamespace(bytes), version)
}

/** The `Документ`s of a CommerceML 3.1 answer against the 2.08 XSD (see above). */
export async function validateCommerceML31Documents(xml: Buffer | string): Promise<ValidationResult> {
  const bytes = as208(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml)
  if (!bytes) return { valid: false, errors: ['the root start tag is not <КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_3"'] }
  return xmllint(bytes, '2.08')
}

async function xmllint(bytes: Buffer, version: CommerceMLVersion): Promise<ValidationResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cml-validate-'))
  const file = join(dir, 'document.xml')
  try {
    await writeFile(file, bytes)
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      execFile('xmllint', ['--noout', '--schema', schemaPath(version), file], { encoding: 'utf8' }, (error, _stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(new Error(`xmllint did not run: ${error.message}`, { cause: error }))
        else resolve({ code: error ? Number(error.code) : 0, stderr })
      })
    })
    const errors = stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.endsWith(' validates'))
      .map((line) => line.replaceAll(file, 'document'))
    return { valid: code === 0 && errors.length === 0, errors }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
