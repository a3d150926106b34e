import fs from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { buildTestApp } from '../helpers/build-app.js'

const document = parse(fs.readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  openapi: string
  paths: Record<string, Record<string, unknown>>
  components: { pathItems?: Record<string, Record<string, unknown>> }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options']

/** `METHOD /path` for every operation of the document, with `{param}` written as Fastify's `:param`. */
function documentedRoutes(): string[] {
  const routes: string[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    const ref = item['$ref'] as string | undefined
    const resolved = ref ? document.components.pathItems?.[ref.split('/').pop()!] ?? {} : item
    for (const method of METHODS) {
      if (resolved[method]) routes.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
    }
  }
  return routes.sort()
}

t.test('openapi.yaml is OpenAPI 3.1', async (t) => {
  t.match(document.openapi, /^3\.1\./)
})

t.test('openapi.yaml and the app list the same routes and methods', async (t) => {
  const { app } = await buildTestApp(t)
  t.same([...new Set(app.routeList)].sort(), documentedRoutes())
})
