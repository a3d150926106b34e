/**
 * «Настройки»: the name and the settings JSON, editable as the API allows (PATCH). The company cannot change, and
 * neither can `export_from` (it only sets where a new integration starts: the re-export sends orders again from a
 * date); the API refuses both and says so, and its words are shown.
 */
import { api } from './api.js'
import { field, h, liveRegion } from './dom.js'
import { isReadOnly, type IntegrationContext } from './integration-context.js'
import { settingsField } from './settings-field.js'
import { announce, attempt, section } from './views.js'

export function settingsSection(context: IntegrationContext): HTMLElement {
  const { integration } = context
  const readOnly = isReadOnly(integration)
  const original = JSON.stringify(integration.settings, null, 2)
  const name = h('input', { type: 'text', maxlength: '200', value: integration.name, readonly: readOnly, autocomplete: 'off' })
  const settings = settingsField(original, { readonly: readOnly })
  const outcome = h('div', { class: 'outcome' })
  const done = liveRegion()
  const save = h('button', { type: 'submit', class: 'primary' }, 'Сохранить настройки')
  const form = h(
    'form',
    { novalidate: true },
    field('Наименование', name),
    settings.element,
    h(
      'p',
      { class: 'hint' },
      'Компанию интеграции изменить нельзя. ',
      h('code', null, 'export_from'),
      ' задаётся при создании: чтобы отправить заказы заново с какой-то даты, воспользуйтесь повторной выгрузкой. Новые настройки действуют со следующего обмена.',
    ),
    outcome,
    done,
    readOnly ? null : h('div', { class: 'actions' }, save),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    done.textContent = ''
    const body: { name?: string; settings?: string } = {}
    if (name.value !== integration.name) body.name = name.value
    if (settings.textarea.value !== original) body.settings = settings.textarea.value
    if (Object.keys(body).length === 0) {
      done.textContent = 'Изменений нет.'
      return
    }
    save.disabled = true
    const changed = await attempt(outcome, () => api.patch('/api/v1/integrations/{id}', { params: { id: integration.id }, body }), 'Настройки не сохранены. Сервис ответил:')
    save.disabled = false
    if (!changed) return
    await context.reload()
    announce('Настройки сохранены.')
  })
  return section('Настройки', form)
}
