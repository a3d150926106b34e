/**
 * The web console's journal after retention pruned a document (EXPORT-SEMANTICS.md rule 11), in a real browser: the
 * batch is still listed with its orders, the row says the document is gone, and the batch's page says why instead of
 * offering a document the service answers 410 for; an upload whose raw file was pruned keeps its outcome and says so;
 * the chart says from which day on it no longer counts empty polls.
 */
import fs from 'node:fs'
import t from 'tap'
import { startConsoleServer, openBrowser, visibleText, watchPage } from '../console/console-harness.js'
import { AdminApi, createIntegrationViaApi } from '../helpers/admin-api.js'
import { locationAdminToken, systemOperatorToken } from '../helpers/admin-token.js'
import { createOrder, createSupplier } from '../helpers/factories.js'
import { expireSessions } from '../helpers/integrations.js'
import { OneCClient } from '../helpers/onec-client.js'

t.test('a batch whose document was pruned shows in the journal as «документ удалён», without a document to open', async (t) => {
  const server = await startConsoleServer(t)
  const { olvery, db } = server.databases
  const supplier = await createSupplier(olvery, { name: 'ООО «Ромашка»' })
  await createOrder(olvery, supplier, { number: 'R-101' })
  const api = new AdminApi(server.app, await systemOperatorToken())
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Бухгалтерия' })
  const id = created.id
  const onec = new OneCClient({ baseUrl: server.origin, login: created.login, password: created.password })
  t.same((await onec.exchange()).problems, [])
  t.same((await onec.exchange()).problems, [])
  await expireSessions(db, id)
  const report = await server.app.pruner.runOnce({
    now: new Date(Date.now() + 2 * 86_400_000),
    periods: { documentsSeconds: 86_400, emptyPollsSeconds: 30 * 86_400, journalSeconds: 60 * 86_400, uploadsSeconds: 30 * 86_400 },
  })
  t.equal(report.pruned.documents, 1)
  const [, pruned] = (await api.get(t, '/api/v1/integrations/{id}/batches', { params: { id } })).json.batches

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}/integrations/${id}#token=${await locationAdminToken(supplier.locationId)}`)
  const journal = page.getByRole('region', { name: 'Журнал обменов' })
  t.match(
    await visibleText(journal.getByText(/^Обмены без заказов хранятся/)),
    /^Обмены без заказов хранятся в журнале 7 дн\.: до \d{1,2} \S+ \d{4}.* график показывает только обмены с заказами\.$/,
    'the chart says that the days before RETENTION_EMPTY_POLLS count only exchanges with orders',
  )
  const row = journal.getByRole('row', { name: new RegExp(`№ ${pruned.id}`) })
  t.match(await visibleText(row), /документ удалён/)
  await row.getByRole('button', { name: `№ ${pruned.id}` }).click()
  t.match(await visibleText(journal.locator('.batch-detail .hint')), /Документ удалён по сроку хранения .*: заказы пакета и их отпечатки остались в журнале/)
  t.match(await visibleText(journal.locator('.batch-detail table')), /R-101/, 'its orders are still listed')
  t.equal(await journal.getByRole('button', { name: 'Скачать документ (XML)' }).isDisabled(), true)
  t.equal(await journal.getByRole('button', { name: 'Показать документ' }).isDisabled(), true)
  t.same(watch.errors, [])
})

t.test('an upload whose file was pruned still shows its outcome, and says the file is gone', async (t) => {
  // Empty polls kept longer than the chart reaches: it then counts every exchange it shows, and needs no hint.
  const server = await startConsoleServer(t, { env: { RETENTION_EMPTY_POLLS: '30d' } })
  const { olvery } = server.databases
  const supplier = await createSupplier(olvery, { name: 'ООО «Василёк»' })
  const api = new AdminApi(server.app, await systemOperatorToken())
  const created = await createIntegrationViaApi(t, api, { companyId: supplier.companyId, name: 'Бухгалтерия' })
  const id = created.id
  const onec = new OneCClient({ baseUrl: server.origin, login: created.login, password: created.password })
  const name = 'orders-5b0c2f8e-6d1a-4c53-9a0e-2f4b8d1c7e90_1.xml'
  t.same((await onec.uploadCycle(name, fs.readFileSync(new URL(`../fixtures/uploads/${name}`, import.meta.url)))).problems, [])
  const report = await server.app.pruner.runOnce({
    now: new Date(Date.now() + 2 * 86_400_000),
    periods: { documentsSeconds: 30 * 86_400, emptyPollsSeconds: 30 * 86_400, journalSeconds: 60 * 86_400, uploadsSeconds: 86_400 },
  })
  t.equal(report.pruned.upload_files, 1)

  const context = await openBrowser(t)
  const page = await context.newPage()
  const watch = watchPage(page, server.origin)
  await page.goto(`${server.consoleUrl}/integrations/${id}#token=${await locationAdminToken(supplier.locationId)}`)
  const uploads = page.getByRole('region', { name: 'Файлы из 1С' })
  const row = uploads.getByRole('row', { name: new RegExp(name) })
  const text = await visibleText(row)
  t.match(text, /загружен/)
  t.match(text, /документов \d+: сопоставлено с заказами/, 'what the import made of it stays')
  t.match(text, /файл удалён по сроку хранения \d/)
  const journal = page.getByRole('region', { name: 'Журнал обменов' })
  await journal.getByText('1С ещё не запрашивала заказы по этой интеграции.').waitFor()
  t.equal(await journal.getByText(/^Обмены без заказов хранятся/).count(), 0, 'no hint when the chart reaches no pruned day')
  t.same(watch.errors, [])
})
