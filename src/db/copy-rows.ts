/**
 * Rows written with `COPY … FROM STDIN (FORMAT binary)` on PostgreSQL (`copyRows`), and bytea values read with
 * `COPY … TO STDOUT (FORMAT binary)` (`copyOutBytea`): one statement for any number of rows, values travelling as
 * their binary form (a bytea as its bytes, not as twice as many hex digits), on the connection of the Kysely
 * transaction or instance it is given, so it takes part in that transaction like any other statement. COPY keeps no
 * session state, so it works behind PgBouncer in transaction pooling.
 *
 * Only for a `pg` pool: the embedded PGlite has no COPY FROM STDIN or TO STDOUT through Kysely, and callers keep a
 * plain INSERT or select for it, chosen by the database kind (`Connections.kind`).
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
 * connection, a statement of its own through Kysely (`runCopy`) that lasts until PostgreSQL has taken every row (or
 * refused them: the error then fails this call and the transaction, as any statement's).
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
  await runCopy(db, stream, 'finish')
}

/**
 * Runs a pg-copy-streams stream as a statement of `db`: `pg` takes a query object that knows how to run itself, and the
 * object is made awaitable, so that Kysely's `await` (and the connection it holds) lasts until the stream emits
 * `endEvent` or fails.
 */
function runCopy(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  stream: NodeJS.EventEmitter & { rowCount: number },
  endEvent: 'finish' | 'end',
): Promise<unknown> {
  const done = new Promise<{ command: string; rowCount: number; rows: never[] }>((resolve, reject) => {
    stream.once(endEvent, () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [] }))
    stream.once('error', reject)
  })
  const statement = Object.assign(stream, { then: done.then.bind(done) })
  return db.executeQuery({ ...CompiledQuery.raw('copy'), sql: statement as unknown as string })
}

/** The binary header: the 11-byte signature, the flags field and the header extension's length (both 0 here). */
const COPY_OUT_HEADER_LENGTH = 19

/**
 * The bytes of a one-column bytea `select` (trusted text: never a value from a request), every row's value after the
 * other, read with `COPY (select) TO STDOUT (FORMAT binary)` on a connection of `db` taken for as long as the bytes
 * are read. The values arrive as their bytes, not as hex text that a row would bring and that pg would decode into a
 * buffer of its own; what is yielded are pieces of the chunks read from the socket, so nothing is copied again.
 * PostgreSQL waits while the consumer does (backpressure), so a caller that must not hold a connection for a slow
 * reader reads a bounded page whole first. A consumer that stops early (or a value the parser refuses) leaves the
 * rest read and dropped, so the connection goes back to the pool with no COPY under way. Null values are skipped.
 *
 * Only for a `pg` pool, like `copyRows`.
 */
export async function* copyOutBytea(db: Pick<Kysely<unknown>, 'executeQuery'>, select: string): AsyncGenerator<Buffer> {
  const stream = copyStreams.to(`copy (${select}) to stdout (format binary)`)
  const running = runCopy(db, stream, 'end')
  // Awaited below; never left rejected without a handler meanwhile.
  running.catch(() => undefined)
  let finished = false
  try {
    // Not `for await` on the stream itself: leaving that early destroys the stream, and the connection with it would
    // never see the end of its COPY.
    yield* copiedValues(stream.iterator({ destroyOnReturn: false }))
    await running
    finished = true
  } finally {
    if (!finished) {
      stream.on('data', () => undefined)
      await running.catch(() => undefined)
    }
  }
}

/**
 * The values of COPY's binary format of one column, read across chunk boundaries: the header skipped, then per row
 * its field count (2 bytes, 1; -1 is the trailer) and the value's length (4 bytes, -1 for null) before the value.
 */
async function* copiedValues(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let skip = COPY_OUT_HEADER_LENGTH
  let value = 0
  let frame: number[] = []
  let ended = false
  for await (const chunk of chunks) {
    let at = 0
    while (at < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at)
        skip -= n
        at += n
      } else if (value > 0) {
        const n = Math.min(value, chunk.length - at)
        yield chunk.subarray(at, at + n)
        value -= n
        at += n
      } else {
        if (ended) throw new Error('COPY sent data after its trailer')
        frame.push(chunk[at++]!)
        if (frame.length === 2) {
          const fields = (frame[0]! << 8) | frame[1]!
          if (fields === 0xffff) {
            ended = true
            frame = []
          } else if (fields !== 1) throw new Error(`COPY sent a row of ${fields} fields, expected 1`)
        } else if (frame.length === 6) {
          // A signed 32-bit big-endian length; -1 is null, which adds nothing.
          value = Math.max(0, (frame[2]! << 24) | (frame[3]! << 16) | (frame[4]! << 8) | frame[5]!)
          frame = []
        }
      }
    }
  }
  if (!ended || skip > 0 || value > 0 || frame.length > 0) throw new Error('COPY ended before its trailer')
}
