/**
 * Signing in: the console works only with the platform's token, and when it has none, or the API refuses it, it
 * says so in the API's words and explains what to do (sign in through the platform; on a developer's machine, how to
 * mint a token). A token the API refused is forgotten.
 */
import t from 'tap'
import { locationAdminToken, signToken } from '../helpers/admin-token.js'
import { createSupplier } from '../helpers/factories.js'
import { createTestDatabases } from '../helpers/test-database.js'
import { openBrowser, startConsoleServer, visibleText, watchPage, type ConsoleServer } from './console-harness.js'
import type { BrowserContext } from 'playwright-core'

// One database and one browser for the three servers below: only their configuration differs.
const databases = await createTestDatabases(t)
const context = await openBrowser(t)

async function signInScreen(context: BrowserContext, server: ConsoleServer, fragment = '') {
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}${fragment}`)
  const card = page.locator('.sign-in')
  await card.waitFor()
  return { page, watch, card, text: await visibleText(card) }
}

t.test('the sign-in screen, for each reason the console cannot go on', async (t) => {
  const server = await startConsoleServer(t, { databases })
  const supplier = await createSupplier(server.databases.olvery)

  await t.test('without a token it explains how to get one, and on the embedded demo how to mint one', async (t) => {
    const { page, watch, text } = await signInScreen(context, server)
    t.match(text, /^Войдите через платформу/)
    t.match(text, /Управление экосистемой → Настройки системы → Интеграции/)
    t.match(text, /npm run -s token -- --role location_admin --location <uuid локации>/)
    t.match(text, new RegExp(`${server.origin}/admin#token=<токен>`))
    t.notMatch(text, /Ответ сервиса/, 'no API answer: nothing was asked')
    t.same(watch.foreign, [])
    t.same(watch.errors, [])
    await page.close()
  })

  await t.test('an expired token: the API says why, the console forgets it', async (t) => {
    const expired = await signToken({ role: 'location_admin', locationId: supplier.locationId, issuedIn: -7200, expiresIn: -3600 })
    const { page, text } = await signInScreen(context, server, `#token=${expired}`)
    t.match(text, /Сеанс входа закончился или токен не подошёл/)
    t.match(text, /UNAUTHORIZED\s+The token has expired/)
    t.equal(await page.evaluate('sessionStorage.getItem("olvery-console-token")'), null)
    await page.close()
  })

  await t.test('a role that may not manage integrations (403)', async (t) => {
    const resident = await signToken({ role: 'resident', locationId: supplier.locationId })
    const { page, text } = await signInScreen(context, server, `#token=${resident}`)
    t.match(text, /нет доступа к интеграциям/)
    t.match(text, /FORBIDDEN\s+Role "resident" may not manage integrations/)
    await page.close()
  })

  await t.test('«Выйти» forgets the token and leads back to the sign-in screen', async (t) => {
    const page = await context.newPage()
    await page.goto(`${server.consoleUrl}#token=${await locationAdminToken(supplier.locationId)}`)
    await page.locator('.empty').waitFor()
    await page.getByRole('button', { name: 'Выйти' }).click()
    t.match(await visibleText(page.locator('.sign-in h1')), 'Войдите через платформу')
    t.equal(await page.evaluate('sessionStorage.getItem("olvery-console-token")'), null)
    await page.reload()
    await page.locator('.sign-in').waitFor()
    await page.close()
  })
})

t.test('a configured server shows no development hints', async (t) => {
  const server = await startConsoleServer(t, { env: { DEMO_SEED: 'false' }, databases })
  const { text } = await signInScreen(context, server)
  t.match(text, /^Войдите через платформу/)
  t.notMatch(text, /npm run/)
})

t.test('an admin API without keys: the console is unavailable, in the API\'s words', async (t) => {
  const server = await startConsoleServer(t, { env: { ADMIN_JWT_SECRET: '' }, databases })
  const { text } = await signInScreen(context, server, '#token=any.token.at-all')
  t.match(text, /^Консоль недоступна/)
  t.match(text, /ADMIN_API_NOT_CONFIGURED\s+The admin API is not configured: set ADMIN_JWT_SECRET/)
})
