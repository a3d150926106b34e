/**
 * The audit trail (AuditEvent of openapi.yaml) in plain Russian: what was done, by whom, and what changed, one line
 * per change. No DOM: unit tests import it.
 */
import { count, formatDateTime, ORDERS } from './format.js'
import type { components } from './generated/openapi.types.js'

type AuditEvent = components['schemas']['AuditEvent']

export const ACTION_WORDS: Record<AuditEvent['action'], string> = {
  create: 'Создание интеграции',
  update: 'Изменение',
  enable: 'Включение',
  disable: 'Отключение',
  rotate_credentials: 'Новый пароль 1С',
  archive: 'Архивирование',
  reexport: 'Повторная выгрузка',
  acknowledge: 'Подтверждение пакета вручную',
  exclude: 'Исключение заказа',
  include: 'Возврат заказа в выгрузку',
}

const ROLE_WORDS: Record<string, string> = {
  location_admin: 'администратор локации',
  system_operator: 'системный оператор',
  cli: 'команда npm run integrations',
}

/** «ivanova@example.ru (администратор локации)». */
export const actorWords = (event: Pick<AuditEvent, 'sub' | 'role'>): string => `${event.sub} (${ROLE_WORDS[event.role] ?? event.role})`

type Json = unknown

/** A value as it reads in a sentence: text as it is, anything else as JSON. */
const plain = (value: Json): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value))
const text = (value: Json): string => (typeof value === 'string' ? `«${value}»` : JSON.stringify(value) ?? '—')
const record = (value: Json): Record<string, Json> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : {})
const fromTo = (value: Json): { from: Json; to: Json } => ({ from: record(value)['from'], to: record(value)['to'] })

/** The keys of the settings JSON whose values differ, each as `key: before → after`. */
function settingsChanges(change: Json): string[] {
  const { from, to } = fromTo(change)
  const before = record(from)
  const after = record(to)
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `Настройки, ${key}: ${key in before ? JSON.stringify(before[key]) : 'не задано'} → ${key in after ? JSON.stringify(after[key]) : 'не задано'}`)
}

const sessions = (n: Json) => (typeof n === 'number' && n > 0 ? [`Прервано сеансов обмена 1С: ${n}.`] : [])

/** What changed, one line each. */
export function changeWords(event: Pick<AuditEvent, 'action' | 'changes'>): string[] {
  const c = record(event.changes)
  switch (event.action) {
    case 'create':
      return [`Наименование ${text(c['name'])}, логин 1С ${text(c['login'])}, ${c['enabled'] === false ? 'отключена' : 'включена'}.`, `Настройки: ${JSON.stringify(c['settings'])}`]
    case 'update': {
      const lines: string[] = []
      if (c['name'] !== undefined) lines.push(`Наименование: ${text(fromTo(c['name']).from)} → ${text(fromTo(c['name']).to)}.`)
      if (c['settings'] !== undefined) lines.push(...settingsChanges(c['settings']))
      return lines
    }
    case 'enable':
      return ['Интеграция включена: 1С снова может забирать заказы.']
    case 'disable':
      return ['Интеграция отключена: 1С получает отказ.']
    case 'rotate_credentials': {
      const login = c['login'] === undefined ? [] : [`Логин 1С: ${text(fromTo(c['login']).from)} → ${text(fromTo(c['login']).to)}.`]
      return ['Выдан новый пароль 1С, старый перестал действовать.', ...login, ...sessions(c['revokedSessions'])]
    }
    case 'archive':
      return ['Интеграция отключена и перенесена в архив.', ...sessions(c['revokedSessions'])]
    case 'reexport': {
      const orders = Array.isArray(c['orderIds']) ? c['orderIds'].length : 0
      const what = typeof c['from'] === 'string' ? `заказы, изменённые начиная с ${formatDateTime(c['from'])}` : `${count(orders, ORDERS)} по списку`
      return [`Отправить заново: ${what}; снова ждут отправки: ${typeof c['cleared'] === 'number' ? c['cleared'] : 0}.`]
    }
    case 'acknowledge':
      return [`Пакет № ${plain(c['batchId'])} (${count(typeof c['orderCount'] === 'number' ? c['orderCount'] : 0, ORDERS)}) подтверждён вручную: заказы считаются доставленными, как после success 1С.`]
    case 'exclude': {
      const previous = c['previousReason'] !== undefined ? ` Прежняя причина: ${text(c['previousReason'])}.` : ''
      return [`Заказ ${plain(c['number'])} исключён из выгрузки. Причина: ${text(c['reason'])}.${previous}`]
    }
    case 'include': {
      const exclusion = record(c['exclusion'])
      const by = plain(exclusion['by'])
      const was = exclusion['at'] ? ` Был исключён ${formatDateTime(plain(exclusion['at']))}${by ? `, ${by}` : ''}${exclusion['reason'] ? `: ${text(exclusion['reason'])}` : ''}.` : ''
      return [`Заказ ${plain(c['number'])} снова выгружается в 1С.${was}`]
    }
  }
}
