import fs from 'node:fs'
import t from 'tap'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { parse } from 'yaml'
import { ERROR_CODES } from '../../src/errors.js'
import { AdminApi, documentedOperations, exercised, openApiDocument, resolve, SEED_SETTINGS_TEXT } from '../helpers/admin-api.js'
import { HS256_ENV, systemOperatorToken } from '../helpers/admin-token.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'

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

t.test("openapi.yaml's query parameters are the routes' query-string schemas", async (t) => {
  const { app } = await buildTestApp(t)
  const checked = new Set<string>()
  for (const [path, item] of Object.entries(openApiDocument['paths'] as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = resolve(item)[method] as Json | undefined
      if (!operation) continue
      const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`
      const documented = Object.fromEntries(
        ((operation['parameters'] ?? []) as Json[]).map((p) => resolve(p)).filter((p) => p['in'] === 'query').map((p) => [p['name'], resolve(p['schema'])]),
      )
      const schema = app.routeQueries.get(route) as Json | undefined
      // The exchange reads its query string itself (exchange.plugin.ts parseQueryString); its tests cover it.
      if (!schema && route.includes('1c_exchange')) continue
      const served = (schema?.['properties'] ?? {}) as Record<string, Json>
      t.same(Object.keys(documented).sort(), Object.keys(served).sort(), `${route}: the same query parameters`)
      for (const [name, property] of Object.entries(served)) {
        const keys = ['type', 'enum', 'minimum', 'maximum', 'default', 'format', 'pattern']
        const pick = (s: Json | undefined) => Object.fromEntries(keys.filter((k) => s?.[k] !== undefined).map((k) => [k, s![k]]))
        t.same(pick(documented[name]), pick(property), `${route} ?${name}`)
      }
      if (schema) checked.add(route)
    }
  }
  t.same([...checked].sort(), [...app.routeQueries.keys()].sort(), 'every route with a query string is documented')
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const adminOperations = () =>
  documentedOperations('/api/v1').map((op) => {
    const [method, path] = op.split(' ') as [string, string]
    return { op, path, operation: resolve(openApiDocument['paths'][path])[method.toLowerCase()] as Json }
  })

t.test('every admin operation has an id, the bearer security scheme, and documents 401, 403, 500 and 503', async (t) => {
  const ids = new Set<string>()
  for (const { op, operation } of adminOperations()) {
    t.type(operation['operationId'], 'string', op)
    t.notOk(ids.has(operation['operationId']), `${op}: operationId is unique`)
    ids.add(operation['operationId'])
    t.same(operation['security'], [{ adminBearer: [] }], op)
    for (const status of ['401', '403', '500', '503']) t.ok(operation['responses']?.[status], `${op} documents ${status}`)
  }
})

t.test("the Error schema's codes are the catalogue of src/errors.ts", async (t) => {
  const codes = openApiDocument['components']['schemas']['Error']['properties']['error']['properties']['code']['enum']
  t.same([...codes].sort(), Object.keys(ERROR_CODES).sort())
})

// ajv-formats is CommonJS: at run time the default import is the plugin function, NodeNext types it as the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

t.test('every component schema is valid JSON Schema 2020-12, and its examples match it', async (t) => {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }))
  ajv.addSchema(openApiDocument, 'doc')
  for (const name of Object.keys(openApiDocument['components']['schemas'])) {
    const validate = ajv.getSchema(`doc#/components/schemas/${name}`)
    t.ok(validate, `${name} compiles`)
    for (const example of openApiDocument['components']['schemas'][name]['examples'] ?? []) {
      t.ok(validate!(example), `${name} example: ${ajv.errorsText(validate!.errors)}`)
    }
  }
})

t.test('every request and response example of the admin API matches its schema', async (t) => {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }))
  ajv.addSchema(openApiDocument, 'doc')
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
  let checked = 0
  for (const { op, path, operation } of adminOperations()) {
    const method = op.split(' ')[0]!.toLowerCase()
    const bodies: Array<[string, Json]> = []
    if (operation['requestBody']) bodies.push([pointer('paths', path, method, 'requestBody'), operation['requestBody']])
    for (const [status, response] of Object.entries<Json>(operation['responses'])) {
      const base = response['$ref'] ? String(response['$ref']).replace(/^#\//, '') : pointer('paths', path, method, 'responses', status)
      bodies.push([base, resolve(response)])
    }
    for (const [base, body] of bodies) {
      const media = body['content']?.['application/json']
      if (!media) continue
      const validate = ajv.getSchema(`doc#/${base}/content/application~1json/schema`)!
      const examples = [...(media['example'] !== undefined ? [media['example']] : []), ...Object.values<Json>(media['examples'] ?? {}).map((e) => e['value'])]
      for (const example of examples) {
        checked++
        t.ok(validate(example), `${op} ${base}: ${ajv.errorsText(validate.errors)}`)
      }
    }
  }
  t.ok(checked > 10, `${checked} examples checked`)
})

t.test('every admin endpoint answers its documented success with a body that matches openapi.yaml', async (t) => {
  const { app, databases } = await buildTestApp(t, { env: HS256_ENV })
  const api = new AdminApi(app, await systemOperatorToken())
  const supplier = await createSupplier(databases.olvery)
  const order = await createOrder(databases.olvery, supplier, { number: 'A-123' })

  // Every request example of the document, sent as it is (with a real company): the service accepts them.
  const createExamples = openApiDocument['paths']['/api/v1/integrations']['post']['requestBody']['content']['application/json']['examples']
  let created: Json | undefined
  for (const [name, example] of Object.entries<Json>(createExamples)) {
    const res = await api.post(t, '/api/v1/integrations', {
      body: { ...example['value'], companyId: supplier.companyId, name: `${example['value'].name} (${name})` },
    })
    t.equal(res.statusCode, 201, `example ${name}: ${res.text}`)
    created ??= res.json
  }
  const id = created!['id']
  const exchange = await new OneCClient({ inject: app, login: created!['login'], password: created!['password'] }).exchange()
  t.same(exchange.problems, [])

  await api.get(t, '/api/v1/companies')
  await api.get(t, '/api/v1/integrations')
  await api.get(t, '/api/v1/integrations/{id}', { params: { id } })
  const batches = await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })
  const batchId = batches.json.batches[0].id
  await api.get(t, '/api/v1/integrations/{id}/batches/{batchId}', { params: { id, batchId } })
  await api.get(t, '/api/v1/integrations/{id}/batches/{batchId}/document', { params: { id, batchId } })
  await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber: order.number } })
  const upload = await new OneCClient({ inject: app, login: created!['login'], password: created!['password'] }).uploadCycle(
    'orders-0b9c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml',
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07"><Документ><Номер>${order.number}</Номер>` +
        '<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ТД00-000123</Значение></ЗначениеРеквизита>' +
        '</ЗначенияРеквизитов></Документ><Документ><Номер>НЕТ-1</Номер></Документ></КоммерческаяИнформация>',
    ),
  )
  t.same(upload.problems, [])
  const uploads = await api.get(t, '/api/v1/integrations/{id}/uploads', { params: { id } })
  t.match(uploads.json.uploads[0], { outcome: { matched: 1, unmatched: 1 } })
  const reported = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber: order.number } })
  t.match(reported.json.reportedBy1C, { number1c: 'ТД00-000123' })
  await api.get(t, '/api/v1/integrations/{id}/preview', { params: { id } })
  await api.get(t, '/api/v1/integrations/{id}/preview', { params: { id }, query: { format: 'xml' } })
  // The operator tools: a batch 1C queried and never acknowledged, acknowledged by hand; an order excluded (with each
  // request example) and included again; then the audit trail of all of it.
  await api.post(t, '/api/v1/integrations/{id}/reexport', { params: { id }, body: { orderIds: [order.id] } })
  const silent = new OneCClient({ inject: app, login: created!['login'], password: created!['password'] })
  await silent.checkauth()
  await silent.query()
  const latest = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches[0].id
  t.equal((await api.post(t, '/api/v1/integrations/{id}/batches/{batchId}/acknowledge', { params: { id, batchId: latest } })).statusCode, 200)
  const EXCLUSION = '/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion'
  for (const example of Object.values<Json>(openApiDocument['paths'][EXCLUSION]['put']['requestBody']['content']['application/json']['examples'])) {
    t.equal((await api.put(t, EXCLUSION, { params: { id, orderIdOrNumber: order.number }, body: example['value'] })).statusCode, 200)
  }
  t.equal((await api.delete(t, EXCLUSION, { params: { id, orderIdOrNumber: order.number } })).statusCode, 200)
  t.equal((await api.get(t, '/api/v1/integrations/{id}/audit', { params: { id } })).statusCode, 200)
  for (const example of Object.values<Json>(openApiDocument['paths']['/api/v1/integrations/{id}']['patch']['requestBody']['content']['application/json']['examples'])) {
    t.equal((await api.patch(t, '/api/v1/integrations/{id}', { params: { id }, body: example['value'] })).statusCode, 200)
  }
  await api.post(t, '/api/v1/integrations/{id}/reexport', { params: { id }, body: { orderIds: [order.id] } })
  await api.post(t, '/api/v1/integrations/{id}/reexport', { params: { id }, body: { from: '2026-03-01' } })
  await api.post(t, '/api/v1/integrations/{id}/credentials', { params: { id }, body: {} })
  await api.post(t, '/api/v1/integrations/{id}/credentials', { params: { id }, body: { login: `romashka-${Date.now()}` } })
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id } })
  void SEED_SETTINGS_TEXT

  for (const op of documentedOperations('/api/v1')) {
    t.ok([...exercised].some((e) => e.startsWith(`${op} 2`)), `${op} answered a documented 2xx`)
  }
})
