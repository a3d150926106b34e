/**
 * «Повторная выгрузка»: send orders to 1C again, all changed since a date, or the ones named (by number, as people
 * know them, or by id). Numbers are turned into ids with the API's order lookup; the re-export itself is one call.
 * The journal keeps every batch; the next `query` sends the orders.
 */
import { api, ApiError } from './api.js'
import { field, h, show } from './dom.js'
import { count, formatDate, ORDERS } from './format.js'
import { isReadOnly, type IntegrationContext } from './integration-context.js'
import { attempt, confirmAction, errorView, section } from './views.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function resultWords(result: { cleared: number; unknownOrderIds: string[] }): HTMLElement {
  return h(
    'div',
    null,
    h('p', { class: 'answer tone-ok' }, `Готово: ${count(result.cleared, ORDERS)} снова ждут отправки, они уйдут в 1С при следующем обмене.`),
    result.unknownOrderIds.length ? h('p', null, `Не заказы компании этой интеграции (пропущены): ${result.unknownOrderIds.join(', ')}`) : null,
  )
}

/** The ids of what was typed: ids as they are, numbers looked up; what cannot be found is reported, not guessed. */
async function resolveOrders(id: string, entries: string[]): Promise<{ ids: string[]; problems: HTMLElement[] }> {
  const ids: string[] = []
  const problems: HTMLElement[] = []
  for (const entry of entries) {
    if (UUID.test(entry)) {
      ids.push(entry)
      continue
    }
    try {
      ids.push((await api.get('/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber: entry } })).orderId)
    } catch (error) {
      if (error instanceof ApiError && error.isSignInProblem) throw error
      problems.push(errorView(error, `Заказ «${entry}»:`))
    }
  }
  return { ids: [...new Set(ids)], problems }
}

export function reexportSection(context: IntegrationContext): HTMLElement {
  const { integration } = context
  if (isReadOnly(integration)) return section('Повторная выгрузка', h('p', { class: 'note' }, 'Интеграция в архиве: повторная выгрузка невозможна.'))
  const result = h('div', { 'aria-live': 'polite' })

  const from = h('input', { type: 'date', required: true })
  const byDate = h('form', { class: 'inline', novalidate: true }, field('Отправить заново заказы, изменённые начиная с даты', from), h('button', { type: 'submit', class: 'secondary' }, 'Выгрузить с даты'))
  byDate.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (!from.value) return show(result, h('p', { class: 'field-problem' }, 'Выберите дату.'))
    const confirmed = await confirmAction({
      title: 'Повторная выгрузка с даты',
      text: `Все заказы, которые 1С уже получила и которые менялись начиная с ${formatDate(`${from.value}T12:00:00Z`)}, уйдут в 1С снова при следующем обмене, а также подходящие заказы с этой даты, которые ещё не отправлялись.`,
      confirm: 'Выгрузить заново',
    })
    if (!confirmed) return
    const answer = await attempt(result, () => api.post('/api/v1/integrations/{id}/reexport', { params: { id: integration.id }, body: { from: from.value } }), 'Повторная выгрузка не запрошена. Сервис ответил:')
    if (answer) show(result, resultWords(answer))
  })

  const orders = h('textarea', { rows: '3', spellcheck: 'false', placeholder: 'A-123, A-124' })
  const byOrders = h(
    'form',
    { class: 'inline', novalidate: true },
    field('Номера или ид заказов (через запятую, пробел или с новой строки)', orders),
    h('button', { type: 'submit', class: 'secondary' }, 'Выгрузить эти заказы'),
  )
  byOrders.addEventListener('submit', async (event) => {
    event.preventDefault()
    const entries = [...new Set(orders.value.split(/[\s,;]+/).filter(Boolean))]
    if (entries.length === 0) return show(result, h('p', { class: 'field-problem' }, 'Укажите хотя бы один заказ.'))
    show(result, h('p', { class: 'loading' }, 'Ищем заказы…'))
    const found = await attempt(result, () => resolveOrders(integration.id, entries))
    if (!found) return
    if (found.ids.length === 0) return show(result, ...found.problems)
    const answer = await attempt(result, () => api.post('/api/v1/integrations/{id}/reexport', { params: { id: integration.id }, body: { orderIds: found.ids } }), 'Повторная выгрузка не запрошена. Сервис ответил:')
    if (answer) show(result, resultWords(answer), ...found.problems)
  })
  return section('Повторная выгрузка', byDate, byOrders, result)
}
