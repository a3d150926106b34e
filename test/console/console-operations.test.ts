/**
 * What a location administrator does on an integration's page, in a real browser, each checked against what the
 * service then does: the list's states and its warning when 1C keeps asking without confirming; switching off and on;
 * a new password shown once (the old one stops at once); re-export by order number and by date; the preview of the
 * next batch; the files 1C uploaded, with their problems; the settings as the API allows them changed; archiving.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi } from '../helpers/admin-api.js'
import { locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { openBrowser, screenshot, startConsoleServer, visibleText, watchPage } from './console-harness.js'

const uploadOf = (number: string) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07"><Документ><Номер>${number}</Номер>` +
      '<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>ТД00-000123</Значение></ЗначениеРеквизита>' +
      '<ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита>' +
      '</ЗначенияРеквизитов></Документ><Документ><Номер>НЕТ-1</Номер></Документ></КоммерческаяИнформация>',
  )

t.test("an integration's page does what it says, and the service agrees", async (t) => {
  const server = await startConsoleServer(t)
  const { olvery } = server.databases
  const supplier = await createSupplier(olvery, { name: 'ООО «Ромашка»' })
  await createOrder(olvery, supplier, { number: 'A-201' })
  await createOrder(olvery, supplier, { number: 'A-202' })
  await createOrder(olvery, supplier, { number: 'A-203', payments: [{ status: 'failed' }] })
  await createOrder(olvery, supplier, { number: 'A-2040000000001' }) // longer than the 11 characters 1C keeps
  const api = new AdminApi(server.app, await systemOperatorToken())
  const main = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Бухгалтерия' })
  const failing = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Бухгалтерия (тестовая база)' })
  await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Склад', enabled: false })
  const old = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Старая бухгалтерия' })
  await api.delete(t, '/api/v1/integrations/{id}', { params: { id: old.id } })

  const onec = (login: string, password: string) => new OneCClient({ baseUrl: server.origin, login, password })
  t.same((await onec(main.login, main.password).exchange()).problems, [])
  // 1C asks three times and never confirms: the alert condition.
  const poisoned = onec(failing.login, failing.password)
  for (let i = 0; i < 3; i++) {
    await poisoned.checkauth()
    await poisoned.query()
  }

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}#token=${await locationAdminToken(supplier.locationId)}`)
  const rowOf = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })

  await t.test('the list: states, the orders waiting, and the warning of queries without success', async (t) => {
    await page.getByLabel('Показывать архивные').check()
    await rowOf('Старая бухгалтерия').waitFor()
    t.match(await visibleText(rowOf('Бухгалтерия')), /ООО «Ромашка».*Включена/s)
    t.match(await visibleText(rowOf('Склад')), /Отключена/)
    t.match(await visibleText(rowOf('Старая бухгалтерия')), /В архиве/)
    await rowOf('Бухгалтерия (тестовая база)').locator('.warning').waitFor()
    t.match(await visibleText(rowOf('Бухгалтерия (тестовая база)')), /1С запрашивает заказы, но не подтверждает загрузку: 3 и более запросов подряд без success/)
    t.equal(await rowOf('Бухгалтерия').locator('.warning').count(), 0, 'no warning where 1C confirmed')
    await rowOf('Склад').getByRole('cell', { name: '2 заказа' }).waitFor()
    t.pass('a new integration waits for the two paid orders')
    await rowOf('Бухгалтерия').getByRole('cell', { name: 'нет', exact: true }).waitFor()
    t.pass('nothing waits where 1C got everything')
    await screenshot(page, 'list')
  })

  await t.test('the keyboard reaches the integration, and Escape cancels a confirmation', async (t) => {
    await rowOf('Бухгалтерия').getByRole('link').focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Бухгалтерия', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Архивировать' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Архивировать «Бухгалтерия»?' }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    const stored = await api.get(t, '/api/v1/integrations/{id}', { params: { id: main.id } })
    t.equal(stored.json.archivedAt, null, 'nothing was archived')
  })

  await t.test('«Отключить» switches 1C off, «Включить» back on', async (t) => {
    await page.getByRole('button', { name: 'Отключить' }).click()
    await page.locator('.badge', { hasText: 'Отключена' }).waitFor()
    t.equal((await api.get(t, '/api/v1/integrations/{id}', { params: { id: main.id } })).json.enabled, false)
    t.notOk((await onec(main.login, main.password).exchange()).successSent, '1C is refused')
    await page.getByRole('button', { name: 'Включить' }).click()
    await page.locator('.badge', { hasText: 'Включена' }).waitFor()
    t.equal((await api.get(t, '/api/v1/integrations/{id}', { params: { id: main.id } })).json.enabled, true)
  })

  await t.test('«Новый пароль» shows the new password once, and the old one stops working', async (t) => {
    await page.getByRole('button', { name: 'Новый пароль' }).click()
    const confirm = page.getByRole('dialog', { name: 'Новый пароль 1С' })
    await confirm.getByRole('button', { name: 'Выдать новый пароль' }).click()
    const shown = page.locator('.shown-once')
    const password = await shown.getByRole('textbox', { name: 'Пароль 1С' }).inputValue()
    t.not(password, main.password)
    t.match(await visibleText(shown), /Пароль показан один раз и больше показан не будет/)
    const refused = await onec(main.login, main.password).checkauth()
    t.notOk(refused.ok, 'the old password is refused')
    t.ok((await onec(main.login, password).checkauth()).ok, 'the new one works')
    await shown.getByRole('button', { name: 'Готово' }).click()
    // The page is drawn anew before it says so: what is typed next lands on the page that stays.
    await page.locator('#announcer', { hasText: 'Пароль 1С заменён' }).waitFor()
    await page.getByRole('heading', { name: 'Бухгалтерия', level: 1 }).waitFor()
    t.notMatch(await page.content(), password)
    main.password = password
  })

  const lookup = page.getByRole('region', { name: 'Получила ли 1С заказ?' })
  const answerFor = async (number: string) => {
    await lookup.getByLabel('Номер заказа или его ид').fill(number)
    await lookup.getByRole('button', { name: 'Проверить' }).click()
    await lookup.locator('.answer', { hasText: number }).waitFor()
    return visibleText(lookup.locator('.answer'))
  }

  await t.test('the order lookup answers for orders out of scope and orders never found', async (t) => {
    t.match(await answerFor('A-203'), /^Нет: заказ A-203 не попадает в выгрузку/)
    t.match(await visibleText(lookup.locator('.details')), /статус «failed».*не подходит под правила/s)
    await lookup.getByLabel('Номер заказа или его ид').fill('B-999')
    await lookup.getByRole('button', { name: 'Проверить' }).click()
    t.match(await visibleText(lookup.locator('.error')), /NOT_FOUND\s+No order "B-999"/)
  })

  const reexport = page.getByRole('region', { name: 'Повторная выгрузка' })
  await t.test('re-export by order number makes that order pending again', async (t) => {
    await reexport.getByLabel('Номера или ид заказов').fill('A-201, B-999')
    await reexport.getByRole('button', { name: 'Выгрузить эти заказы' }).click()
    t.match(await visibleText(reexport.locator('.answer')), /^Готово: 1 заказ снова ждут отправки/)
    t.match(await visibleText(reexport.locator('.error')), /Заказ «B-999»:.*NOT_FOUND/s, 'the number not found is named')
    t.match(await answerFor('A-201'), /^Заказ A-201 поставлен на повторную выгрузку/)
  })

  await t.test('re-export by date asks first, then makes the orders since that day pending', async (t) => {
    const today = new Date().toISOString().slice(0, 10)
    await reexport.getByLabel('Отправить заново заказы, изменённые начиная с даты').fill(today)
    await reexport.getByRole('button', { name: 'Выгрузить с даты' }).click()
    await page.getByRole('dialog', { name: 'Повторная выгрузка с даты' }).getByRole('button', { name: 'Выгрузить заново' }).click()
    t.match(await visibleText(reexport.locator('.answer')), /^Готово: 1 заказ снова ждут отправки/, 'A-202 (A-201 was pending already)')
    t.match(await answerFor('A-202'), /^Заказ A-202 поставлен на повторную выгрузку/)
  })

  await t.test('the preview lists the next batch and the order that cannot be sent', async (t) => {
    const preview = page.getByRole('region', { name: 'Следующий обмен' })
    await preview.getByRole('button', { name: 'Показать, что уйдёт в 1С' }).click()
    t.match(await visibleText(preview.locator('.answer')), /^При следующем запросе 1С получит 2 заказа/)
    t.match(await visibleText(preview.locator('.warning')), /Нельзя отправить: 1 заказ\..*A-2040000000001: /s)
    await preview.getByText('Документ', { exact: true }).click()
    t.match(await visibleText(preview.locator('pre.xml')), /<Номер>A-201<\/Номер>/)
  })

  await t.test('a file 1C uploaded is listed with its problems, and the order shows what 1C reported', async (t) => {
    const upload = await onec(main.login, main.password).uploadCycle('orders-0b9c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml', uploadOf('A-201'))
    t.same(upload.problems, [])
    await page.reload()
    const uploads = page.getByRole('region', { name: 'Файлы из 1С' })
    const row = uploads.getByRole('row', { name: /orders-0b9c2f8e/ })
    t.match(await visibleText(row), /загружен.*документов 2: сопоставлено с заказами 1, заказ не найден 1, ошибок 0/s)
    t.match(await visibleText(row.locator('.problems')), /Документ 2 \(Номер НЕТ-1\) — заказ не найден: /)
    await answerFor('A-201')
    t.match(await visibleText(lookup.locator('.details')), /1С сообщила о заказе: заказ покупателя № ТД00-000123, проведён \(файл orders-0b9c2f8e/)
  })

  await t.test('settings are changed as the API allows, and what it refuses is shown in its words', async (t) => {
    const settings = page.getByRole('region', { name: 'Настройки' })
    const box = settings.getByLabel('Настройки (JSON)')
    const text = await box.inputValue()
    await box.fill(text.replace('"paymentmethod_name": "Оплата картой внешняя"', '"paymentmethod_name": "Эквайринг", "export_from": "2026-01-01"'))
    await settings.getByRole('button', { name: 'Сохранить настройки' }).click()
    t.match(await visibleText(settings.locator('.error')), /INVALID_SETTINGS\s+export_from applies when an integration is created and cannot be changed/)
    await box.fill(text.replace('Оплата картой внешняя', 'Эквайринг'))
    await settings.getByRole('button', { name: 'Сохранить настройки' }).click()
    await page.locator('#announcer', { hasText: 'Настройки сохранены.' }).waitFor()
    const stored = await api.get(t, '/api/v1/integrations/{id}', { params: { id: main.id } })
    t.equal(stored.json.settings.paymentmethod_name, 'Эквайринг')
  })

  await t.test('«Архивировать» archives: the page turns read-only and the journal stays', async (t) => {
    await page.getByRole('button', { name: 'Архивировать' }).click()
    await page.getByRole('dialog', { name: 'Архивировать «Бухгалтерия»?' }).getByRole('button', { name: 'Архивировать' }).click()
    await page.locator('.badge', { hasText: 'В архиве' }).waitFor()
    t.notOk((await api.get(t, '/api/v1/integrations/{id}', { params: { id: main.id } })).json.archivedAt === null)
    t.equal(await page.getByRole('button', { name: /Отключить|Включить|Новый пароль|Архивировать|Сохранить настройки/ }).count(), 0, 'no action is offered')
    t.ok(await page.getByRole('region', { name: 'Настройки' }).getByLabel('Настройки (JSON)').getAttribute('readonly') !== null)
    await page.getByRole('region', { name: 'Журнал обменов' }).getByRole('row', { name: /№ 1/ }).waitFor()
  })

  await t.test('the page of the integration 1C never confirms carries the warning', async (t) => {
    // The same tab: the token lives in this tab's sessionStorage.
    await page.goto(`${server.consoleUrl}/integrations/${failing.id}`)
    t.match(await visibleText(page.locator('.head .warning')), /1С запрашивает заказы, но не подтверждает загрузку/)
    const journal = page.getByRole('region', { name: 'Журнал обменов' })
    t.match(await visibleText(journal.getByRole('row', { name: /№ 2/ })), /нет: 1С не подтвердила, заказы ушли снова/, 'a superseded batch says so')
  })

  t.same(watch.errors, [])
  t.same(watch.foreign, [])
})
