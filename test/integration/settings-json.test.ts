import t from 'tap'
import { InvalidSettingsError, parseSettings } from '../../src/integration/settings.schema.js'

const SEED = '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'

function problems(input: unknown): Array<{ path: string; message: string }> {
  try {
    parseSettings(input)
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error.problems
    throw error
  }
  throw new Error('the settings were accepted')
}

t.test('the seed example from the admin screen is accepted as it is, with defaults applied', async (t) => {
  const { stored, settings } = parseSettings(SEED)
  t.same(stored, JSON.parse(SEED))
  t.same(settings, {
    paymentRules: [{ status: 'purchased', gateway: 'CKassa' }],
    paymentMethodName: 'Оплата картой внешняя',
    paymentMethodId: null,
    encoding: 'UTF-8',
    bom: false,
    batchSize: 500,
    exportFrom: null,
    currency: null,
    timezone: null,
    schemaVersion: '2.08',
  })
})

t.test('settings may come as an object as well as text', async (t) => {
  t.equal(parseSettings(JSON.parse(SEED)).settings.paymentMethodName, 'Оплата картой внешняя')
})

t.test('typographic quotes pasted from a wiki get a hint to use plain double quotes', async (t) => {
  const pasted = '{«paymentrules»:[{«status»:«purchased»}],«paymentmethod_name»:«Оплата картой внешняя»}'
  t.match(problems(pasted), [{ path: '', message: /typographic quotes.*plain double quotes/ }])
  const curly = '{“paymentrules”:[{“status”:“purchased”}],“paymentmethod_name”:“Оплата”}'
  t.match(problems(curly), [{ message: /typographic quotes/ }])
})

t.test('text that is not JSON says so, with the parser position', async (t) => {
  t.match(problems('{"paymentrules": [}'), [{ path: '', message: /not valid JSON/ }])
})

t.test('every problem is reported with its JSON path', async (t) => {
  const found = problems({ paymentrules: [{ status: 'purchased', gateway: 7 }, {}], paymentmethod_name: '', batch_size: 0 })
  t.same(found.map((p) => `${p.path} ${p.message}`).sort(), [
    'batch_size must be >= 1',
    'paymentmethod_name must not be empty',
    'paymentrules[0].gateway must be a string',
    'paymentrules[1] must name a "status", a "gateway", or both',
  ])
})

t.test('required settings are named when missing', async (t) => {
  t.same(problems({}).map((p) => `${p.path} ${p.message}`).sort(), ['paymentmethod_name is required', 'paymentrules is required'])
})

t.test('an empty rule list is refused with an example of a rule', async (t) => {
  t.match(problems({ paymentrules: [], paymentmethod_name: 'x' }), [{ path: 'paymentrules', message: /at least one rule/ }])
})

t.test('an unknown setting (a typo) is refused by name', async (t) => {
  t.match(problems({ paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'x', paymentmethod: 'y' }), [
    { path: 'paymentmethod', message: /not a known setting/ },
  ])
})

t.test('encoding, export_from and timezone are checked for meaning, not only shape', async (t) => {
  const base = { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'x' }
  t.match(problems({ ...base, encoding: 'cp1251' }), [{ path: 'encoding', message: /"UTF-8", "windows-1251"/ }])
  t.match(problems({ ...base, export_from: '14.03.2025' }), [{ path: 'export_from', message: /YYYY-MM-DD/ }])
  t.match(problems({ ...base, export_from: '2025-02-30' }), [{ path: 'export_from', message: /not a real calendar date/ }])
  t.match(problems({ ...base, timezone: 'Moscow' }), [{ path: 'timezone', message: /IANA/ }])
  t.equal(parseSettings({ ...base, timezone: 'Asia/Novosibirsk', export_from: '2024-02-29' }).settings.timezone, 'Asia/Novosibirsk')
})

t.test('schema_version is "2.08" or "3.1"; anything else, or the version as a number, is refused with the values', async (t) => {
  const base = { paymentrules: [{ status: 'purchased' }], paymentmethod_name: 'x' }
  t.equal(parseSettings({ ...base, schema_version: '3.1' }).settings.schemaVersion, '3.1')
  t.equal(parseSettings({ ...base, schema_version: '2.08' }).settings.schemaVersion, '2.08')
  t.same(problems({ ...base, schema_version: '3.0' }), [{ path: 'schema_version', message: 'must be one of "2.08", "3.1"' }])
  t.same(problems({ ...base, schema_version: '2.10' }), [{ path: 'schema_version', message: 'must be one of "2.08", "3.1"' }])
  t.same(problems({ ...base, schema_version: 3.1 }), [{ path: 'schema_version', message: 'must be "2.08" or "3.1", written in double quotes' }])
})

t.test('a JSON value that is not an object is refused', async (t) => {
  t.match(problems('[1,2]'), [{ message: /must be a JSON object/ }])
  t.match(problems('null'), [{ message: /must be a JSON object/ }])
})
