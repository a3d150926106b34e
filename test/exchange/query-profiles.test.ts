/**
 * Downloads through HTTP for integration profiles and for two 1C clients sharing one set of credentials.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createIntegration } from '../helpers/integrations.js'
import type { IntegrationSettingsInput } from '../../src/integration/settings.schema.js'
import { buildTestApp } from '../helpers/build-app.js'
import { createOrder, createSupplier, SEED_SETTINGS, setOrderComment } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { validateCommerceML } from '../helpers/xml-validate.js'

const { app, databases } = await buildTestApp(t)

async function setup(settings: Partial<IntegrationSettingsInput> = {}) {
  const supplier = await createSupplier(databases.olvery)
  const created = await createIntegration(databases.db, {
    name: `Бухгалтерия ${randomUUID().slice(0, 8)}`,
    companyId: supplier.companyId,
    locationId: supplier.locationId,
    settings: { ...SEED_SETTINGS, ...settings },
  })
  const client = (profile: 'ut11' | 'unf' = 'ut11') =>
    new OneCClient({ inject: app, login: created.login, password: created.password, profile })
  return { supplier, created, client }
}

t.test('windows-1251: declaration and Content-Type agree, text outside cp1251 arrives as character references', async (t) => {
  const { supplier, client } = await setup({ encoding: 'windows-1251' })
  const order = await createOrder(databases.olvery, supplier)
  await setOrderComment(databases.olvery, order.id, 'Оплата 500 ₽ 😀 «ёлка»')
  const result = await client('unf').exchange()
  t.same(result.problems, [])
  const query = result.steps.find((s) => s.mode === 'query')!
  t.equal(query.response.contentType, 'application/xml; charset=windows-1251')
  const bytes = query.response.body
  t.match(bytes.subarray(0, 60).toString('latin1'), /^<\?xml version="1\.0" encoding="windows-1251"\?>/)
  t.ok(bytes.includes(Buffer.from([0xb8])), 'ё is one cp1251 byte')
  t.match(result.document, /Оплата 500 &#x20BD; &#x1F600; «ёлка»/)
  t.equal(result.documents[0]?.requisites['Комментарии покупателя'], 'Оплата 500 ₽ 😀 «ёлка»', '1C reads the original text')
  t.same(await validateCommerceML(bytes), { valid: true, errors: [] })
})

t.test('bom: true puts a UTF-8 BOM first; УТ 11 then cannot read the answer, as PROTOCOL.md §4 warns', async (t) => {
  const { supplier, client } = await setup({ bom: true })
  await createOrder(databases.olvery, supplier)
  const result = await client('ut11').exchange()
  const query = result.steps.find((s) => s.mode === 'query')!
  t.same([...query.response.body.subarray(0, 3)], [0xef, 0xbb, 0xbf])
  t.equal(query.response.body.subarray(3, 8).toString('latin1'), '<?xml')
  t.notOk(result.successSent, 'a 1C that does not strip the BOM loads nothing and sends no success')
})

t.test('two 1C clients with the same credentials exchanging at once deliver every order, each batch to its own session', async (t) => {
  const { supplier, client } = await setup()
  for (let i = 0; i < 5; i++) await createOrder(databases.olvery, supplier)
  const [a, b] = await Promise.all([client('ut11').exchange(), client('unf').exchange()])
  t.same(a.problems, [])
  t.same(b.problems, [])
  t.ok(a.documentCount + b.documentCount >= 5, 'between them they received every order')
  const again = await client('ut11').exchange()
  t.equal(again.documentCount, 0, 'nothing is pending afterwards')
})

t.test('the batch_size setting caps each query; the following exchanges deliver the rest', async (t) => {
  const { supplier, client } = await setup({ batch_size: 2 })
  for (let i = 0; i < 5; i++) await createOrder(databases.olvery, supplier)
  const counts = []
  for (let i = 0; i < 4; i++) counts.push((await client().exchange()).documentCount)
  t.same(counts, [2, 2, 1, 0])
})
