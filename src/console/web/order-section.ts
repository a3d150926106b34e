/**
 * «Проверить заказ»: "did 1C get A-123?". The answer of the API's order status, in plain words (order-words.ts);
 * an order number several locations share lists those orders to ask again by id. Below the answer, the order can be
 * excluded from the exchange (a test order, one entered in 1C by hand) or included again (EXPORT-SEMANTICS.md rule
 * 10); each asks first and says what it means, and the answer shown is the status the API gives back.
 */
import { api, ApiError, type OrderStatus } from './api.js'
import { field, h, show } from './dom.js'
import { formatDateTime } from './format.js'
import { isReadOnly, type IntegrationContext } from './integration-context.js'
import { describeDelivery } from './order-words.js'
import { announce, attempt, confirmAction, errorView, section } from './views.js'

/** «Исключить из выгрузки» or «Вернуть в выгрузку», as the order's status allows; null where neither applies. */
function exclusionControls(context: IntegrationContext, status: OrderStatus, shown: (status: OrderStatus) => void): HTMLElement | null {
  if (isReadOnly(context.integration) || status.reason === 'other company') return null
  const params = { id: context.integration.id, orderIdOrNumber: status.orderId }
  const outcome = h('div')
  if (status.excluded) {
    const include = h('button', { type: 'button', class: 'secondary' }, 'Вернуть в выгрузку')
    include.addEventListener('click', async () => {
      const confirmed = await confirmAction({
        title: `Вернуть заказ ${status.number} в выгрузку?`,
        text: `Заказ снова будет уходить в 1С. Если он изменился с тех пор, как 1С подтвердила его загрузку (или 1С его не получала), он уйдёт при следующем обмене; если нет, отправлять нечего.`,
        confirm: 'Вернуть в выгрузку',
      })
      if (!confirmed) return
      const changed = await attempt(outcome, () => api.delete('/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion', { params }), 'Заказ не возвращён. Сервис ответил:')
      if (!changed) return
      announce(`Заказ ${changed.number} снова выгружается в 1С.`)
      shown(changed)
    })
    return h('div', null, h('div', { class: 'toolbar' }, include), outcome)
  }
  const exclude = h('button', { type: 'button', class: 'secondary' }, 'Исключить из выгрузки')
  exclude.addEventListener('click', async () => {
    const reason = h('input', { type: 'text', maxlength: '500', autocomplete: 'off', placeholder: 'Тестовый заказ' })
    const confirmed = await confirmAction({
      title: `Исключить заказ ${status.number} из выгрузки?`,
      text: `Пока заказ исключён, 1С его не получит, как бы он ни менялся (оплата, возврат, отмена). То, что 1С уже получила, в ней остаётся. Вернуть заказ в выгрузку можно здесь же. Исключение записывается в журнал действий с вашим именем и причиной.`,
      confirm: 'Исключить',
      extra: field('Причина (увидят в статусе заказа и в журнале действий)', reason),
    })
    if (!confirmed) return
    const changed = await attempt(
      outcome,
      () => api.put('/api/v1/integrations/{id}/orders/{orderIdOrNumber}/exclusion', { params, body: { reason: reason.value } }),
      'Заказ не исключён. Сервис ответил:',
    )
    if (!changed) return
    announce(`Заказ ${changed.number} исключён из выгрузки.`)
    shown(changed)
  })
  return h('div', null, h('div', { class: 'toolbar' }, exclude), outcome)
}

export function orderSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const wanted = h('input', { type: 'search', autocomplete: 'off', maxlength: '100', placeholder: 'A-123' })
  const result = h('div', { class: 'order-result', 'aria-live': 'polite' })

  const showStatus = (status: OrderStatus) => {
    const words = describeDelivery(status)
    show(
      result,
      h('p', { class: `answer tone-${words.tone}` }, words.headline),
      words.details.length ? h('ul', { class: 'details' }, words.details.map((d) => h('li', null, d))) : null,
      exclusionControls(context, status, showStatus),
    )
  }

  const lookUp = async (orderIdOrNumber: string) => {
    show(result, h('p', { class: 'loading' }, 'Проверяем…'))
    try {
      showStatus(await api.get('/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber } }))
    } catch (error) {
      if (error instanceof ApiError && error.isSignInProblem) return
      const ambiguous = error instanceof ApiError && error.code === 'AMBIGUOUS_ORDER_NUMBER' ? (error.details?.['orders'] as Array<{ orderId: string; number: string; createdAt: string }> | undefined) : undefined
      const notFound = error instanceof ApiError && error.code === 'NOT_FOUND'
      show(
        result,
        notFound ? h('p', { class: 'answer tone-info' }, `Заказа «${orderIdOrNumber}» нет среди заказов компании этой интеграции.`) : null,
        errorView(error),
        ambiguous
          ? h(
              'ul',
              { class: 'details' },
              ambiguous.map((o) =>
                h('li', null, `Заказ ${o.number} от ${formatDateTime(o.createdAt)} `, h('button', { type: 'button', class: 'link', onclick: () => void lookUp(o.orderId) }, 'проверить этот')),
              ),
            )
          : null,
      )
    }
  }
  const form = h(
    'form',
    { class: 'inline', novalidate: true },
    field('Номер заказа или его ид', wanted),
    h('button', { type: 'submit', class: 'primary' }, 'Проверить'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (wanted.value.trim()) void lookUp(wanted.value.trim())
  })
  return section('Получила ли 1С заказ?', form, result)
}
