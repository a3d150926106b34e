/**
 * How the service serves the console (no browser): where (CONSOLE_PATH), with which headers (a CSP without inline
 * code, framing only by the configured origins), what the page is told (the exchange URL, the development hints),
 * that every file comes from the service itself, that hostile paths get a clear 4xx, and that a copy without a built
 * console still serves the exchange and the API.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../helpers/build-app.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { createTestDatabases } from '../helpers/test-database.js'
import { builtConsole } from './console-harness.js'

const databases = await createTestDatabases(t)

async function consoleApp(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}, assetsDir: URL = builtConsole()) {
  const app = await buildApp({ config: testConfig({ ...HS256_ENV, ...env }), databases, consoleAssetsDir: assetsDir })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

const meta = (html: string, name: string) => new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]

t.test('the page and its modules are served at /admin with the strict headers', async (t) => {
  const app = await consoleApp(t)
  for (const url of ['/admin', '/admin/', '/admin/integrations/0b5e2c1a-7d3f-4e8a-9c61-2f4d6b8a1e30', '/admin/assets/main.js', '/admin/assets/console.css']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    const csp = String(res.headers['content-security-policy'])
    t.match(csp, /default-src 'none'/, `${url}: nothing unless allowed`)
    t.match(csp, /script-src 'self';/, `${url}: scripts from the service only, none inline`)
    t.match(csp, /style-src 'self';/, `${url}: styles from the service only, none inline`)
    t.match(csp, /connect-src 'self';/)
    t.match(csp, /frame-ancestors 'none'/)
    t.match(csp, /require-trusted-types-for 'script'/)
    t.notMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/, `${url}: no inline code, no other origin`)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['referrer-policy'], 'no-referrer')
  }
  t.match((await app.inject('/admin')).headers['content-type'], /^text\/html; charset=utf-8/)
  t.equal((await app.inject('/admin')).headers['cache-control'], 'no-store')
  t.match((await app.inject('/admin/assets/main.js')).headers['content-type'], /javascript/)
})

t.test('index.html has no inline script or style, and every file it loads is the service\'s', async (t) => {
  const app = await consoleApp(t)
  const html = (await app.inject('/admin')).body
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script has a src')
  t.notMatch(html, /<style|style=/, 'no inline style')
  t.notMatch(html, /%[A-Z_]+%/, 'every placeholder filled')
  const assets = fileURLToPath(new URL('assets/', builtConsole()))
  const files = fs.readdirSync(assets, { recursive: true }).map(String).filter((f) => /\.(js|css|svg)$/.test(f))
  t.ok(files.includes('main.js') && files.includes('console.css'))
  for (const file of files) {
    const text = fs.readFileSync(`${assets}/${file}`, 'utf8')
    // The SVG namespace is a name, not an address anything is fetched from.
    const urls = (text.match(/https?:\/\/[^\s'"`)]+/g) ?? []).filter((u) => u !== 'http://www.w3.org/2000/svg')
    t.same(urls, [], `${file} names no other origin`)
    t.notMatch(text, /\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, `${file} turns no string into code or markup`)
  }
})

t.test('the page is told the exchange URL and whether to show the development hints', async (t) => {
  const demo = (await (await consoleApp(t)).inject('/admin')).body
  t.equal(meta(demo, 'olvery-exchange-url'), '/1c_exchange', 'without PUBLIC_URL the page adds its own origin')
  t.equal(meta(demo, 'olvery-dev-hints'), 'true', 'the embedded demo is a developer\'s machine')
  t.equal(meta(demo, 'olvery-console-base'), '/admin')
  const configured = (await (await consoleApp(t, { PUBLIC_URL: 'https://1c.example.ru/', EXCHANGE_PATH: '/exchange', DEMO_SEED: 'false' })).inject('/admin')).body
  t.equal(meta(configured, 'olvery-exchange-url'), 'https://1c.example.ru/exchange')
  t.equal(meta(configured, 'olvery-dev-hints'), 'false')
})

t.test('CONSOLE_PATH moves the console, assets and all', async (t) => {
  const app = await consoleApp(t, { CONSOLE_PATH: '/ops/console/' })
  const html = await app.inject('/ops/console')
  t.equal(html.statusCode, 200)
  t.equal(meta(html.body, 'olvery-console-base'), '/ops/console')
  t.match(html.body, /src="\/ops\/console\/assets\/main\.js"/)
  t.equal((await app.inject('/ops/console/assets/main.js')).statusCode, 200)
  t.equal((await app.inject('/admin')).statusCode, 404, 'nothing left at the default path')
})

t.test('CONSOLE_FRAME_ANCESTORS lets the platform embed the console, and no one else', async (t) => {
  const app = await consoleApp(t, { CONSOLE_FRAME_ANCESTORS: 'https://olvery.example.ru, https://*.olvery.example.ru:8443' })
  const res = await app.inject('/admin')
  t.match(String(res.headers['content-security-policy']), /frame-ancestors https:\/\/olvery\.example\.ru https:\/\/\*\.olvery\.example\.ru:8443(;|$)/)
  t.equal(res.headers['x-frame-options'], undefined, 'X-Frame-Options cannot name origins, so it is not sent')
})

t.test('the console is no part of the API: its routes are not in routeList, the API keeps its own headers', async (t) => {
  const app = await consoleApp(t)
  t.same(app.routeList.filter((r) => r.split(' ')[1]!.startsWith('/admin')), [])
  const api = await app.inject('/api/v1/integrations')
  t.equal(api.statusCode, 401)
  t.equal(api.headers['content-security-policy'], undefined, 'the console hook stays inside its plugin')
})

t.test('hostile and unknown console paths get a clear 4xx, never a file outside the build', async (t) => {
  const app = await consoleApp(t)
  const refused = [
    ['GET', '/admin/assets/../../../../package.json'],
    ['GET', '/admin/assets/%2e%2e/%2e%2e/%2e%2e/package.json'],
    ['GET', '/admin/assets/..%2f..%2f..%2fpackage.json'],
    ['GET', '/admin/assets/missing.js'],
    ['GET', '/admin/index.html'],
    ['GET', '/admin/assets/'],
    ['GET', '/admin/nothing-here'],
    ['GET', `/admin/${'x'.repeat(3000)}`],
    ['POST', '/admin'],
    ['DELETE', '/admin/assets/main.js'],
  ] as const
  for (const [method, url] of refused) {
    const res = await app.inject({ method, url })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url.slice(0, 60)}: ${res.statusCode}`)
    t.notMatch(res.body, /"name": "olvery-1c-exchange"/, 'not package.json')
  }
  const missing = await app.inject('/admin/assets/missing.js')
  t.same(JSON.parse(missing.body).error.code, 'NOT_FOUND')
  t.equal(missing.headers['x-content-type-options'], 'nosniff', 'a 404 of the console carries its headers too')
})

t.test('without a built console the service starts, says what to run, and serves the exchange and the API', async (t) => {
  const app = await consoleApp(t, {}, new URL('file:///nonexistent/console/'))
  const res = await app.inject('/admin')
  t.equal(res.statusCode, 503)
  t.match(JSON.parse(res.body).error.message, /not built.*npm run build/)
  t.equal((await app.inject('/1c_exchange?type=sale&mode=checkauth')).statusCode, 401, 'the exchange answers')
  t.equal((await app.inject('/api/v1/integrations')).statusCode, 401, 'the API answers')
})
