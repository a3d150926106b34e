/**
 * «Проверить заказ»: "did 1C get A-123?". The answer of the API's order status, in plain words (order-words.ts);
 * an order number several locations share lists those orders to ask again by id.
 */
import { api, ApiError } from './api.js'
import { field, h, show } from './dom.js'
import { formatDateTime } from './format.js'
import type { IntegrationContext } from './integration-context.js'
import { describeDelivery } from './order-words.js'
import { errorView, section } from './views.js'

export function orderSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const wanted = h('input', { type: 'search', autocomplete: 'off', maxlength: '100', placeholder: 'A-123' })
  const result = h('div', { class: 'order-result', 'aria-live': 'polite' })

  const lookUp = async (orderIdOrNumber: string) => {
    show(result, h('p', { class: 'loading' }, 'Проверяем…'))
    try {
      const status = await api.get('/api/v1/integrations/{id}/orders/{orderIdOrNumber}', { params: { id, orderIdOrNumber } })
      const words = describeDelivery(status)
      show(
        result,
        h('p', { class: `answer tone-${words.tone}` }, words.headline),
        words.details.length ? h('ul', { class: 'details' }, words.details.map((d) => h('li', null, d))) : null,
      )
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
