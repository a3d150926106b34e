/**
 * Rule 6: an integration created with `export_from` starts its candidate scan at midnight of that date in the
 * location's time zone instead of at the beginning of history.
 */
import { wallClock } from '../export/order-document.js'

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
