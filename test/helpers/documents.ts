/**
 * Whole CommerceML documents from the pieces the service sends them in: `documentFrame`'s head and tail around the
 * encoded fragments (what `query` streams), and a journaled batch read back as one buffer. For tests and small
 * documents only: the service itself never holds a document in memory.
 */
import { batchDocumentChunks } from '../../src/export/batches.repository.js'
import { byteOrderMark, encodeChunk } from '../../src/export/encoding.js'
import type { DocumentEncoding, SchemaVersion } from '../../src/integration/settings.schema.js'
import { documentFrame } from '../../src/export/order-document.js'
import type { Databases } from '../../src/olvery/databases.js'

/**
 * The bytes of a `query` answer carrying these orders' entries (`renderOrderEntry` of the same schema version, 2.08 by
 * default; none: the empty answer, PROTOCOL.md §3.3).
 */
export function documentBytes(
  fragments: readonly string[],
  options: { generatedAt: Date; timezone: string; encoding: DocumentEncoding; bom?: boolean; schemaVersion?: SchemaVersion },
): Buffer {
  const { head, tail } = documentFrame({ ...options, bom: options.bom ?? false, schemaVersion: options.schemaVersion ?? '2.08' })
  return Buffer.concat([head, ...fragments.map((fragment) => encodeChunk(fragment, options.encoding)), tail])
}

/** A text encoded as one piece, after the byte order mark the settings ask for. */
export function encodeDocument(text: string, encoding: DocumentEncoding, bom: boolean): Buffer {
  return Buffer.concat([byteOrderMark(encoding, bom), encodeChunk(text, encoding)])
}

/** A journaled batch's document, whole. */
export async function readBatchDocument(databases: Pick<Databases, 'db' | 'kind'>, batchId: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of batchDocumentChunks(databases, batchId)) chunks.push(chunk)
  return Buffer.concat(chunks)
}
