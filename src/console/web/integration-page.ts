/**
 * An integration's page: who and what it is, its actions (enable or disable, a new 1C password shown once,
 * archive), then its sections, top to bottom (`SECTIONS`). The operator tools live where the question is asked:
 * acknowledging a batch by hand in the journal (on its latest unacknowledged batch), excluding and including an
 * order in the order lookup; the audit trail of every such action is a section of its own.
 */
import { api, type Company, type Integration } from './api.js'
import { credentialsView } from './credentials.js'
import { field, h, show } from './dom.js'
import { formatDateTime } from './format.js'
import { isReadOnly, type IntegrationContext, type Section } from './integration-context.js'
import { failingWarning, mayBeFailing, stateOf } from './integration-state.js'
import { journalSection } from './journal-section.js'
import { companyLabel } from './new-integration-dialog.js'
import { orderSection } from './order-section.js'
import type { PageConfig } from './page-config.js'
import { previewSection } from './preview-section.js'
import { reexportSection } from './reexport-section.js'
import { hrefOf, linkHandler } from './router.js'
import { settingsSection } from './settings-section.js'
import { uploadsSection } from './uploads-section.js'
import { announce, attempt, badge, confirmAction, copyableField, loading } from './views.js'
import { auditSection } from './audit-section.js'

const SECTIONS: readonly Section[] = [orderSection, journalSection, previewSection, reexportSection, uploadsSection, auditSection, settingsSection]

function facts(context: IntegrationContext): HTMLElement {
  const { integration, company } = context
  const row = (term: string, value: Node | string) => [h('dt', null, term), h('dd', null, value)]
  return h(
    'dl',
    { class: 'facts' },
    row('Компания', company ? companyLabel(company) : integration.companyId),
    row('Класс интеграции', integration.class),
    row('Логин 1С', h('code', null, integration.login)),
    row('Пароль выдан', formatDateTime(integration.credentialsRotatedAt)),
    row('Последний запрос 1С (query)', formatDateTime(integration.lastQueryAt)),
    row('Последнее подтверждение загрузки (success 1С или вручную)', formatDateTime(integration.lastSuccessAt)),
    row('Создана', formatDateTime(integration.createdAt)),
  )
}

async function showFailingWarning(integration: Integration, into: HTMLElement): Promise<void> {
  if (!mayBeFailing(integration)) return
  const page = await api.get('/api/v1/integrations/{id}/batches', { params: { id: integration.id }, query: { limit: 3 } }).catch(() => null)
  const text = page && failingWarning(integration, page.batches)
  if (text) into.replaceChildren(h('p', { class: 'warning', role: 'alert' }, text))
}

function actions(context: IntegrationContext): HTMLElement {
  const { integration } = context
  const outcome = h('div', { class: 'outcome' })
  if (isReadOnly(integration)) {
    return h(
      'p',
      { class: 'note' },
      `Интеграция в архиве с ${formatDateTime(integration.archivedAt)}: 1С получает отказ, журнал и проверка заказов доступны, изменить её нельзя. Для новой настройки создайте новую интеграцию.`,
    )
  }
  const toggle = h('button', { type: 'button', class: 'secondary' }, integration.enabled ? 'Отключить' : 'Включить')
  toggle.addEventListener('click', async () => {
    toggle.disabled = true
    const changed = await attempt(outcome, () =>
      api.patch('/api/v1/integrations/{id}', { params: { id: integration.id }, body: { enabled: !integration.enabled } }),
    )
    toggle.disabled = false
    if (!changed) return
    await context.reload()
    announce(changed.enabled ? 'Интеграция включена: 1С снова может забирать заказы.' : 'Интеграция отключена: 1С получает отказ.')
  })

  const rotate = h('button', { type: 'button', class: 'secondary' }, 'Новый пароль')
  rotate.addEventListener('click', async () => {
    const login = h('input', { type: 'text', autocomplete: 'off', placeholder: integration.login, pattern: '[A-Za-z0-9._-]{3,64}' })
    const confirmed = await confirmAction({
      title: 'Новый пароль 1С',
      text: 'Старый пароль перестанет работать сразу, текущие сеансы обмена 1С прервутся: 1С нужно будет ввести новый пароль в настройках узла обмена.',
      confirm: 'Выдать новый пароль',
      extra: field('Новый логин (необязательно: оставьте пустым, чтобы логин не менялся)', login),
    })
    if (!confirmed) return
    const body = login.value.trim() ? { login: login.value.trim() } : {}
    const credentials = await attempt(outcome, () => api.post('/api/v1/integrations/{id}/credentials', { params: { id: integration.id }, body }))
    if (!credentials) return
    const close = h('button', { type: 'button', class: 'primary' }, 'Готово')
    const shown = h(
      'div',
      { class: 'shown-once' },
      h('h3', null, 'Новые данные для входа 1С'),
      credentialsView({ login: credentials.login, password: credentials.password, exchangeUrl: context.config.exchangeUrl }),
      h('p', null, credentials.revokedSessions ? `Прервано сеансов обмена: ${credentials.revokedSessions}.` : 'Активных сеансов обмена не было.'),
      close,
    )
    // «Готово» takes the password off the page; the page is read anew (the login may have changed), then says so.
    close.addEventListener('click', async () => {
      shown.remove()
      await context.reload()
      announce('Пароль 1С заменён: старый больше не действует, в настройках узла обмена 1С нужен новый.')
    })
    outcome.replaceChildren(shown)
    close.focus()
  })

  const archive = h('button', { type: 'button', class: 'danger' }, 'Архивировать')
  archive.addEventListener('click', async () => {
    const confirmed = await confirmAction({
      title: `Архивировать «${integration.name}»?`,
      text: 'Интеграция будет отключена навсегда: 1С получит отказ «интеграция отключена». Журнал и проверка заказов останутся доступны, наименование освободится. Вернуть её нельзя — только создать новую.',
      confirm: 'Архивировать',
      danger: true,
    })
    if (!confirmed) return
    const archived = await attempt(outcome, () => api.delete('/api/v1/integrations/{id}', { params: { id: integration.id } }))
    if (!archived) return
    await context.reload()
    announce('Интеграция перенесена в архив.')
  })
  return h('div', null, h('div', { class: 'toolbar' }, toggle, rotate, archive), outcome)
}

export function renderIntegration(root: HTMLElement, config: PageConfig, id: string): void {
  const back = { page: 'list' } as const
  const problems = h('div')
  const body = h('div', null, loading())
  show(root, h('p', { class: 'breadcrumb' }, h('a', { href: hrefOf(back), onclick: linkHandler(back) }, '← Интеграции')), problems, body)

  const load = async (): Promise<void> => {
    const integration = await attempt(problems, () => api.get('/api/v1/integrations/{id}', { params: { id } }))
    if (!integration) return show(body)
    // Only for the company's name: without it the page shows the company's id.
    const { companies } = await api.get('/api/v1/companies', { query: { locationId: integration.locationId } }).catch(() => ({ companies: [] as Company[] }))
    const context: IntegrationContext = { config, integration, company: companies.find((c) => c.id === integration.companyId) ?? null, reload: load }
    const status = stateOf(integration)
    const warning = h('div')
    document.title = `${integration.name} — интеграции Olvery`
    show(
      body,
      h(
        'div',
        { class: 'card head' },
        h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, integration.name), badge(status.label, status.kind)),
        warning,
        facts(context),
        copyableField('Адрес обмена для 1С', config.exchangeUrl),
        actions(context),
      ),
      SECTIONS.map((section) => section(context)),
    )
    void showFailingWarning(integration, warning)
  }
  void load()
}
