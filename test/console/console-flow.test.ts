/**
 * A location administrator's first day, in a real browser: sign in with the platform's token, create an integration
 * through «Новая интеграция» (the «» quotes refused, then fixed), take the 1C password shown once, let 1C exchange
 * (the built-in 1C client, over HTTP), and find the batch and the order's status on the integration's page.
 */
import t from 'tap'
import { locationAdminToken } from '../helpers/admin-token.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { openBrowser, screenshot, startConsoleServer, visibleText, watchPage } from './console-harness.js'

const WIKI_SETTINGS = '{«paymentrules»:[{«status»:«purchased»,«gateway»:«CKassa»}],«paymentmethod_name»:«Оплата картой внешняя»}'
const PLAIN_SETTINGS = WIKI_SETTINGS.replace(/[«»]/g, '"')

t.test('an integration created in the console is the one 1C exchanges with, and its journal and orders show it', async (t) => {
  const server = await startConsoleServer(t)
  const { olvery } = server.databases
  const supplier = await createSupplier(olvery, { name: 'ООО «Ромашка»' })
  await createSupplier(olvery, { locationId: supplier.locationId, name: 'ИП Васильков' })
  const order = await createOrder(olvery, supplier, { number: 'A-123', payments: [{ status: 'purchased', gateway: 'CKassa' }] })
  const token = await locationAdminToken(supplier.locationId)

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}#token=${token}`)

  await t.test('the token moves from the address into this tab only', async (t) => {
    await visibleText(page.getByRole('heading', { name: 'Интеграции', level: 1 }))
    t.notMatch(page.url(), /token/, 'the fragment is gone from the address bar')
    t.equal(await page.evaluate('sessionStorage.getItem("olvery-console-token")'), token)
    t.equal(await page.evaluate('localStorage.length'), 0, 'nothing outlives the tab')
    t.match(await visibleText(page.locator('.empty')), /Интеграций пока нет/)
  })

  const dialog = page.getByRole('dialog', { name: 'Новая интеграция' })
  await t.test('«Новая интеграция» has exactly the platform\'s fields and buttons', async (t) => {
    await page.getByRole('button', { name: 'Добавить интеграцию' }).click()
    await dialog.waitFor()
    t.equal(await dialog.getByLabel('Класс интеграции').inputValue(), 'CommerceML', 'the class is preset')
    t.same(await dialog.locator('label').allInnerTexts(), ['Класс интеграции', 'Наименование', 'Настройки (JSON)', 'Компания'])
    t.same(await dialog.getByRole('button').allInnerTexts(), ['Отменить', 'Сохранить'])
    const companies = await dialog.getByLabel('Компания').locator('option').allInnerTexts()
    t.same(companies.slice(1).sort(), ['ИП Васильков (ИНН 7707083893)', 'ООО «Ромашка» (ИНН 7707083893)'], "the location's companies")
    t.equal(await page.evaluate('document.activeElement?.id'), await dialog.getByLabel('Наименование').getAttribute('id'), 'focus starts in the first field to fill')
  })

  await t.test('settings pasted with «» quotes get the hint as typed, and the API refuses them in its words', async (t) => {
    await dialog.getByLabel('Наименование').fill('Бухгалтерия ООО «Ромашка»')
    await dialog.getByLabel('Компания').selectOption({ label: 'ООО «Ромашка» (ИНН 7707083893)' })
    await dialog.getByLabel('Настройки (JSON)').fill(WIKI_SETTINGS)
    t.match(await visibleText(dialog.locator('.quotes-hint')), /типографские кавычки.*обычные прямые кавычки \("\)/s, 'the hint, before anything is sent')
    t.equal(await dialog.getByLabel('Настройки (JSON)').getAttribute('aria-invalid'), 'true')
    await dialog.getByRole('button', { name: 'Сохранить' }).click()
    const answer = await visibleText(dialog.locator('.error'))
    t.match(answer, /INVALID_SETTINGS/)
    t.match(answer, /The text contains typographic quotes \(« » “ ” „\): replace them with plain double quotes/, "the API's own sentence")
    await screenshot(page, 'dialog')
  })

  await t.test('a wrong value is named by its JSON path as typed, and by the API on «Сохранить»', async (t) => {
    await dialog.getByLabel('Настройки (JSON)').fill(PLAIN_SETTINGS.replace('"CKassa"', '5'))
    t.notOk(await dialog.locator('.quotes-hint').isVisible(), 'the quotes hint is gone with the quotes')
    t.match(await visibleText(dialog.locator('.settings-check li')), /paymentrules\[0\]\.gateway — должно быть строкой/)
    await dialog.getByRole('button', { name: 'Сохранить' }).click()
    await dialog.locator('.error', { hasText: 'gateway' }).waitFor()
    t.match(await visibleText(dialog.locator('.error .problems li')), /paymentrules\[0\]\.gateway\s+must be a string/)
  })

  let password = ''
  let login = ''
  await t.test('after «Сохранить» the login, the password and the exchange URL are shown once', async (t) => {
    await dialog.getByLabel('Настройки (JSON)').fill(PLAIN_SETTINGS)
    t.match(await visibleText(dialog.locator('.settings-check')), /Настройки выглядят правильно/)
    await dialog.getByRole('button', { name: 'Сохранить' }).click()
    const created = page.getByRole('dialog', { name: 'Интеграция «Бухгалтерия ООО «Ромашка»» создана' })
    await created.waitFor()
    login = await created.getByRole('textbox', { name: 'Логин 1С' }).inputValue()
    password = await created.getByRole('textbox', { name: 'Пароль 1С' }).inputValue()
    t.match(login, /^1c-/)
    t.ok(password.length >= 16, 'a generated password')
    t.equal(await created.getByRole('textbox', { name: 'Адрес обмена для 1С' }).inputValue(), `${server.origin}/1c_exchange`)
    t.match(await visibleText(created.locator('.once')), /Пароль показан один раз и больше показан не будет/)
    await created.getByRole('button', { name: 'Копировать: Пароль 1С' }).click()
    await created.getByText('Скопировано').waitFor()
    t.equal(await page.evaluate('navigator.clipboard.readText()'), password, 'the copy button copies the password')
    await created.getByRole('button', { name: 'Готово' }).click()
    await created.waitFor({ state: 'detached' })
    await page.getByRole('link', { name: 'Бухгалтерия ООО «Ромашка»' }).waitFor()
    t.notMatch(await page.content(), password, 'the password left the page with the dialog')
    await page.reload()
    await page.getByRole('link', { name: 'Бухгалтерия ООО «Ромашка»' }).waitFor()
    t.notMatch(await page.content(), password, 'and is not shown again')
    t.notMatch(await page.evaluate('JSON.stringify({ ...sessionStorage })'), password, 'nor kept in the browser')
  })

  await t.test('1C exchanges with the credentials the console showed', async (t) => {
    const exchange = await new OneCClient({ baseUrl: server.origin, login, password }).exchange()
    t.same(exchange.problems, [])
    t.ok(exchange.successSent)
    t.same(exchange.documents.map((d) => d.number), ['A-123'])
  })

  await t.test("the integration's page shows the batch, its orders and its document, and says 1C got A-123", async (t) => {
    await page.getByRole('link', { name: 'Бухгалтерия ООО «Ромашка»' }).click()
    await page.getByRole('heading', { name: 'Бухгалтерия ООО «Ромашка»', level: 1 }).waitFor()
    t.match(page.url(), /\/admin\/integrations\/[0-9a-f-]{36}$/)
    const journal = page.getByRole('region', { name: 'Журнал обменов' })
    const row = journal.getByRole('row', { name: /№ 1/ })
    t.match(await visibleText(row), /№ 1.*\t1\t.*да, .*1С, сеанс/s, 'one order, acknowledged by 1C')
    t.match(await visibleText(journal.locator('figcaption')), /1 обмен, из них 1С подтвердила 1; 1 заказ отправлен/)
    t.equal(await journal.locator('svg.chart').count(), 2, 'exchanges and orders per day')
    await row.getByRole('button', { name: '№ 1' }).click()
    const batch = journal.getByRole('table', { name: 'Заказы пакета № 1 в порядке документа' })
    t.match(await visibleText(batch.getByRole('row', { name: /A-123/ })), /A-123.*да, /s)
    await journal.getByRole('button', { name: 'Показать документ' }).click()
    t.match(await visibleText(journal.locator('pre.xml')), /<Номер>A-123<\/Номер>/, 'the document as 1C received it')

    const lookup = page.getByRole('region', { name: 'Получила ли 1С заказ?' })
    await lookup.getByLabel('Номер заказа или его ид').fill('A-123')
    await lookup.getByLabel('Номер заказа или его ид').press('Enter')
    t.match(await visibleText(lookup.locator('.answer')), /^Да, 1С получила заказ A-123 и подтвердила загрузку .* \(пакет № 1\)\. С тех пор заказ не менялся\.$/)
    t.match(await visibleText(lookup.locator('.details')), /Подходит под правило: статус «purchased», платёжный шлюз «CKassa»/)
    await lookup.getByLabel('Номер заказа или его ид').fill(order.id)
    await lookup.getByRole('button', { name: 'Проверить' }).click()
    await lookup.locator('.answer', { hasText: 'A-123' }).waitFor()
    await screenshot(page, 'integration')
  })

  t.same(watch.errors, [], 'no script error and no CSP refusal')
  t.same(watch.foreign, [], 'no request leaves the service')
})
