/**
 * Rows written with `COPY … FROM STDIN (FORMAT binary)` on PostgreSQL: one statement for any number of rows, values
 * sent as their binary form (a bytea travels as its bytes, not as twice as many hex digits), on the connection of the
 * Kysely transaction or instance it is given, so it takes part in that transaction like any other statement. COPY
 * keeps no session state, so it works behind PgBouncer in transaction pooling.
 *
 * Only for a `pg` pool: the embedded PGlite has no COPY FROM STDIN through Kysely, and callers keep a plain INSERT for
 * it, chosen by the database kind (`Connections.kind`).
 */
import { CompiledQuery, type Kysely } from 'kysely'
import copyStreams from 'pg-copy-streams'

type CopyType = 'int4' | 'int8' | 'uuid' | 'text' | 'timestamptz' | 'bytea'

export interface CopyColumn {
  name: string
  type: CopyType
}

/** "PGCOPY\n\377\r\n\0", no flags, no header extension (PostgreSQL docs, COPY, "Binary Format"). */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])
const TRAILER = Buffer.from([0xff, 0xff])
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000

const FIXED: Partial<Record<CopyType, number>> = { int4: 4, int8: 8, uuid: 16, timestamptz: 8 }

function fieldLength(type: CopyType, value: unknown): number {
  if (value === null || value === undefined) return 0
  const fixed = FIXED[type]
  if (fixed !== undefined) return fixed
  return type === 'bytea' ? (value as Buffer).length : Buffer.byteLength(value as string, 'utf8')
}

function writeField(buffer: Buffer, at: number, type: CopyType, value: unknown): number {
  if (value === null || value === undefined) {
    buffer.writeInt32BE(-1, at)
    return at + 4
  }
  const length = fieldLength(type, value)
  buffer.writeInt32BE(length, at)
  at += 4
  switch (type) {
    case 'int4':
      buffer.writeInt32BE(value as number, at)
      break
    case 'int8':
      buffer.writeBigInt64BE(BigInt(value as number), at)
      break
    case 'uuid': {
      const hex = (value as string).replaceAll('-', '')
      if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a uuid: ${value as string}`)
      buffer.write(hex, at, 16, 'hex')
      break
    }
    case 'timestamptz':
      // Microseconds since PostgreSQL's epoch; a Date holds whole milliseconds.
      buffer.writeBigInt64BE(BigInt((value as Date).getTime() - PG_EPOCH_MS) * 1000n, at)
      break
    case 'text':
      buffer.write(value as string, at, length, 'utf8')
      break
    case 'bytea':
      ;(value as Buffer).copy(buffer, at)
      break
  }
  return at + length
}

/** The rows in COPY's binary format, header and trailer included, in one buffer. */
function encodeCopyRows(columns: readonly CopyColumn[], rows: ReadonlyArray<readonly unknown[]>): Buffer {
  let size = HEADER.length + TRAILER.length
  for (const row of rows) {
    size += 2
    for (let i = 0; i < columns.length; i++) size += 4 + fieldLength(columns[i]!.type, row[i])
  }
  const buffer = Buffer.allocUnsafe(size)
  let at = HEADER.copy(buffer, 0)
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns`)
    at = buffer.writeInt16BE(columns.length, at)
    for (let i = 0; i < columns.length; i++) at = writeField(buffer, at, columns[i]!.type, row[i])
  }
  TRAILER.copy(buffer, at)
  return buffer
}

/**
 * Writes `rows` into `table` (schema-qualified, trusted text: never a value from a request) in one COPY on `db`'s
 * connection. The COPY goes through Kysely as a statement of its own: `pg` takes a query object that knows how to run
 * itself (pg-copy-streams' stream), and the object is made awaitable so that Kysely's `await` lasts until PostgreSQL
 * has taken every row (or refused them: the error then fails this call and the transaction, as any statement's).
 */
export async function copyRows(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  table: string,
  columns: readonly CopyColumn[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return
  const names = columns.map((c) => `"${c.name}"`).join(', ')
  const stream = copyStreams.from(`copy ${table} (${names}) from stdin (format binary)`)
  const done = new Promise<{ command: string; rowCount: number; rows: never[] }>((resolve, reject) => {
    stream.once('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [] }))
    stream.once('error', reject)
  })
  // Held until PostgreSQL asks for the data (CopyInResponse), then sent as one message.
  stream.end(encodeCopyRows(columns, rows))
  const statement = Object.assign(stream, { then: done.then.bind(done) })
  await db.executeQuery({ ...CompiledQuery.raw('copy'), sql: statement as unknown as string })
}
