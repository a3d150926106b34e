/**
 * Rule 6: an integration created with `export_from` starts its candidate scan at midnight of that date in the
 * location's time zone instead of at the beginning of history.
 */

/** Offset of `zone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function zoneOffset(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - Math.floor(instant / 1000) * 1000
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
