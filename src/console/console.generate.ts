/**
 * `npm run console:generate`: writes the console's two files derived from openapi.yaml, so the page's API calls and
 * its as-you-type settings check follow the document instead of a copy of it:
 * - `web/generated/openapi.types.ts`: the types of every path, body and answer (openapi-typescript);
 * - `web/generated/settings-schema.ts`: the JSON Schema of IntegrationSettings, `$ref`s resolved, validation keywords only.
 * Both are committed; test/console/generated.test.ts fails when openapi.yaml changed and they were not regenerated.
 */
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { parse } from 'yaml'

const OPENAPI_URL = new URL('../../openapi.yaml', import.meta.url)
const GENERATED = new URL('../../src/console/web/generated/', import.meta.url)

const HEADER = '// Generated from openapi.yaml by `npm run console:generate`; do not edit (test/console/generated.test.ts checks it).\n'

/** The keywords the console's settings check understands (web/settings-check.ts); descriptions and examples are left out. */
const VALIDATION_KEYWORDS = new Set([
  'type', 'required', 'additionalProperties', 'properties', 'items', 'enum', 'pattern', 'format',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'minProperties',
])

type Json = Record<string, unknown>

function validationSchema(node: unknown, document: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => validationSchema(item, document))
  if (node === null || typeof node !== 'object') return node
  const ref = (node as Json)['$ref']
  if (typeof ref === 'string') {
    const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((n, key) => (n as Json)[key], document)
    return validationSchema(target, document)
  }
  const out: Json = {}
  for (const [key, value] of Object.entries(node as Json)) {
    if (!VALIDATION_KEYWORDS.has(key)) continue
    // Under `properties` the keys are setting names, each a schema of its own.
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, validationSchema(schema, document)]))
        : validationSchema(value, document)
  }
  return out
}

/** The generated files, by URL, with the text each must hold. */
export async function generatedFiles(): Promise<Map<URL, string>> {
  const text = fs.readFileSync(OPENAPI_URL, 'utf8')
  const document = parse(text) as Json
  const types = astToString(await openapiTS(document as never, { rootTypes: false, defaultNonNullable: false }))
  const schemas = (document['components'] as Json)['schemas'] as Json
  const settings = validationSchema(schemas['IntegrationSettings'], document)
  return new Map([
    [new URL('openapi.types.ts', GENERATED), `${HEADER}${types}`],
    [
      new URL('settings-schema.ts', GENERATED),
      `${HEADER}/** components.schemas.IntegrationSettings of openapi.yaml, for the check as the administrator types. */\n` +
        `export const INTEGRATION_SETTINGS_SCHEMA = ${JSON.stringify(settings, null, 2)} as const\n`,
    ],
  ])
}

async function main(): Promise<void> {
  fs.mkdirSync(GENERATED, { recursive: true })
  for (const [url, content] of await generatedFiles()) {
    fs.writeFileSync(url, content)
    console.log(`wrote ${url.pathname}`)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
