/** The console's files derived from openapi.yaml are what `npm run console:generate` writes from it now. */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { generatedFiles } from '../../src/console/console.generate.js'

t.test('generated/openapi.types.ts and generated/settings-schema.ts follow openapi.yaml', async (t) => {
  const files = await generatedFiles()
  t.equal(files.size, 2)
  for (const [url, wanted] of files) {
    const name = fileURLToPath(url).replace(/.*\/src\//, 'src/')
    t.ok(fs.existsSync(url), `${name} exists`)
    t.ok(fs.readFileSync(url, 'utf8') === wanted, `${name} is current: run npm run console:generate and commit the result`)
  }
})
