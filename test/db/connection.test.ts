import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { openDatabases } from '../../src/olvery/databases.js'
import { DataDirLockedError } from '../../src/db/connection.js'
import { createTestDatabases, databaseKind } from '../helpers/test-database.js'

t.test(`${databaseKind}: SQL types arrive as the same JavaScript types`, async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  const { rows } = await sql<Record<string, unknown>>`
    select count(*) as count, 9007199254740991::int8 as big, 12000.50::numeric(14,2) as money,
           1.500::numeric(14,3) as qty, date '2025-03-14' as day, timestamptz '2025-03-14T10:00:00Z' as at,
           '{"a":1}'::jsonb as doc, '\\x00ff'::bytea as bytes, true as flag
      from (values (1), (2)) v(x)`.execute(databases.db)
  const row = rows[0]!
  t.equal(row['count'], 2)
  t.equal(row['big'], 9007199254740991)
  t.equal(row['money'], '12000.50')
  t.equal(row['qty'], '1.500')
  t.equal(row['day'], '2025-03-14')
  t.ok(row['at'] instanceof Date)
  t.equal((row['at'] as Date).toISOString(), '2025-03-14T10:00:00.000Z')
  t.same(row['doc'], { a: 1 })
  t.ok(Buffer.isBuffer(row['bytes']), 'bytea is a Buffer')
  t.same([...(row['bytes'] as Buffer)], [0, 255])
  t.equal(row['flag'], true)
})

t.test(`${databaseKind}: an int8 beyond 2^53 is an error, not a rounded number`, async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await t.rejects(sql`select 9007199254740993::int8 as big`.execute(databases.db), RangeError)
})

t.test(`${databaseKind}: a failing script leaves nothing behind`, async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await t.rejects(databases.execScript('create table half_done (id int); select no_such_function();'))
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('public.half_done') is not null as exists`.execute(databases.db)
  t.equal(rows[0]!.exists, false)
})

t.test('pglite: a second process cannot open the same data directory', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pglite-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  // A lock held by another live process (our parent stands in for it).
  await fs.writeFile(path.join(dir, 'olvery-1c-exchange.lock'), String(process.ppid))
  await t.rejects(
    openDatabases({ databaseUrl: null, dataDir: dir, olveryDatabaseUrl: null, olveryDbSchema: 'olvery' }),
    DataDirLockedError,
  )
})

t.test('pglite: a lock left by a dead process is taken over, and released on close', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pglite-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const lock = path.join(dir, 'olvery-1c-exchange.lock')
  await fs.writeFile(lock, '999999999')
  const databases = await openDatabases({ databaseUrl: null, dataDir: dir, olveryDatabaseUrl: null, olveryDbSchema: 'olvery' })
  t.equal((await fs.readFile(lock, 'utf8')).trim(), String(process.pid))
  await t.rejects(
    openDatabases({ databaseUrl: null, dataDir: dir, olveryDatabaseUrl: null, olveryDbSchema: 'olvery' }),
    DataDirLockedError,
    'a second open in the same process is refused too',
  )
  await databases.close()
  await t.rejects(fs.access(lock), 'the lock file is removed on close')
})

t.test('pglite: data persist in the data directory across restarts', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pglite-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const options = { databaseUrl: null, dataDir: dir, olveryDatabaseUrl: null, olveryDbSchema: 'olvery' }
  const first = await openDatabases(options)
  await first.execScript('create table kept (v text); insert into kept values ($$still here$$);')
  await first.close()
  const second = await openDatabases(options)
  t.teardown(() => second.close())
  const { rows } = await sql<{ v: string }>`select v from kept`.execute(second.db)
  t.same(rows, [{ v: 'still here' }])
})

// PGlite has one connection: a transaction must hold it to the end, or another request's statements run inside it
// (committed or rolled back with it). On PostgreSQL each transaction has a connection and the row lock orders them.
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test(`${databaseKind}: concurrent transactions do not interleave: none loses another's update`, async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await databases.execScript('create table counter (v int not null); insert into counter values (0);')
  const increment = () =>
    databases.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ v: number }>`select v from counter for update`.execute(trx)
      await pause(5) // another request gets its turn meanwhile
      await sql`update counter set v = ${rows[0]!.v + 1}`.execute(trx)
    })
  await Promise.all(Array.from({ length: 8 }, increment))
  const { rows } = await sql<{ v: number }>`select v from counter`.execute(databases.db)
  t.equal(rows[0]!.v, 8, 'every increment counted')
})

t.test(`${databaseKind}: a transaction rolled back takes none of a concurrent request's writes with it`, async (t) => {
  const databases = await createTestDatabases(t, { migrate: false, reference: false })
  await databases.execScript('create table written (who text not null);')
  let began!: () => void
  const begun = new Promise<void>((resolve) => (began = resolve))
  const failing = databases.db.transaction().execute(async (trx) => {
    await sql`insert into written values ('rolled back')`.execute(trx)
    began()
    await pause(20)
    throw new Error('give up')
  })
  await begun
  const committed = databases.db.transaction().execute(async (trx) => {
    await sql`insert into written values ('committed')`.execute(trx)
  })
  const outside = sql`insert into written values ('no transaction')`.execute(databases.db)
  await t.rejects(failing, /give up/)
  await committed
  await outside
  const { rows } = await sql<{ who: string }>`select who from written order by who`.execute(databases.db)
  t.same(rows.map((r) => r.who), ['committed', 'no transaction'])
})
