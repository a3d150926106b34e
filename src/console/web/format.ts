/** Russian wording of numbers, sizes, dates and plurals. No DOM: unit tests import it under Node. */

const plurals = new Intl.PluralRules('ru-RU')

/** `count(5, ['заказ', 'заказа', 'заказов'])` → «5 заказов». */
export function count(n: number, forms: readonly [one: string, few: string, many: string]): string {
  const rule = plurals.select(n)
  const word = rule === 'one' ? forms[0] : rule === 'few' ? forms[1] : forms[2]
  return `${n.toLocaleString('ru-RU')} ${word}`
}

export const ORDERS = ['заказ', 'заказа', 'заказов'] as const
export const EXCHANGES = ['обмен', 'обмена', 'обменов'] as const

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} Б`
  const units = ['КБ', 'МБ', 'ГБ']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toLocaleString('ru-RU', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${units[unit]}`
}

/** A retention period as the console states it: «7 дн.», «12 ч», «30 мин» (at least a minute). */
export function formatPeriod(seconds: number): string {
  const day = 24 * 3600
  if (seconds >= day) return `${Math.round(seconds / day)} дн.`
  if (seconds >= 3600) return `${Math.round(seconds / 3600)} ч`
  return `${Math.max(1, Math.round(seconds / 60))} мин`
}

const dateTime = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
const dateOnly = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric' })
const dayMonth = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'short', timeZone: 'UTC' })

/** «14 марта 2026 г. в 18:05» in the browser's time zone; «—» for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  return dateTime.format(new Date(iso))
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  return dateOnly.format(new Date(iso))
}

/** A calendar day `YYYY-MM-DD` as «14 мар.». */
export function formatDay(day: string): string {
  return dayMonth.format(new Date(`${day}T00:00:00Z`))
}
