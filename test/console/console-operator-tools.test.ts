/**
 * The operator tools on an integration's page, in a real browser, each checked against what the service then does:
 * acknowledging by hand the latest batch 1C never confirmed (the confirmation says what it means, and cancelling it
 * changes nothing); excluding an order from the lookup and including it again; and the audit trail naming who did
 * each of them.
 */
import t from 'tap'
import { AdminApi, createIntegrationViaApi } from '../helpers/admin-api.js'
import { locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { createOrder, createSupplier, setOrderComment } from '../helpers/factories.js'
import { OneCClient } from '../helpers/onec-client.js'
import { openBrowser, startConsoleServer, visibleText, watchPage } from './console-harness.js'

const ADMIN = 'ivanova@example.ru'

t.test('acknowledgement by hand, exclusion and inclusion, and the audit trail, done on the page and seen by the service', async (t) => {
  const server = await startConsoleServer(t)
  const { olvery } = server.databases
  const supplier = await createSupplier(olvery, { name: 'ООО «Ромашка»' })
  await createOrder(olvery, supplier, { number: 'A-301' })
  const excluded = await createOrder(olvery, supplier, { number: 'A-302' })
  const api = new AdminApi(server.app, await systemOperatorToken())
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Бухгалтерия' })
  const id = created.id
  // 1C loads the batch and its success never arrives.
  const onec = new OneCClient({ baseUrl: server.origin, login: created.login, password: created.password })
  await onec.checkauth()
  t.equal((await onec.query()).documents.length, 2)
  const [batch] = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}/integrations/${id}#token=${await locationAdminToken(supplier.locationId, { sub: ADMIN })}`)
  const journal = page.getByRole('region', { name: 'Журнал обменов' })
  const dialog = page.getByRole('dialog', { name: `Подтвердить пакет № ${batch.id} вручную?` })

  await t.test('the confirmation says what acknowledging means; cancelling it acknowledges nothing', async (t) => {
    t.match(await visibleText(journal.locator('.acknowledge .note')), new RegExp(`Последний пакет, № ${batch.id} .*1С не подтвердила`))
    await journal.getByRole('button', { name: 'Подтвердить загрузку вручную' }).click()
    const text = await visibleText(dialog)
    t.match(text, /только если проверили в 1С, что заказы пакета/)
    t.match(text, /2 заказа/)
    t.match(text, /как если бы 1С ответила success: они больше не будут отправляться, пока не изменятся/)
    t.match(text, /Если 1С их на самом деле не загрузила, они до неё не дойдут/)
    await dialog.getByRole('button', { name: 'Отменить' }).click()
    await dialog.waitFor({ state: 'detached' })
    const stored = await api.get(t, '/api/v1/integrations/{id}/batches/{batchId}', { params: { id, batchId: batch.id } })
    t.equal(stored.json.acknowledged, false, 'nothing acknowledged')
  })

  await t.test('«Подтвердить загрузку» acknowledges the batch in the operator\'s name, and the journal says so', async (t) => {
    // The journal is read again slowly, as on a busy server: the announcement must still come only once it shows.
    const journalRead = `**/api/v1/integrations/${id}/batches?*`
    await page.route(journalRead, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      await route.continue()
    })
    await journal.getByRole('button', { name: 'Подтвердить загрузку вручную' }).click()
    await dialog.getByRole('button', { name: 'Подтвердить загрузку' }).click()
    await page.locator('#announcer', { hasText: `Пакет № ${batch.id} подтверждён вручную` }).waitFor()
    const stored = await api.get(t, '/api/v1/integrations/{id}/batches/{batchId}', { params: { id, batchId: batch.id } })
    t.match(stored.json, { acknowledged: true, acknowledgedBy: ADMIN })
    t.match(await visibleText(journal.getByRole('row', { name: new RegExp(`№ ${batch.id}`) })), new RegExp(`да, .* — вручную, ${ADMIN}`))
    t.equal(await journal.getByRole('button', { name: 'Подтвердить загрузку вручную' }).count(), 0, 'nothing left to acknowledge')
    await page.unroute(journalRead)
    t.same((await onec.exchange()).documents, [], '1C is not sent the batch again')
  })

  const lookup = page.getByRole('region', { name: 'Получила ли 1С заказ?' })
  const lookUp = async (number: string) => {
    await lookup.getByLabel('Номер заказа или его ид').fill(number)
    await lookup.getByRole('button', { name: 'Проверить' }).click()
    await lookup.locator('.answer', { hasText: number }).waitFor()
  }

  await t.test('«Исключить из выгрузки» asks for a reason and excludes the order: 1C no longer gets it', async (t) => {
    await lookUp('A-302')
    await lookup.getByRole('button', { name: 'Исключить из выгрузки' }).click()
    const ask = page.getByRole('dialog', { name: 'Исключить заказ A-302 из выгрузки?' })
    t.match(await visibleText(ask), /Пока заказ исключён, 1С его не получит, как бы он ни менялся/)
    await ask.getByLabel(/^Причина/).fill('Тестовый заказ')
    await ask.getByRole('button', { name: 'Исключить' }).click()
    t.match(await visibleText(lookup.locator('.answer', { hasText: 'исключён' })), new RegExp(`^Заказ A-302 исключён из выгрузки администратором ${ADMIN} .*: Тестовый заказ\\.`))
    const status = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber: 'A-302' } })
    t.match(status.json, { reason: 'excluded', excluded: { by: ADMIN, reason: 'Тестовый заказ' } })
    await setOrderComment(olvery, excluded.id, 'Изменён после исключения')
    t.same((await onec.exchange()).documents, [], 'the change does not reach 1C')
  })

  await t.test('«Вернуть в выгрузку» includes it again, and its change then goes to 1C', async (t) => {
    await lookup.getByRole('button', { name: 'Вернуть в выгрузку' }).click()
    await page.getByRole('dialog', { name: 'Вернуть заказ A-302 в выгрузку?' }).getByRole('button', { name: 'Вернуть в выгрузку' }).click()
    await lookup.getByRole('button', { name: 'Исключить из выгрузки' }).waitFor()
    t.notMatch(await visibleText(lookup.locator('.answer')), /исключён/)
    const status = await api.get(t, '/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber: 'A-302' } })
    t.match(status.json, { excluded: null, pending: true })
    t.same((await onec.exchange()).documents.map((d) => d.number), ['A-302'])
  })

  await t.test('«Журнал действий» lists each action, newest first, with who did it and what changed', async (t) => {
    await page.reload()
    const audit = page.getByRole('region', { name: 'Журнал действий' })
    const rows = audit.locator('tbody tr')
    await rows.nth(3).waitFor()
    const texts = await rows.allInnerTexts()
    t.equal(texts.length, 4)
    t.match(texts[0], new RegExp(`${ADMIN} \\(администратор локации\\)\\s+Возврат заказа в выгрузку\\s+Заказ A-302 снова выгружается в 1С\\. Был исключён .*, ${ADMIN}: «Тестовый заказ»`))
    t.match(texts[1], /Исключение заказа\s+Заказ A-302 исключён из выгрузки\. Причина: «Тестовый заказ»\./)
    t.match(texts[2], new RegExp(`Подтверждение пакета вручную\\s+Пакет № ${batch.id} \\(2 заказа\\) подтверждён вручную`))
    t.match(texts[3], /user-1 \(системный оператор\)\s+Создание интеграции\s+Наименование «Бухгалтерия»/)
  })

  t.same(watch.errors, [])
  t.same(watch.foreign, [])
})
