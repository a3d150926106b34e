/**
 * How 1C writes the scalar values of an upload (PROTOCOL.md §8): booleans, date-times in the forms seen in real
 * uploads, and requisite names. Each reader takes a trimmed, non-empty value.
 */

/** `Номер по 1C` (Latin C) → `Номер по 1С`; inner runs of spaces → one space. */
export function canonicalName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().replace(/1C/g, '1С')
}

/** PROTOCOL.md §8: `true`/`false`, lowercase; any letter case is read. Null when it is neither. */
export function readBoolean(value: string): boolean | null {
  const lower = value.toLowerCase()
  return lower === 'true' ? true : lower === 'false' ? false : null
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](?:(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/
const BITRIX = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

/**
 * A date-time as 1C's wall-clock `YYYY-MM-DDTHH:MM:SS` (the form the facts keep, migration 0005), null for "no
 * date", undefined when unreadable.
 *
 * PROTOCOL.md §8: `yyyy-MM-ddTHH:mm:ss`, also a bare date, a space instead of `T`, no seconds, fractions of a second
 * (dropped), and an offset or `Z` (dropped: the wall-clock part is the time 1C shows, and the facts carry no zone);
 * Bitrix's `dd.mm.yyyy hh:mm:ss`. 1C's empty date is no date, whether written `0001-01-01T00:00:00` or as a bare `T`.
 */
export function readDateTime(value: string): string | null | undefined {
  if (value === 'T') return null
  let parts: string[] | undefined
  let match = ISO.exec(value)
  if (match) parts = [match[1]!, match[2]!, match[3]!, match[4] ?? '00', match[5] ?? '00', match[6] ?? '00']
  else {
    match = BITRIX.exec(value)
    if (match) parts = [match[3]!, match[2]!, match[1]!, (match[4] ?? '00').padStart(2, '0'), match[5] ?? '00', match[6] ?? '00']
  }
  if (!parts) return undefined
  const [year, month, day, hour, minute, second] = parts.map(Number) as [number, number, number, number, number, number]
  if (year <= 1) return null
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  return `${parts[0]}-${parts[1]}-${parts[2]}T${parts[3]}:${parts[4]}:${parts[5]}`
}
