/**
 * Whether a text is a UUID as PostgreSQL's `uuid` type accepts it in canonical form (any letter case). Checked before
 * a lookup by id, so a malformed id is "not found" (or a clear error), never a database error.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID.test(value)
}
