/**
 * Validates a CommerceML document against 1C's XSD with libxml2's xmllint, as PROTOCOL.md §9 prescribes: the
 * schemas have a target namespace and the service's output has none, so `xmlns="urn:1C.ru:commerceml_2"` is
 * injected on the root first. The raw bytes go to xmllint through a temporary file, so it reads the encoding the
 * declaration names (windows-1251 included) and a BOM exactly as 1C would get them.
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

export async function validateCommerceML(xml: Buffer | string, version: CommerceMLVersion = '2.08'): Promise<ValidationResult> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml
  const dir = await mkdtemp(join(tmpdir(), 'cml-validate-'))
  const file = join(dir, 'document.xml')
  try {
    await writeFile(file, injectNamespace(bytes))
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      execFile('xmllint', ['--noout', '--schema', schemaPath(version), file], { encoding: 'utf8' }, (error, _stdout, stderr) => {
        // xmllint could not be run at all (not installed): that is the error, not a validation result.
        if (error && typeof error.code !== 'number') reject(new Error(`xmllint: ${error.message}`, { cause: error }))
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
