/**
 * A location administrator sees the integrations and companies of their own location only, in the console as in the
 * API: another location's integration is not listed, its page says what the API says (no such integration), and its
 * name never reaches the page. A system operator sees both.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi } from '../helpers/admin-api.js'
import { locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { createSupplier } from '../helpers/factories.js'
import { openBrowser, startConsoleServer, visibleText, watchPage } from './console-harness.js'

t.test("a location administrator never sees another location's integrations", async (t) => {
  const server = await startConsoleServer(t)
  const { olvery } = server.databases
  const ours = await createSupplier(olvery, { name: 'ООО «Наша»' })
  const theirs = await createSupplier(olvery, { name: 'ООО «Чужая»' })
  const api = new AdminApi(server.app, await systemOperatorToken())
  const own = await createIntegrationViaApi(t, api, { companyId: ours.companyId, name: 'Наша бухгалтерия' })
  const foreign = await createIntegrationViaApi(t, api, { companyId: theirs.companyId, name: 'Чужая бухгалтерия' })
  const foreignArchived = await createIntegrationViaApi(t, api, { companyId: theirs.companyId, name: 'Чужая архивная' })
  t.equal((await api.delete(t, '/api/v1/integrations/{id}', { params: { id: foreignArchived.id } })).statusCode, 200)

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}#token=${await locationAdminToken(ours.locationId)}`)

  await t.test('the list holds the own location only', async (t) => {
    await page.getByRole('link', { name: 'Наша бухгалтерия' }).waitFor()
    t.same(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-integration-id'))), [own.id])
    t.notMatch(await page.content(), /Чужая/, "nothing of the other location's names on the page")
    await page.getByLabel('Показывать архивные').check()
    await page.getByRole('link', { name: 'Наша бухгалтерия' }).waitFor()
    t.equal(await page.locator('tbody tr').count(), 1, 'archived ones included, still the own location only')
  })

  await t.test('«Компания» offers the own location\'s companies only', async (t) => {
    await page.getByRole('button', { name: 'Добавить интеграцию' }).click()
    const dialog = page.getByRole('dialog', { name: 'Новая интеграция' })
    const options = await dialog.getByLabel('Компания').locator('option').allInnerTexts()
    t.same(options.slice(1), ['ООО «Наша» (ИНН 7707083893)'])
    await dialog.getByRole('button', { name: 'Отменить' }).click()
    await dialog.waitFor({ state: 'detached' })
  })

  await t.test("the other location's integration page answers as the API does: no such integration", async (t) => {
    await page.goto(`${server.consoleUrl}/integrations/${foreign.id}`)
    t.match(await visibleText(page.locator('.error')), new RegExp(`NOT_FOUND\\s+No integration ${foreign.id}`))
    t.notMatch(await page.content(), /Чужая/)
    t.equal(await page.getByRole('region', { name: 'Журнал обменов' }).count(), 0, 'no section of it is drawn')
  })

  await t.test('a system operator sees both locations', async (t) => {
    const operator = await context.newPage()
    await operator.goto(`${server.consoleUrl}#token=${await systemOperatorToken()}`)
    await operator.getByRole('link', { name: 'Чужая бухгалтерия' }).waitFor()
    t.same((await operator.locator('tbody tr a').allInnerTexts()).sort(), ['Наша бухгалтерия', 'Чужая бухгалтерия'])
    await operator.getByLabel('Показывать архивные').check()
    await operator.getByRole('link', { name: 'Чужая архивная' }).waitFor()
    t.equal(await operator.locator('tbody tr').count(), 3)
    await operator.close()
  })

  t.same(watch.errors, [])
  t.same(watch.foreign, [])
})
