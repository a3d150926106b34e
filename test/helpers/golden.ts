/**
 * Golden files: expected output kept in test/fixtures/golden/ and compared byte for byte. They are reviewed like
 * code. `UPDATE_GOLDEN=1 npx tap test/export/` rewrites them from the current output (then read the diff).
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const goldenDirectory = fileURLToPath(new URL('../fixtures/golden/', import.meta.url))

export function goldenPath(name: string): string {
  return `${goldenDirectory}${name}`
}

const updatingGolden = process.env['UPDATE_GOLDEN'] === '1'

/** The stored golden bytes; with UPDATE_GOLDEN=1 the actual bytes are stored first. */
export async function readGolden(name: string, actual: Buffer): Promise<Buffer> {
  const path = goldenPath(name)
  if (updatingGolden) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, actual)
  } else if (!existsSync(path)) {
    throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`)
  }
  return readFile(path)
}
