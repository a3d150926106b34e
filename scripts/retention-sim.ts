/**
 * `npm run bench:retention -- [--integrations N] [--days N] [--database-url URL] [--keep]`: a simulated month of the
 * service's own tables, pruned as the days pass (EXPORT-SEMANTICS.md rule 11), and their sizes printed per day, to
 * show that they level off once the retention periods have passed.
 *
 * On a database of its own (`olvery_retention_sim_<pid>`, dropped at the end unless --keep), migrated as the service
 * migrates it. Each simulated day is written by set-based SQL (generate_series), as 200 integrations polling every
 * minute would leave it: one exchange session and one batch per poll, nearly all of them empty; ten batches a day per
 * integration carry two orders each, with fragments of about 8 kB of XML-like text (half repeated markup, half random hex: less compressible than real XML); one
 * upload a day per integration (a 32 kB file in one chunk, imported, five documents); a few failed logins and audit
 * events. Then the pruner runs with `now` at the end of that day (the month lies in the past, ending now), followed
 * by a plain VACUUM, which stands in for autovacuum. The periods are scaled to the month: documents 7 days, empty polls
 * 2 days, journal 20 days, raw uploads 7 days (production defaults: 90, 7, 400, 90 days); sessions live 3 hours.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { migrate } from '../src/db/migrate.js'
import { LOGIN_FAILURES_MATTER_SECONDS } from '../src/auth/login-throttle.js'
import { Pruner } from '../src/maintenance/pruner.js'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/config.js'
import { openDatabases } from '../src/olvery/databases.js'
import { databaseUrl, withPg } from './bench/databases.js'

const DAY = 86_400
const PERIODS = { documentsSeconds: 7 * DAY, emptyPollsSeconds: 2 * DAY, journalSeconds: 20 * DAY, uploadsSeconds: 7 * DAY }
/** Larger steps than the server's 1,000 rows: a simulated day deletes some 290,000 sessions and as many polls. */
const ROWS_PER_STEP = 10_000
const TABLES = ['batches', 'batch_items', 'sessions', 'uploads', 'upload_chunks', 'upload_documents', 'order_state'] as const

const { values } = parseArgs({
  options: {
    integrations: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const integrations = Number(values.integrations)
const days = Number(values.days)
const adminUrl = values['database-url'] ?? process.env['BENCH_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const name = `olvery_retention_sim_${process.pid}`

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)

async function main(): Promise<void> {
  await withPg(adminUrl, (c) => c.query(`create database ${name}`))
  const databases = await openDatabases({ databaseUrl: databaseUrl(adminUrl, name), dataDir: 'unused', olveryDatabaseUrl: null, olveryDbSchema: 'olvery', poolSize: 2 })
  try {
    await migrate(databases)
    const { db } = databases
    const logger = createLogger({ logLevel: 'warn' })
    const pruner = new Pruner({ db, retention: loadConfig({}).retention, logger, loginFailuresMatterSeconds: LOGIN_FAILURES_MATTER_SECONDS })
    const monthStart = new Date(Math.floor(Date.now() / 1000 / DAY - days) * DAY * 1000)
    await sql`
      with created as (
        insert into commerceml.integrations (name, company_id, location_id, settings)
        select 'Sim ' || n, gen_random_uuid(), gen_random_uuid(), '{}'::jsonb from generate_series(1, ${integrations}) n
        returning id)
      insert into commerceml.export_state (integration_id) select id from created`.execute(db)

    console.log(
      `Retention: a simulated month. ${integrations} integrations polling every minute, ${days} days; periods scaled to the month: ` +
        'documents 7 d, empty polls 2 d, journal 20 d, raw uploads 7 d; a pruning run and a VACUUM at the end of each day.\n',
    )
    console.log(`| day | batches | batch_items | sessions | ${TABLES.map((t) => `${t} MiB`).join(' | ')} | total MiB | pruned that day (rows) | prune s |`)
    console.log(`|---:|---:|---:|---:|${TABLES.map(() => '---:|').join('')}---:|---|---:|`)
    for (let day = 0; day < days; day++) {
      const start = new Date(monthStart.getTime() + day * DAY * 1000)
      await simulateDay(db, start)
      const started = performance.now()
      const report = await pruner.runOnce({ now: new Date(start.getTime() + DAY * 1000), periods: PERIODS, rowsPerStep: ROWS_PER_STEP })
      const pruneSeconds = (performance.now() - started) / 1000
      await sql`vacuum`.execute(db)
      const counts = await sql<{ batches: number; items: number; sessions: number }>`
        select (select count(*) from commerceml.batches)::int8 as batches,
               (select count(*) from commerceml.batch_items)::int8 as items,
               (select count(*) from commerceml.sessions)::int8 as sessions`.execute(db)
      const sizes = await sql<{ table: string; bytes: number }>`
        select c.relname as table, pg_total_relation_size(c.oid)::int8 as bytes
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'commerceml' and c.relkind = 'r'`.execute(db)
      const size = new Map(sizes.rows.map((r) => [r.table, r.bytes]))
      const total = sizes.rows.reduce((sum, r) => sum + r.bytes, 0)
      const c = counts.rows[0]!
      const pruned = Object.entries(report.pruned)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
        .join(', ')
      console.log(
        `| ${day + 1} | ${c.batches.toLocaleString('en-US')} | ${c.items.toLocaleString('en-US')} | ${c.sessions.toLocaleString('en-US')} | ` +
          `${TABLES.map((t) => mib(size.get(t) ?? 0)).join(' | ')} | ${mib(total)} | ${pruned || '—'} | ${pruneSeconds.toFixed(1)} |`,
      )
    }
  } finally {
    await databases.close()
    if (!values.keep) await withPg(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`))
  }
}

/** One day of polls, batches with orders, uploads, failed logins and audit events, starting at `start`. */
async function simulateDay(db: Parameters<typeof migrate>[0]['db'], start: Date): Promise<void> {
  const head = sql`convert_to('<?xml version="1.0" encoding="UTF-8"?>' || chr(10) || '<КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="2026-01-01T00:00:00">' || chr(10), 'UTF8')`
  const tail = sql`convert_to('</КоммерческаяИнформация>' || chr(10), 'UTF8')`
  // Every poll: a session (checkauth) and its batch; nearly all empty, acknowledged by success.
  await sql`
    with polls as (
      select i.id as integration_id, ${start}::timestamptz + make_interval(mins => m) + make_interval(secs => random() * 50) as at
        from commerceml.integrations i, generate_series(0, 1439) m),
    opened as (
      insert into commerceml.sessions (integration_id, cookie_hash, sessid_hash, created_at, last_seen_at, expires_at)
      select integration_id, md5(random()::text) || md5(random()::text), md5(random()::text), at, at, at + interval '3 hours' from polls
      returning id, integration_id, created_at)
    insert into commerceml.batches (integration_id, session_id, created_at, query_started_at, order_count, byte_count, content_type, document_head, document_tail, acknowledged_at)
    select integration_id, id, created_at, created_at, 0, octet_length(${head}) + octet_length(${tail}), 'application/xml; charset=UTF-8', ${head}, ${tail}, created_at + interval '2 seconds'
      from opened`.execute(db)
  // Ten batches a day per integration carry two orders each (about 20 orders a day), 1 in 10 left unacknowledged.
  await sql`
    with sent as (
      insert into commerceml.batches (integration_id, session_id, created_at, query_started_at, order_count, byte_count, content_type, document_head, document_tail, acknowledged_at)
      select i.id, gen_random_uuid(), t, t, 2, 16400, 'application/xml; charset=UTF-8', ${head}, ${tail}, case when random() < 0.9 then t + interval '5 seconds' end
        from commerceml.integrations i,
             lateral (select ${start}::timestamptz + make_interval(mins => 60 + k * 130) + make_interval(secs => random() * 50) as t from generate_series(0, 9) k) times
      returning id, integration_id, created_at, acknowledged_at)
    , items as (
      insert into commerceml.batch_items (batch_id, order_id, order_number, fingerprint, changed_at, position, fragment)
      select s.id, gen_random_uuid(), 'A-' || s.id || '-' || p, md5(random()::text), s.created_at, p,
             convert_to(repeat('  <Документ><Ид>' || gen_random_uuid() || '</Ид><Номер>A-' || s.id || '</Номер></Документ>' || chr(10), 30) ||
                        (select string_agg('<Значение>' || md5(random()::text || s.id || p || g) || '</Значение>', chr(10)) from generate_series(1, 80) g), 'UTF8')
        from sent s, generate_series(0, 1) p
      returning batch_id, order_id, order_number, fingerprint)
    insert into commerceml.order_state (integration_id, order_id, order_number, acked_fingerprint, acked_batch_id, last_sent_fingerprint, last_sent_batch_id)
    select s.integration_id, it.order_id, it.order_number, case when s.acknowledged_at is not null then it.fingerprint end,
           case when s.acknowledged_at is not null then s.id end, it.fingerprint, s.id
      from items it join sent s on s.id = it.batch_id`.execute(db)
  // One upload a day per integration: a 32 kB file in one chunk, imported, with five documents.
  await sql`
    with received as (
      insert into commerceml.uploads (integration_id, session_id, filename, byte_count, chunk_count, received_at, updated_at, status, imported_at)
      select i.id, gen_random_uuid(), 'orders-' || gen_random_uuid() || '_1.xml', 32768, 1, t, t, 'imported', t + interval '10 seconds'
        from commerceml.integrations i, lateral (select ${start}::timestamptz + make_interval(hours => 20) + make_interval(secs => random() * 600) as t) times
      returning id, integration_id),
    chunks as (
      insert into commerceml.upload_chunks (upload_id, seq, data)
      select id, 1, convert_to(repeat('<Документ><Ид>' || gen_random_uuid() || '</Ид></Документ>' || chr(10), 512), 'UTF8') from received),
    imports as (
      insert into commerceml.upload_imports (upload_id, status, documents, unmatched, finished_at) select id, 'done', 5, 5, now() from received)
    insert into commerceml.upload_documents (upload_id, doc_index, integration_id, status, reason, requisites, content_hash)
    select r.id, d, r.integration_id, 'unmatched', 'no order with this Ид or Номер', '{}'::jsonb, md5(random()::text)
      from received r, generate_series(1, 5) d`.execute(db)
  // A few failed logins and administrator actions.
  await sql`
    insert into commerceml.login_failures (scope, key_hash, failures, first_failure_at, last_failure_at)
    select 'address', md5(random()::text), 1, t, t
      from (select ${start}::timestamptz + make_interval(mins => m * 29) as t from generate_series(0, 49) m) f`.execute(db)
  await sql`
    insert into commerceml.audit_events (integration_id, at, sub, role, action)
    select id, ${start}::timestamptz + interval '12 hours', 'admin@example.ru', 'location_admin', 'reexport'
      from commerceml.integrations where random() < 0.05`.execute(db)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
