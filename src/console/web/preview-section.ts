/**
 * «Следующий обмен»: what 1C would get if it asked now (the API computes it as `query` does and changes nothing):
 * the orders of the next batch, those the batch size leaves for later, those that cannot be sent and why, and the
 * start of the document.
 */
import { api } from './api.js'
import { h, show } from './dom.js'
import { count, formatBytes, formatDateTime, ORDERS } from './format.js'
import type { IntegrationContext } from './integration-context.js'
import { attempt, section } from './views.js'

/** Orders of the next batch whose document is shown: enough to see what 1C reads, small for any batch. */
const DOCUMENT_ORDERS = 20

export function previewSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const result = h('div', { 'aria-live': 'polite' })
  const problems = h('div')
  const run = h('button', { type: 'button', class: 'secondary' }, 'Показать, что уйдёт в 1С')
  run.addEventListener('click', async () => {
    run.disabled = true
    const preview = await attempt(problems, () => api.get('/api/v1/integrations/{id}/preview', { params: { id }, query: { documentOrders: DOCUMENT_ORDERS } }))
    run.disabled = false
    if (!preview) return show(result)
    const summary =
      preview.orderCount === 0
        ? 'Сейчас отправлять нечего: при следующем запросе 1С получит пустой ответ.'
        : `При следующем запросе 1С получит ${count(preview.orderCount, ORDERS)} (документ ${formatBytes(preview.byteCount)}).`
    show(
      result,
      h('p', { class: 'answer' }, summary),
      preview.leftOut ? h('p', null, `Ещё ${count(preview.leftOut, ORDERS)} уйдут в следующих обменах: в один ответ помещается не больше, чем задано в batch_size.`) : null,
      preview.notExportable.length
        ? h(
            'div',
            { class: 'warning' },
            h('p', null, `Нельзя отправить: ${count(preview.notExportable.length, ORDERS)}.`),
            h('ul', null, preview.notExportable.map((n) => h('li', null, `${n.number}: ${n.reason}`))),
          )
        : null,
      preview.orders.length
        ? h(
            'details',
            null,
            h('summary', null, `Заказы следующего ответа (${preview.orders.length})`),
            h('ul', { class: 'columns' }, preview.orders.map((o) => h('li', null, `${o.number} — изменён ${formatDateTime(o.changedAt)}`))),
          )
        : null,
      preview.orderCount
        ? h(
            'details',
            null,
            h(
              'summary',
              null,
              preview.documentOrderCount < preview.orderCount ? `Документ (первые ${count(preview.documentOrderCount, ORDERS)} из ${preview.orderCount})` : 'Документ',
            ),
            h('pre', { class: 'xml', tabindex: '0' }, preview.document),
          )
        : null,
    )
  })
  return section('Следующий обмен', h('p', { class: 'hint' }, 'Ничего не меняет и ничего не отправляет: только показывает.'), h('div', { class: 'toolbar' }, run), problems, result)
}
