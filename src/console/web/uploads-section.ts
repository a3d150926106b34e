/**
 * «Файлы из 1С»: what 1C uploaded about the orders it loaded (its numbers and dates, posted, its payments and
 * shipments; PROTOCOL.md §8), newest first, with what each import found: documents matched to orders of the company,
 * unmatched ones (recorded, never applied), errors, and the first problems in the API's words.
 */
import { api, type Schemas } from './api.js'
import { h } from './dom.js'
import { formatBytes, formatDateTime } from './format.js'
import type { IntegrationContext } from './integration-context.js'
import { pagedTable, section } from './views.js'

type Upload = Schemas['Upload']

const STATES: Record<Upload['state'], string> = {
  receiving: 'принимается: 1С ещё передаёт файл',
  stored: 'получен, ждёт загрузки',
  importing: 'загружается',
  imported: 'загружен',
  failed: 'не загружен',
}

function outcomeWords(upload: Upload): string {
  if (upload.error) return upload.error
  const o = upload.outcome
  if (!o) return '—'
  return `документов ${o.documents}: сопоставлено с заказами ${o.matched}, заказ не найден ${o.unmatched}, ошибок ${o.errors}`
}

function problemsList(upload: Upload): HTMLElement | null {
  if (upload.problems.length === 0) return null
  return h(
    'ul',
    { class: 'problems' },
    upload.problems.map((p) => {
      const names = [p.onecNumber ? `Номер ${p.onecNumber}` : '', p.onecId ? `Ид ${p.onecId}` : ''].filter(Boolean).join(', ')
      const what = p.status === 'unmatched' ? 'заказ не найден' : 'ошибка'
      return h('li', null, `Документ ${p.documentIndex}${names ? ` (${names})` : ''} — ${what}${p.reason ? `: ${p.reason}` : ''}`)
    }),
  )
}

export function uploadsSection(context: IntegrationContext): HTMLElement {
  const id = context.integration.id
  const problems = h('div')
  const list = pagedTable<Upload>({
    problems,
    page: async (cursor) => {
      const page = await api.get('/api/v1/integrations/{id}/uploads', { params: { id }, query: { limit: 20, ...(cursor ? { cursor } : {}) } })
      return { items: page.uploads, nextCursor: page.nextCursor }
    },
    empty: '1С не присылала файлов. Они появятся, если в узле обмена 1С включена выгрузка изменений заказов на сайт.',
    caption: 'Файлы, новые сверху',
    columns: ['Файл', 'Получен', 'Размер', 'Состояние', 'Итог'],
    row: (upload) =>
      h(
        'tr',
        { class: upload.state === 'failed' ? 'unacknowledged' : null },
        h('td', null, h('code', null, upload.filename)),
        h('td', null, formatDateTime(upload.receivedAt)),
        h(
          'td',
          { class: 'number' },
          formatBytes(upload.byteCount),
          upload.filePrunedAt ? h('p', { class: 'hint' }, `файл удалён по сроку хранения ${formatDateTime(upload.filePrunedAt)}`) : null,
        ),
        h('td', null, STATES[upload.state]),
        h('td', null, outcomeWords(upload), problemsList(upload)),
      ),
  })
  return section('Файлы из 1С', problems, list)
}
