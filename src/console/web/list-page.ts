/**
 * «Интеграции»: the integrations the administrator manages (the API shows a location administrator those of their
 * own location only), each with its company, state, last `query` and last `success` of 1C, a warning when 1C keeps
 * asking without confirming, and the orders waiting to be sent. «Добавить интеграцию» opens «Новая интеграция».
 */
import { api, type Company, type Integration } from './api.js'
import { h, show } from './dom.js'
import { formatDateTime } from './format.js'
import { failingWarning, mayBeFailing, pendingWords, stateOf } from './integration-state.js'
import { companyLabel, openNewIntegrationDialog } from './new-integration-dialog.js'
import type { PageConfig } from './page-config.js'
import { hrefOf, linkHandler } from './router.js'
import { attempt, badge, loading } from './views.js'

interface ListState {
  includeArchived: boolean
}

const state: ListState = { includeArchived: false }

function companyCell(companies: Map<string, Company>, id: string): string {
  const company = companies.get(id)
  return company ? companyLabel(company) : id
}

/**
 * What needs a request per integration (the journal's newest batches, the preview's count) is filled in after the
 * table is shown, one integration at a time, so a long list neither waits for them nor loads the service at once.
 */
async function fillDetails(rows: readonly Row[]): Promise<void> {
  for (const { integration, warning, pending } of rows) {
    if (!warning.isConnected) return // the page changed meanwhile
    if (integration.archivedAt) {
      pending.textContent = '—'
      continue
    }
    try {
      if (mayBeFailing(integration)) {
        const page = await api.get('/api/v1/integrations/{id}/batches', { params: { id: integration.id }, query: { limit: 3 } })
        const text = failingWarning(integration, page.batches)
        if (text) warning.replaceChildren(h('p', { class: 'warning' }, text))
      }
      const preview = await api.get('/api/v1/integrations/{id}/preview', { params: { id: integration.id }, query: { documentOrders: 0 } })
      pending.textContent = pendingWords(preview, integration.settings.batch_size ?? 500)
    } catch (error) {
      pending.textContent = 'не удалось узнать'
      pending.title = (error as Error).message
    }
  }
}

type Row = { row: HTMLElement; integration: Integration; warning: HTMLElement; pending: HTMLElement }

function table(integrations: readonly Integration[], companies: Map<string, Company>): { element: HTMLElement; rows: Row[] } {
  const rows = integrations.map((integration): Row => {
    const status = stateOf(integration)
    const warning = h('div', { class: 'row-warning' })
    const pending = h('td', { class: 'number' }, '…')
    const route = { page: 'integration', id: integration.id } as const
    const row = h(
      'tr',
      { 'data-integration-id': integration.id },
      h('td', null, h('a', { href: hrefOf(route), onclick: linkHandler(route) }, integration.name), warning),
      h('td', null, companyCell(companies, integration.companyId)),
      h('td', null, badge(status.label, status.kind)),
      h('td', null, formatDateTime(integration.lastQueryAt)),
      h('td', null, formatDateTime(integration.lastSuccessAt)),
      pending,
    )
    return { row, integration, warning, pending }
  })
  const element = h(
    'table',
    { class: 'list' },
    h('caption', { class: 'visually-hidden' }, 'Интеграции'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Наименование'),
        h('th', { scope: 'col' }, 'Компания'),
        h('th', { scope: 'col' }, 'Состояние'),
        h('th', { scope: 'col' }, 'Последний запрос 1С'),
        h('th', { scope: 'col' }, 'Последнее подтверждение 1С'),
        h('th', { scope: 'col' }, 'Ожидают отправки'),
      ),
    ),
    h('tbody', null, rows.map((r) => r.row)),
  )
  return { element, rows }
}

export function renderList(root: HTMLElement, config: PageConfig): void {
  const content = h('div', null, loading())
  const problems = h('div')
  const add = h('button', { type: 'button', class: 'primary', disabled: true }, 'Добавить интеграцию')
  const archived = h('input', { type: 'checkbox', id: 'show-archived', checked: state.includeArchived })
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Обновить')
  let companies: Company[] = []

  const load = async () => {
    const loaded = await attempt(problems, () =>
      Promise.all([api.get('/api/v1/integrations', { query: { includeArchived: state.includeArchived } }), api.get('/api/v1/companies')]),
    )
    if (!loaded) return show(content)
    const [list, companyList] = loaded
    companies = companyList.companies
    add.disabled = false
    const byId = new Map(companies.map((c) => [c.id, c]))
    if (list.integrations.length === 0) {
      return show(
        content,
        h(
          'div',
          { class: 'empty' },
          h('p', { class: 'empty-title' }, 'Интеграций пока нет'),
          h('p', null, 'Нажмите «Добавить интеграцию», чтобы подключить 1С поставщика: она будет забирать его оплаченные заказы.'),
        ),
      )
    }
    const { element, rows } = table(list.integrations, byId)
    show(content, element)
    void fillDetails(rows)
  }

  add.addEventListener('click', () => openNewIntegrationDialog(config, companies, () => void load()))
  archived.addEventListener('change', () => {
    state.includeArchived = archived.checked
    void load()
  })
  refresh.addEventListener('click', () => void load())
  document.title = 'Интеграции — Olvery'
  show(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Интеграции'),
      h('div', { class: 'toolbar' }, h('label', { class: 'checkbox' }, archived, ' Показывать архивные'), refresh, add),
    ),
    problems,
    content,
  )
  void load()
}
