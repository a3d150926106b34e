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
 * connection, as a statement of its own (`awaitable`): the call returns once PostgreSQL has taken every row, or fails
 * with its error, which fails the transaction as any statement's would.
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
  // Held until PostgreSQL asks for the data (CopyInResponse), then sent as one message.
  stream.end(encodeCopyRows(columns, rows))
  await db.executeQuery({ ...CompiledQuery.raw('copy'), sql: awaitable(stream).statement as unknown as string })
}

/** The header of COPY's binary format: signature, flags, header extension length. */
const HEADER_LENGTH = 19

/**
 * The values of a query of one bytea column, in the query's order, read with one `COPY (…) TO STDOUT (FORMAT binary)`
 * on a connection of `db`'s pool: the bytes as stored, no hex, streamed as PostgreSQL sends them (the connection is
 * paused while the consumer is behind, so memory stays bounded). Values are not kept apart: each yielded buffer is
 * the next bytes of their concatenation. `query` is trusted SQL text, never a value from a request. A consumer that
 * stops early lets the rest of the COPY drain, so the connection goes back to the pool clean.
 */
export async function* copyColumnOut(db: Pick<Kysely<unknown>, 'executeQuery'>, query: string): AsyncGenerator<Buffer> {
  const stream = copyStreams.to(`copy (${query}) to stdout (format binary)`)
  const done = awaitable(stream)
  const running = db.executeQuery({ ...CompiledQuery.raw('copy'), sql: done.statement as unknown as string })
  running.catch(() => undefined) // awaited below
  let skip = HEADER_LENGTH
  let need = 0
  let tuple = Buffer.alloc(0)
  let ended = false
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      const out: Buffer[] = []
      let at = 0
      while (at < chunk.length && !ended) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at)
          skip -= n
          at += n
        } else if (need > 0) {
          const n = Math.min(need, chunk.length - at)
          out.push(chunk.subarray(at, at + n))
          need -= n
          at += n
        } else {
          // A tuple starts: int16 field count (-1: the trailer), then int32 length of its one field (-1: null).
          const want = tuple.length < 2 ? 2 : 6
          const n = Math.min(want - tuple.length, chunk.length - at)
          tuple = Buffer.concat([tuple, chunk.subarray(at, at + n)])
          at += n
          if (tuple.length === 2 && tuple.readInt16BE(0) === -1) ended = true
          else if (tuple.length === 2 && tuple.readInt16BE(0) !== 1) throw new Error('copyColumnOut: the query must select one column')
          else if (tuple.length === 6) {
            need = Math.max(0, tuple.readInt32BE(2))
            tuple = Buffer.alloc(0)
          }
        }
      }
      if (out.length > 0) yield out.length === 1 ? out[0]! : Buffer.concat(out)
    }
  } finally {
    if (!stream.readableEnded) stream.resume() // stopped early: drain the rest
    await running
  }
}

/**
 * The COPY stream as a statement Kysely can run and await: `pg` runs any query object with a `submit` method, and
 * Kysely's `await` then lasts until PostgreSQL is ready for the next statement, or fails with the COPY's error.
 */
function awaitable<S extends NodeJS.EventEmitter>(stream: S): { statement: S } {
  const query = stream as S & { handleReadyForQuery(): void }
  const ready = new Promise<{ command: string; rowCount: number; rows: never[] }>((resolve, reject) => {
    const handleReadyForQuery = query.handleReadyForQuery.bind(stream)
    query.handleReadyForQuery = () => {
      handleReadyForQuery()
      resolve({ command: 'COPY', rowCount: 0, rows: [] })
    }
    stream.once('error', reject)
  })
  return { statement: Object.assign(stream, { then: ready.then.bind(ready) }) }
}
