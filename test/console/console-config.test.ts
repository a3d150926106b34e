/** The console's two settings, CONSOLE_PATH and CONSOLE_FRAME_ANCESTORS, read by loadConfig with clear refusals. */
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
}

t.test('by default the console is at /admin and no site may frame it', async (t) => {
  const config = loadConfig({})
  t.equal(config.consolePath, '/admin')
  t.same(config.consoleFrameAncestors, [])
})

t.test('CONSOLE_PATH is a path; a trailing slash is dropped', async (t) => {
  t.equal(loadConfig({ CONSOLE_PATH: '/ops/integrations/' }).consolePath, '/ops/integrations')
  for (const bad of ['admin', '/', '/a b', '/admin?x=1', '/../etc', 'https://x.ru/admin']) {
    t.match(problemsOf({ CONSOLE_PATH: bad }), [/^CONSOLE_PATH must be a path such as \/admin/], bad)
  }
})

t.test("CONSOLE_PATH may not take a path the service answers itself", async (t) => {
  for (const taken of ['/api', '/api/v1/console', '/docs', '/health', '/ready', '/metrics', '/bitrix', '/1c_exchange']) {
    t.match(problemsOf({ CONSOLE_PATH: taken }), [/^CONSOLE_PATH .* overlaps .*, which the service answers itself/], taken)
  }
  t.match(problemsOf({ CONSOLE_PATH: '/exchange', EXCHANGE_PATH: '/exchange/1c' }), [/overlaps \/exchange\/1c/], 'nor hold the exchange path')
  t.same(problemsOf({ CONSOLE_PATH: '/apis' }), [], 'a mere common prefix is fine')
})

t.test('CONSOLE_FRAME_ANCESTORS lists origins, by spaces or commas', async (t) => {
  const config = loadConfig({ CONSOLE_FRAME_ANCESTORS: 'https://olvery.example.ru,  https://*.olvery.example.ru http://localhost:3000' })
  t.same(config.consoleFrameAncestors, ['https://olvery.example.ru', 'https://*.olvery.example.ru', 'http://localhost:3000'])
  t.ok(Object.isFrozen(config.consoleFrameAncestors))
  for (const bad of ['*', "'self'", 'olvery.example.ru', 'https://olvery.example.ru/admin', 'https://a.ru; script-src *', 'javascript:alert(1)']) {
    t.match(problemsOf({ CONSOLE_FRAME_ANCESTORS: bad }), [/^CONSOLE_FRAME_ANCESTORS must be origins such as https:\/\/olvery\.example\.ru/], bad)
  }
})
