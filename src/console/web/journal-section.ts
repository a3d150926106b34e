/**
 * «Журнал обменов»: every `query` answer of 1C, newest first, with its orders, size and who acknowledged it (1C, by
 * its `success` to its own session's `query`, or an administrator by hand); above, the chart of exchanges and orders
 * per day over the last four weeks; below, one batch opened: its orders and the document exactly as 1C received it.
 *
 * When the latest batch is unacknowledged, the administrator may acknowledge it by hand (EXPORT-SEMANTICS.md rule 9)
 * after checking in 1C that it arrived: the confirmation says what that means before anything is sent.
 */
import { api, type Batch } from './api.js'
import { h, show } from './dom.js'
import { count, formatBytes, formatDateTime, formatPeriod, ORDERS } from './format.js'
import { isReadOnly, type IntegrationContext } from './integration-context.js'
import { journalChart } from './journal-chart.js'
import { dailyTotals } from './journal-days.js'
import { announce, attempt, confirmAction, loading, section } from './views.js'

const CHART_DAYS = 28
const PAGE = 200
/** 10 pages of 200: a 1C polling every 5 minutes makes about 8,000 batches in four weeks, the chart then says how far it reaches. */
const CHART_PAGES = 10
const ROWS_STEP = 20
/** Larger documents are offered for download only: a browser would labour to show hundreds of megabytes of text. */
const SHOWN_DOCUMENT_BYTES = 2 * 1024 * 1024

/**
 * Retention deletes empty polls (answers without orders) after RETENTION_EMPTY_POLLS: on the days before that the
 * chart can count only the exchanges that carried orders, and says so rather than show a drop that did not happen.
 */
function emptyPollsHint(keptSeconds: number | null): HTMLElement | null {
  if (keptSeconds === null || keptSeconds >= CHART_DAYS * 24 * 3600) return null
  const since = new Date(Date.now() - keptSeconds * 1000).toISOString()
  return h('p', { class: 'hint' }, `Обмены без заказов хранятся в журнале ${formatPeriod(keptSeconds)}: до ${formatDateTime(since)} график показывает только обмены с заказами.`)
}

function acknowledgement(batch: Batch): string {
  if (batch.acknowledged && batch.acknowledgedBy !== '1C') return `да, ${formatDateTime(batch.acknowledgedAt)} — вручную, ${batch.acknowledgedBy ?? 'администратор'}`
  if (batch.acknowledged) return `да, ${formatDateTime(batch.acknowledgedAt)} — 1С, сеанс ${batch.sessionId.slice(0, 8)}`
  if (batch.superseded) return 'нет: 1С не подтвердила, заказы ушли снова в более позднем пакете'
  return 'нет, ждём подтверждения 1С'
}

function download(bytes: ArrayBuffer, contentType: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }))
  const link = h('a', { href: url, download: filename, class: 'visually-hidden' })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

function batchDetail(context: IntegrationContext, batchId: number): HTMLElement {
  const id = context.integration.id
  const holder = h('div', { class: 'batch-detail' }, loading())
  const problems = h('div')
  void (async () => {
    const batch = await attempt(problems, () => api.get('/api/v1/integrations/{id}/batches/{batchId}', { params: { id, batchId: String(batchId) } }))
    if (!batch) return show(holder, problems)
    const documentView = h('div', { class: 'document' })
    const documentProblems = h('div')
    // Retention (EXPORT-SEMANTICS.md rule 11): the batch and its orders stay, the bytes 1C received are gone.
    const pruned = batch.documentPrunedAt !== null
    const showDocument = h('button', { type: 'button', class: 'secondary', disabled: pruned || batch.byteCount > SHOWN_DOCUMENT_BYTES }, 'Показать документ')
    const saveDocument = h('button', { type: 'button', class: 'secondary', disabled: pruned }, 'Скачать документ (XML)')
    const fetchDocument = () => attempt(documentProblems, () => api.document('/api/v1/integrations/{id}/batches/{batchId}/document', { params: { id, batchId: String(batchId) } }))
    showDocument.addEventListener('click', async () => {
      const fetched = await fetchDocument()
      if (fetched) show(documentView, h('pre', { class: 'xml', tabindex: '0', 'aria-label': `Документ пакета № ${batch.id}` }, fetched.text))
    })
    saveDocument.addEventListener('click', async () => {
      const fetched = await fetchDocument()
      if (fetched) download(fetched.bytes, fetched.contentType, `batch-${batch.id}.xml`)
    })
    const heading = h('h3', { tabindex: '-1' }, `Пакет № ${batch.id}`)
    show(
      holder,
      heading,
      h(
        'p',
        null,
        `Запрос 1С ${formatDateTime(batch.createdAt)}: ${count(batch.orderCount, ORDERS)}, ${formatBytes(batch.byteCount)}. Подтверждение: ${acknowledgement(batch)}.`,
      ),
      batch.orders.length
        ? h(
            'table',
            { class: 'list compact' },
            h('caption', null, `Заказы пакета № ${batch.id} в порядке документа`),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Номер'), h('th', { scope: 'col' }, 'Изменён'), h('th', { scope: 'col' }, 'Подтверждён 1С'))),
            h(
              'tbody',
              null,
              batch.orders.map((order) =>
                h(
                  'tr',
                  null,
                  h('td', null, order.number),
                  h('td', null, formatDateTime(order.changedAt)),
                  h('td', null, order.acknowledged ? `да, ${formatDateTime(order.acknowledgedAt)} (пакет № ${order.acknowledgedBatchId})` : 'нет'),
                ),
              ),
            ),
          )
        : h('p', null, 'Пустой ответ: новых заказов не было.'),
      h('div', { class: 'toolbar' }, showDocument, saveDocument),
      pruned
        ? h('p', { class: 'hint' }, `Документ удалён по сроку хранения ${formatDateTime(batch.documentPrunedAt)}: заказы пакета и их отпечатки остались в журнале.`)
        : batch.byteCount > SHOWN_DOCUMENT_BYTES
          ? h('p', { class: 'hint' }, 'Документ большой: скачайте его, чтобы посмотреть.')
          : null,
      documentProblems,
      documentView,
    )
    heading.focus()
  })()
  return holder
}

/**
 * Rule 9 on the journal's latest batch while 1C has not acknowledged it: what it means, asked before it is done. The
 * API acknowledges only the latest batch; when another came meanwhile, its 409 is shown in its words.
 */
function acknowledgeByHand(context: IntegrationContext, latest: Batch | undefined, reload: () => Promise<void>): HTMLElement | null {
  if (!latest || latest.acknowledged || isReadOnly(context.integration)) return null
  const outcome = h('div')
  const button = h('button', { type: 'button', class: 'secondary' }, 'Подтвердить загрузку вручную')
  button.addEventListener('click', async () => {
    const confirmed = await confirmAction({
      title: `Подтвердить пакет № ${latest.id} вручную?`,
      text:
        `Делайте это, только если проверили в 1С, что заказы пакета № ${latest.id} (${count(latest.orderCount, ORDERS)}, запрос ${formatDateTime(latest.createdAt)}) в ней есть: ` +
        'например, 1С загрузила пакет, но подтверждение (success) до сервиса не дошло. Сервис сочтёт эти заказы доставленными, как если бы 1С ответила success: ' +
        'они больше не будут отправляться, пока не изменятся, а 1С перестанет получать этот пакет снова и снова. Если 1С их на самом деле не загрузила, ' +
        'они до неё не дойдут — понадобится повторная выгрузка. Подтверждение записывается в журнал действий с вашим именем.',
      confirm: 'Подтвердить загрузку',
    })
    if (!confirmed) return
    button.disabled = true
    const acknowledged = await attempt(outcome, () =>
      api.post('/api/v1/integrations/{id}/batches/{batchId}/acknowledge', { params: { id: context.integration.id, batchId: String(latest.id) } }),
    'Пакет не подтверждён. Сервис ответил:')
    button.disabled = false
    if (!acknowledged) return
    // The journal is read again first, so that what is announced is already what the page shows.
    await reload()
    announce(`Пакет № ${acknowledged.id} подтверждён вручную: его заказы считаются доставленными.`)
  })
  return h(
    'div',
    { class: 'acknowledge' },
    h('p', { class: 'note' }, `Последний пакет, № ${latest.id} от ${formatDateTime(latest.createdAt)}, 1С не подтвердила. Если вы проверили в 1С, что он загружен, подтвердите его вручную.`),
    h('div', { class: 'toolbar' }, button),
    outcome,
  )
}

export function journalSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const byHand = h('div')
  const chart = h('div', null, loading())
  const rows = h('div')
  const detail = h('div')
  const problems = h('div')
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Обновить журнал')
  let batches: Batch[] = []
  let cursor: string | null = null
  let shown = ROWS_STEP

  const nextPage = async () => {
    const page = await api.get('/api/v1/integrations/{id}/batches', { params: { id }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } })
    batches = batches.concat(page.batches)
    cursor = page.nextCursor
  }

  const renderRows = () => {
    if (batches.length === 0) return show(rows, h('p', { class: 'empty' }, '1С ещё не запрашивала заказы по этой интеграции.'))
    const more = h('button', { type: 'button', class: 'secondary' }, 'Показать ещё')
    more.addEventListener('click', async () => {
      shown += ROWS_STEP
      if (shown > batches.length && cursor) await attempt(problems, nextPage)
      renderRows()
    })
    show(
      rows,
      h(
        'table',
        { class: 'list' },
        h('caption', null, 'Пакеты, новые сверху'),
        h(
          'thead',
          null,
          h('tr', null, ['Пакет', 'Время запроса', 'Заказов', 'Размер', 'Подтверждение 1С'].map((title) => h('th', { scope: 'col' }, title))),
        ),
        h(
          'tbody',
          null,
          batches.slice(0, shown).map((batch) =>
            h(
              'tr',
              { class: batch.acknowledged ? null : 'unacknowledged' },
              h('td', null, h('button', { type: 'button', class: 'link', onclick: () => show(detail, batchDetail(context, batch.id)) }, `№ ${batch.id}`)),
              h('td', null, formatDateTime(batch.createdAt)),
              h('td', { class: 'number' }, batch.orderCount.toLocaleString('ru-RU')),
              h('td', { class: 'number' }, batch.documentPrunedAt ? `${formatBytes(batch.byteCount)}, документ удалён` : formatBytes(batch.byteCount)),
              h('td', null, acknowledgement(batch)),
            ),
          ),
        ),
      ),
      shown < batches.length || cursor ? more : null,
    )
  }

  const load = async () => {
    batches = []
    cursor = null
    shown = ROWS_STEP
    const since = Date.now() - CHART_DAYS * 24 * 3600 * 1000
    const loaded = await attempt(problems, async () => {
      let pages = 0
      do {
        await nextPage()
        pages++
      } while (cursor && pages < CHART_PAGES && Date.parse(batches[batches.length - 1]!.createdAt) >= since)
      return true
    })
    if (!loaded) return show(chart)
    show(byHand, acknowledgeByHand(context, batches[0], load))
    const oldest = batches[batches.length - 1]
    const cut = cursor !== null && oldest !== undefined && Date.parse(oldest.createdAt) >= since
    show(
      chart,
      journalChart(dailyTotals(batches, { days: CHART_DAYS, now: new Date() })),
      cut ? h('p', { class: 'hint' }, `Обменов так много, что на графике они показаны начиная с ${formatDateTime(oldest.createdAt)}.`) : null,
      emptyPollsHint(context.config.emptyPollsKeptSeconds),
    )
    renderRows()
  }
  refresh.addEventListener('click', () => void load())
  void load()
  return section('Журнал обменов', h('div', { class: 'toolbar' }, refresh), problems, byHand, chart, rows, detail)
}
