/**
 * The reference DDL of the Olvery source contract (`sql/olvery-reference.sql`), applied by the tests, the embedded demo
 * and the benchmark. A real deployment never runs it: there the platform owns its tables.
 */
import fs from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Databases } from './databases.js'

/** Two levels up from both src/olvery/ and dist/olvery/. */
export const REFERENCE_DDL_PATH = fileURLToPath(new URL('../../sql/olvery-reference.sql', import.meta.url))

/** The DDL for `schema`: every name in the file is qualified with `olvery.`, which becomes `<schema>.`. */
async function referenceDdl(schema: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${schema}`)
  const text = await fs.readFile(REFERENCE_DDL_PATH, 'utf8')
  return text.replace(/\bolvery\./g, `${schema}.`).replace('create schema if not exists olvery;', `create schema if not exists ${schema};`)
}

export async function applyReferenceSchema(databases: Databases, schema: string): Promise<void> {
  await databases.execOlveryScript(await referenceDdl(schema))
}
