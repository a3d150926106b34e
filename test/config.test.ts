import fs from 'node:fs'
import t from 'tap'
import { ConfigError, ENV_VARIABLES, loadConfig } from '../src/config.js'

t.test('an empty environment runs on the embedded database with demo data', async (t) => {
  const config = loadConfig({})
  t.equal(config.databaseUrl, null)
  t.equal(config.dataDir, './data')
  t.equal(config.port, 8080)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.olveryDbSchema, 'olvery')
  t.equal(config.demoSeed, true)
  t.equal(config.migrateOnStart, true)
  t.equal(config.exchangePath, '/1c_exchange')
})

t.test('with DATABASE_URL the demo is off unless asked for', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).demoSeed, false)
  t.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db', DEMO_SEED: 'true' }).demoSeed, true)
})

t.test('numbers and booleans are read from their text', async (t) => {
  const config = loadConfig({ PORT: '9090', MIGRATE_ON_START: 'false', FILE_LIMIT_BYTES: '204800' })
  t.equal(config.port, 9090)
  t.equal(config.migrateOnStart, false)
  t.equal(config.fileLimitBytes, 204800)
})

t.test('empty strings count as unset', async (t) => {
  const config = loadConfig({ DATABASE_URL: '', PORT: ' ' })
  t.equal(config.databaseUrl, null)
  t.equal(config.port, 8080)
})

t.test('every problem is listed at once', async (t) => {
  try {
    loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', OLVERY_DB_SCHEMA: 'Bad-Name' })
    t.fail('loadConfig accepted an invalid environment')
  } catch (error) {
    t.type(error, ConfigError)
    const problems = (error as ConfigError).problems
    t.equal(problems.length, 4)
    t.match(problems.join('\n'), /PORT must be integer/)
    t.match(problems.join('\n'), /LOG_LEVEL must be one of fatal, error/)
    t.match(problems.join('\n'), /DATABASE_URL must be a postgres:\/\/ URL/)
    t.match(problems.join('\n'), /OLVERY_DB_SCHEMA must be a lower-case SQL identifier/)
  }
})

t.test('a port out of range is refused', async (t) => {
  t.throws(() => loadConfig({ PORT: '70000' }), ConfigError)
})

t.test('DATABASE_POOLING is session by default, or transaction; anything else is refused', async (t) => {
  t.equal(loadConfig({}).databasePooling, 'session')
  t.equal(loadConfig({ DATABASE_POOLING: 'transaction' }).databasePooling, 'transaction')
  const error = t.throws(() => loadConfig({ DATABASE_POOLING: 'statement' })) as ConfigError
  t.match(error.problems.join('\n'), /DATABASE_POOLING must be one of session, transaction/)
})

t.test('the configuration is frozen', async (t) => {
  const config = loadConfig({})
  t.ok(Object.isFrozen(config))
})

t.test('.env.example documents every variable, and only those', async (t) => {
  const text = fs.readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
  const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
  t.same([...new Set(documented)].sort(), [...ENV_VARIABLES].sort())
})

t.test('the README configuration table lists every variable', async (t) => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  for (const name of ENV_VARIABLES) t.match(readme, new RegExp('`' + name + '`'), `${name} is in the README`)
})

t.test('TRUST_PROXY takes true, false or a list of proxy addresses', async (t) => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16' }).trustProxy, ['10.0.0.5', '192.168.0.0/16'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'the nginx box' }), { message: /TRUST_PROXY must be true, false, or a comma-separated list/ })
})
