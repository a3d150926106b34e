/**
 * Wall-clock dates in a time zone: CommerceML's `Дата`, `Время` and `ДатаФормирования` are local to the order's
 * location, without an offset (../shared/commerceml/PROTOCOL.md §5.2), and `export_from` and a re-export's `from` are
 * midnights in the documents' time zone (EXPORT-SEMANTICS.md rule 6). `documentTimezone` is the one rule that picks
 * that zone.
 */

/** The documents' time zone where neither an integration's settings nor its location name one. */
const FALLBACK_TIMEZONE = 'Europe/Moscow'

/** The time zone of an integration's documents: its setting, else its location's, else FALLBACK_TIMEZONE. */
export function documentTimezone(settingsTimezone: string | null, locationTimezone: string | null): string {
  return settingsTimezone ?? locationTimezone ?? FALLBACK_TIMEZONE
}

export interface WallClock {
  /** `YYYY-MM-DD` */
  date: string
  /** `HH:MM:SS` */
  time: string
  /** `YYYY-MM-DDTHH:MM:SS` (xsd:dateTime without an offset) */
  dateTime: string
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * The wall-clock time of `instant` in `timeZone`, without an offset: `Дата`, `Время` and `ДатаФормирования` are
 * local to the order's location (§5.2). Throws `RangeError` for an unknown zone.
 */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value
  const year = (parts['year'] ?? '').padStart(4, '0')
  const hour = parts['hour'] === '24' ? '00' : (parts['hour'] ?? '')
  const date = `${year}-${parts['month']}-${parts['day']}`
  const time = `${hour}:${parts['minute']}:${parts['second']}`
  return { date, time, dateTime: `${date}T${time}` }
}

/** Offset of `zone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function zoneOffset(instant: number, zone: string): number {
  const { dateTime } = wallClock(new Date(instant), zone)
  return Date.parse(`${dateTime}Z`) - Math.floor(instant / 1000) * 1000
}

/** The instant when `date` (YYYY-MM-DD) begins in `zone`. */
export function startOfDayIn(date: string, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wallMidnight = Date.UTC(y, m - 1, d)
  let instant = wallMidnight - zoneOffset(wallMidnight, zone)
  // A second pass settles days whose offset differs at midnight from the first guess (DST changes).
  instant = wallMidnight - zoneOffset(instant, zone)
  return new Date(instant)
}
