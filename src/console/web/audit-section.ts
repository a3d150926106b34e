/**
 * «Журнал действий»: the audit trail of the integration, newest first: who created it, changed its settings, switched
 * it off or on, issued a new 1C password, archived it, asked for a re-export, acknowledged a batch by hand, excluded or
 * included an order, when, and what changed (audit-words.ts). Read-only.
 */
import { api, type AuditEvent } from './api.js'
import { actorWords, ACTION_WORDS, changeWords } from './audit-words.js'
import { h } from './dom.js'
import { formatDateTime } from './format.js'
import type { IntegrationContext } from './integration-context.js'
import { pagedTable, section } from './views.js'

const PAGE = 20

export function auditSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const problems = h('div')
  const list = pagedTable<AuditEvent>({
    problems,
    page: async (cursor) => {
      const page = await api.get('/api/v1/integrations/{id}/audit', { params: { id }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } })
      return { items: page.events, nextCursor: page.nextCursor }
    },
    empty: 'Действий администраторов пока не было.',
    caption: 'Действия администраторов, новые сверху',
    columns: ['Когда', 'Кто', 'Действие', 'Что изменилось'],
    row: (event) =>
      h(
        'tr',
        null,
        h('td', null, formatDateTime(event.at)),
        h('td', null, actorWords(event)),
        h('td', null, ACTION_WORDS[event.action]),
        h('td', null, h('ul', { class: 'details' }, changeWords(event).map((line) => h('li', null, line)))),
      ),
  })
  return section('Журнал действий', problems, list)
}
