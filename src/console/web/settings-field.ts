/**
 * «Настройки (JSON)»: the text box and, under it, what is wrong with the text as it is typed (settings-check.ts):
 * each problem with its JSON path, and the hint for typographic quotes. The service's own answer to «Сохранить» is
 * shown by the form around it, as the service words it.
 */
import { field, h } from './dom.js'
import { checkSettingsText, QUOTES_HINT } from './settings-check.js'

export interface SettingsField {
  element: HTMLElement
  textarea: HTMLTextAreaElement
}

const SETTINGS_EXAMPLE = '{"paymentrules":[{"status":"purchased","gateway":"CKassa"}],"paymentmethod_name":"Оплата картой внешняя"}'

export function settingsField(initial: string, options: { readonly?: boolean } = {}): SettingsField {
  const textarea = h('textarea', { rows: '8', spellcheck: 'false', autocomplete: 'off', class: 'json', readonly: options.readonly ?? false })
  textarea.value = initial
  const hint = h('p', { class: 'hint' }, 'Например: ', h('code', null, SETTINGS_EXAMPLE))
  const check = h('div', { class: 'settings-check', role: 'status', 'aria-live': 'polite' })

  const update = () => {
    check.replaceChildren()
    if (textarea.value === '' && !textarea.dataset['touched']) return
    const result = checkSettingsText(textarea.value)
    const invalid = result.problems.length > 0 || result.typographicQuotes
    textarea.setAttribute('aria-invalid', String(invalid))
    if (result.typographicQuotes) check.append(h('p', { class: 'quotes-hint' }, QUOTES_HINT))
    if (result.problems.length) {
      check.append(
        h(
          'ul',
          { class: 'problems' },
          result.problems.map((p) => h('li', null, p.path ? h('code', null, p.path) : null, p.path ? ' — ' : null, p.message)),
        ),
      )
    }
    if (!invalid) check.append(h('p', { class: 'ok' }, 'Настройки выглядят правильно.'))
  }
  textarea.addEventListener('input', () => {
    textarea.dataset['touched'] = 'yes'
    update()
  })
  update()
  return { element: field('Настройки (JSON)', textarea, hint, check), textarea }
}
