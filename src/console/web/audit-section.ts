/**
 * «Журнал действий»: the audit trail of the integration, newest first: who created it, changed its settings, switched
 * it off or on, issued a new 1C password, archived it, asked for a re-export, acknowledged a batch by hand, excluded or
 * included an order, when, and what changed (audit-words.ts). Read-only.
 */
import { api, type AuditEvent } from './api.js'
import { actorWords, ACTION_WORDS, changeWords } from './audit-words.js'
import { h, show } from './dom.js'
import { formatDateTime } from './format.js'
import type { IntegrationContext } from './integration-context.js'
import { attempt, loading, section } from './views.js'

const PAGE = 20

export function auditSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const list = h('div', null, loading())
  const problems = h('div')
  let events: AuditEvent[] = []
  let cursor: string | null = null

  const render = () => {
    if (events.length === 0) return show(list, h('p', { class: 'empty' }, 'Действий администраторов пока не было.'))
    const more = h('button', { type: 'button', class: 'secondary' }, 'Показать ещё')
    more.addEventListener('click', () => void load())
    show(
      list,
      h(
        'table',
        { class: 'list' },
        h('caption', null, 'Действия администраторов, новые сверху'),
        h('thead', null, h('tr', null, ['Когда', 'Кто', 'Действие', 'Что изменилось'].map((title) => h('th', { scope: 'col' }, title)))),
        h(
          'tbody',
          null,
          events.map((event) =>
            h(
              'tr',
              null,
              h('td', null, formatDateTime(event.at)),
              h('td', null, actorWords(event)),
              h('td', null, ACTION_WORDS[event.action]),
              h('td', null, h('ul', { class: 'details' }, changeWords(event).map((line) => h('li', null, line)))),
            ),
          ),
        ),
      ),
      cursor ? more : null,
    )
  }
  const load = async () => {
    const page = await attempt(problems, () => api.get('/api/v1/integrations/{id}/audit', { params: { id }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } }))
    if (!page) return show(list)
    events = events.concat(page.events)
    cursor = page.nextCursor
    render()
  }
  void load()
  return section('Журнал действий', problems, list)
}
