/**
 * The journal's chart counts, per calendar day of the last weeks: exchanges (each `query` answer is one batch),
 * how many of them 1C acknowledged, and the orders they carried. No DOM: unit tests import it.
 */
export interface DayTotals {
  /** `YYYY-MM-DD` in the time zone of the count. */
  day: string
  exchanges: number
  acknowledged: number
  orders: number
}

interface JournalBatch {
  createdAt: string
  orderCount: number
  acknowledged: boolean
}

/** The calendar day of an instant in `timeZone` (the browser's own when undefined). */
function dayIn(instant: Date, timeZone?: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

function previousDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`)
  date.setUTCDate(date.getUTCDate() - 1)
  return date.toISOString().slice(0, 10)
}

/** `days` entries, oldest first, ending with today; batches outside them are not counted. */
export function dailyTotals(batches: readonly JournalBatch[], options: { days: number; now: Date; timeZone?: string }): DayTotals[] {
  const days: string[] = [dayIn(options.now, options.timeZone)]
  while (days.length < options.days) days.unshift(previousDay(days[0]!))
  const totals = new Map(days.map((day) => [day, { day, exchanges: 0, acknowledged: 0, orders: 0 }]))
  for (const batch of batches) {
    const entry = totals.get(dayIn(new Date(batch.createdAt), options.timeZone))
    if (!entry) continue
    entry.exchanges++
    if (batch.acknowledged) entry.acknowledged++
    entry.orders += batch.orderCount
  }
  return [...totals.values()]
}
