/**
 * What the console's tests share: the console built once per test process into a directory of its own (so `npm test`
 * needs no build first), the real app listening on 127.0.0.1 at a random port, and Debian's Chromium driven by
 * playwright-core with a fresh profile, watched for script errors, CSP refusals and requests to any other origin.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { buildConsole } from '../../src/console/console.build.js'
import { HS256_ENV } from '../helpers/admin-token.js'
import { testConfig } from '../helpers/build-app.js'
import { createTestDatabases, type TestDatabase } from '../helpers/test-database.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

let built: URL | undefined

/** The console compiled from src/console/web, once per process, into a temporary directory removed at exit. */
export function builtConsole(): URL {
  if (!built) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'olvery-console-'))
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
    built = pathToFileURL(`${dir}/`)
    buildConsole(built)
  }
  return built
}

export interface ConsoleServer {
  app: FastifyInstance
  databases: TestDatabase
  config: Readonly<Config>
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** The console's address: `<origin><CONSOLE_PATH>`. */
  consoleUrl: string
}

/** The real app (admin API with HS256 test tokens, the built console) on a fresh database, listening on loopback. */
export async function startConsoleServer(t: Teardown, options: { env?: Record<string, string>; databases?: TestDatabase } = {}): Promise<ConsoleServer> {
  const databases = options.databases ?? (await createTestDatabases(t))
  const config = testConfig({ ...HS256_ENV, ...options.env })
  const app = await buildApp({ config, databases, consoleAssetsDir: builtConsole() })
  t.teardown(() => app.close())
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = address.replace('localhost', '127.0.0.1')
  return { app, databases, config, origin, consoleUrl: `${origin}${config.consolePath}` }
}

/** Flags for Debian's Chromium: headless, no sandbox (root in CI), and no traffic of its own to anywhere. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Chromium with a fresh, empty profile (its --user-data-dir), closed and removed at teardown. */
export async function openBrowser(t: Teardown): Promise<BrowserContext> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'olvery-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  })
  t.teardown(async () => {
    await context.close()
    fs.rmSync(userDataDir, { recursive: true, force: true })
  })
  return context
}

export interface PageWatch {
  /** Script errors and CSP refusals: a console that works has none. */
  errors: string[]
  /** Every request to an origin other than the service's. */
  foreign: string[]
}

/** Records what a page must never do: throw, be refused by its CSP, or ask another origin for anything. */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { errors: [], foreign: [] }
  page.on('pageerror', (error) => watch.errors.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // An API answer of 4xx is logged by Chromium as a failed resource: those are the tests' own doing.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) watch.errors.push(message.text())
  })
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol !== 'blob:' && url.protocol !== 'data:' && url.origin !== origin) watch.foreign.push(request.url())
  })
  return watch
}

/** With CONSOLE_SCREENSHOTS=<dir> (e.g. `docs`), writes `<dir>/console-<name>.png` for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['CONSOLE_SCREENSHOTS']
  if (!dir) return
  fs.mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, `console-${name}.png`), fullPage: true })
}

/** The text a locator shows once it is visible (playwright waits for it; a missing element fails the test). */
export async function visibleText(locator: ReturnType<Page['locator']>): Promise<string> {
  await locator.first().waitFor({ state: 'visible' })
  return (await locator.first().innerText()).trim()
}
