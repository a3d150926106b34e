/**
 * How an integration is doing, in the words of the list and of its page: its state, whether 1C keeps asking without
 * confirming (the alert condition of ops/prometheus/alerts.yml: 3 queries or more since the last `success`), and how
 * many orders wait. No DOM: unit tests import it.
 */
import { count, ORDERS } from './format.js'
import type { components } from './generated/openapi.types.js'

type Integration = components['schemas']['Integration']
type Batch = components['schemas']['Batch']
type Preview = components['schemas']['Preview']

/** As OnecRepeatedQueriesWithoutSuccess: this many queries in a row without `success` is a poison batch, not a load in progress. */
const QUERIES_WITHOUT_SUCCESS_ALERT = 3

export function stateOf(integration: Integration): { label: string; kind: 'enabled' | 'disabled' | 'archived' } {
  if (integration.archivedAt) return { label: 'В архиве', kind: 'archived' }
  return integration.enabled ? { label: 'Включена', kind: 'enabled' } : { label: 'Отключена', kind: 'disabled' }
}

/** Whether the newest batches may hold a streak of queries without success worth asking the journal about. */
export function mayBeFailing(integration: Integration): boolean {
  if (integration.archivedAt || !integration.enabled || !integration.lastQueryAt) return false
  return !integration.lastSuccessAt || integration.lastQueryAt > integration.lastSuccessAt
}

/** Queries since the last acknowledged batch, from the newest batches of the journal (newest first). */
export function queriesSinceSuccess(newest: readonly Batch[]): number {
  const index = newest.findIndex((batch) => batch.acknowledged)
  return index < 0 ? newest.length : index
}

/** The warning to show, or null: 1C asks again and again and never confirms what it got. */
export function failingWarning(integration: Integration, newest: readonly Batch[]): string | null {
  const streak = queriesSinceSuccess(newest)
  if (!mayBeFailing(integration) || streak < QUERIES_WITHOUT_SUCCESS_ALERT) return null
  const since = integration.lastSuccessAt ? 'с последнего подтверждения' : 'ни разу не подтвердив'
  return `1С запрашивает заказы, но не подтверждает загрузку: ${streak} и более запросов подряд без success (${since}). Вероятно, 1С не может загрузить какой-то заказ — проверьте журнал обмена в 1С.`
}

/** «12 заказов», or «больше 500 заказов» when the preview counted past the batch size. */
export function pendingWords(preview: Preview, batchSize: number): string {
  const total = preview.orderCount + preview.leftOut
  if (total === 0) return 'нет'
  return total > batchSize ? `больше ${count(batchSize, ORDERS)}` : count(total, ORDERS)
}
