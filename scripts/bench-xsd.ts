/**
 * What the tests' XSD check costs (test/helpers/xml-validate.ts, libxml2 in WebAssembly): compiling each schema
 * once, then validating each golden answer, and a document of many orders made by repeating one golden order.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:xsd -- [--rounds 200] [--orders 500]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { goldenDirectory, goldenPath } from '../test/helpers/golden.js'
import { type CommerceMLVersion, validateCommerceML } from '../test/helpers/xml-validate.js'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' }, orders: { type: 'string', default: '500' } } })
const rounds = Number(values.rounds)
const orders = Number(values.orders)

async function timed(bytes: Buffer, version: CommerceMLVersion, times: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < times; i++) {
    const result = await validateCommerceML(bytes, version)
    if (!result.valid) throw new Error(`not valid: ${result.errors.join('; ')}`)
  }
  return (performance.now() - started) / times
}

const row = (label: string, ms: number, size: number) =>
  console.log(`${label.padEnd(40)} ${ms.toFixed(3).padStart(9)} ms  ${(size / 1024).toFixed(1).padStart(8)} KiB`)

console.log(`libxml2-wasm XSD validation, node ${process.version}, ${rounds} rounds each`)
const first = readFileSync(goldenPath('person-paid.xml'))
for (const version of ['2.08', '2.10'] as const) row(`compile the ${version} schema + first validation`, await timed(first, version, 1), first.length)

for (const name of readdirSync(goldenDirectory).filter((f) => f.endsWith('.xml')).sort()) {
  const bytes = readFileSync(goldenPath(name))
  row(name, await timed(bytes, '2.08', rounds), bytes.length)
}

// One order's <Документ> repeated: the size of a large `query` answer.
const text = first.toString('utf8')
const start = text.indexOf('  <Документ>')
const end = text.lastIndexOf('</Документ>') + '</Документ>\n'.length
const many = Buffer.from(text.slice(0, start) + text.slice(start, end).repeat(orders) + text.slice(end), 'utf8')
row(`${orders} orders (person-paid.xml repeated)`, await timed(many, '2.08', Math.max(1, Math.round(rounds / 50))), many.length)
