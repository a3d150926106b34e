/**
 * «Добавить интеграцию» → «Новая интеграция», as the platform's own screen has it: «Класс интеграции» (CommerceML,
 * preset), «Наименование», «Настройки (JSON)», «Компания» (the location's companies), «Отменить» and «Сохранить».
 * «Сохранить» sends the form to the API as typed (the settings as the text of the box); its problems are shown as
 * the API words them, and on success the 1C login and password are shown once, with the exchange URL.
 */
import { api, type Company } from './api.js'
import { credentialsView } from './credentials.js'
import { field, h, uniqueId } from './dom.js'
import type { PageConfig } from './page-config.js'
import { settingsField } from './settings-field.js'
import { attempt } from './views.js'

export function companyLabel(company: Company): string {
  const name = company.shortName || company.name
  return company.inn ? `${name} (ИНН ${company.inn})` : name
}

export function openNewIntegrationDialog(config: PageConfig, companies: readonly Company[], onCreated: () => void): void {
  const titleId = uniqueId('dialog-title')
  const integrationClass = h('select', null, h('option', { value: 'CommerceML', selected: true }, 'CommerceML'))
  const name = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' })
  const settings = settingsField('')
  const company = h(
    'select',
    null,
    h('option', { value: '' }, companies.length ? 'Выберите компанию' : 'В вашей локации нет компаний'),
    companies.map((c) => h('option', { value: c.id }, companyLabel(c))),
  )
  const nameProblem = h('p', { class: 'field-problem' })
  const companyProblem = h('p', { class: 'field-problem' })
  const outcome = h('div', { class: 'outcome' })
  const save = h('button', { type: 'submit', class: 'primary' }, 'Сохранить')
  let created = false

  const form = h(
    'form',
    { novalidate: true },
    field('Класс интеграции', integrationClass),
    field('Наименование', name, nameProblem),
    settings.element,
    field('Компания', company, companyProblem),
    outcome,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Отменить'), save),
  )
  const dialog = h('dialog', { 'aria-labelledby': titleId, class: 'wide' }, h('h2', { id: titleId }, 'Новая интеграция'), form)

  const required = (control: HTMLInputElement | HTMLSelectElement, problem: HTMLElement, message: string) => {
    const missing = control.value.trim() === ''
    problem.textContent = missing ? message : ''
    control.setAttribute('aria-invalid', String(missing))
    return !missing
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const filled = [required(name, nameProblem, 'Введите наименование'), required(company, companyProblem, 'Выберите компанию')].every(Boolean)
    if (!filled) return
    save.disabled = true
    const answer = await attempt(
      outcome,
      () =>
        api.post('/api/v1/integrations', {
          body: { name: name.value, class: 'CommerceML', companyId: company.value, settings: settings.textarea.value },
        }),
      'Интеграция не сохранена. Сервис ответил:',
    )
    save.disabled = false
    if (!answer) {
      outcome.querySelector<HTMLElement>('[role="alert"]')?.focus()
      return
    }
    created = true
    const done = h('button', { type: 'button', class: 'primary', onclick: () => dialog.close() }, 'Готово')
    dialog.replaceChildren(
      h('h2', { id: titleId }, `Интеграция «${answer.name}» создана`),
      credentialsView({ login: answer.login, password: answer.password, exchangeUrl: config.exchangeUrl }),
      h('div', { class: 'actions' }, done),
    )
    done.focus()
  })
  dialog.addEventListener('close', () => {
    // The password leaves the page with the dialog.
    dialog.remove()
    if (created) onCreated()
  })
  document.body.append(dialog)
  dialog.showModal()
  name.focus()
}
