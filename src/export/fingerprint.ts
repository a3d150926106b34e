/**
 * The fingerprint of an order's document (../shared/design/EXPORT-SEMANTICS.md "Fingerprint"): equal exactly when
 * 1C would receive the same data. It hashes the `<Документ>` fragment from `renderOrderDocument`, which holds
 * everything 1C reads of the order and nothing of the answer around it: not the generation time in the header, not
 * the byte encoding (it changes bytes, not what 1C reads), and not the schema version's layout (a 3.1 answer carries
 * the same `Документ` in a `Контейнер`, one level deeper: whitespace, not data). So switching an integration between
 * 2.08 and 3.1 sends nothing again by itself.
 */
import { createHash } from 'node:crypto'

/** sha256 hex of the fragment's UTF-8. */
export function fingerprintOf(fragment: string): string {
  return createHash('sha256').update(fragment, 'utf8').digest('hex')
}
