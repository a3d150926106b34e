/**
 * Section 2, export against the read limit: one `query` that returns N pending orders, from a fresh service process
 * (so that its peak RSS belongs to that query), against psql COPY of the same rows to /dev/null.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { endLeftoverStatements, openBenchDatabases, withPg, OLVERY_SCHEMA, type BenchDatabase } from './databases.js'
import { createIntegration, oneCClient, SettingsRejected, type Credentials } from './exchange.js'
import { explainCandidateScan, type CandidatePlan } from './plans.js'
import { postgresCpuSeconds, startService, WORK_DIR } from './processes.js'
import { summarizeProfile, type ProfileSummary } from './profile.js'

/** Generous, so that a slow export is measured rather than cut off; 1C itself gives up at ONEC_TIMEOUT_MS. */
const EXPORT_TIMEOUT_MS = 30 * 60_000

export interface ExportRun {
  documents: number
  bytes: number
  wallSeconds: number
  cpuSeconds: number
  /** CPU of PostgreSQL during the query; null when the server is not on this machine. */
  postgresCpuSeconds: number | null
  rssBeforeBytes: number
  peakRssBytes: number
  copySeconds: number
}

interface ExportSizeResult {
  orders: number
  /** Set when the service refused the settings (batch_size above its maximum): nothing was measured. */
  rejected: string | null
  runs: ExportRun[]
  /** Rows COPY reads for those orders (the same three reads the service makes). */
  rows: { orders: number; lines: number; payments: number } | null
}

export interface ExportResult {
  sizes: ExportSizeResult[]
  /** Whether VmHWM could be reset after checkauth, so the peak is the query's own. */
  peakIsQueryOnly: boolean
  /** Wall time of `psql -c 'select 1'`: the connection cost included in every COPY figure. */
  psqlBaselineSeconds: number
  profile: (ProfileSummary & { orders: number }) | null
  /** The candidate scan of a new integration's first query (no watermark, nothing unsettled), as run before it. */
  firstQueryPlan: CandidatePlan | null
}

/** The rows the service reads for the orders of a batch, with its three queries' joins (src/olvery/orders.source.ts). */
function copyStatements(batchId: number): string[] {
  const ids = `select order_id from commerceml.batch_items where batch_id = ${batchId}`
  const s = OLVERY_SCHEMA
  return [
    `copy (select o.id, o.number, o.company_id, o.location_id, o.status, o.currency, o.total, o.comment, o.created_at,
            o.updated_at, o.cancelled_at, l.timezone, c.id, c.last_name, c.first_name, c.middle_name, c.phone, c.email,
            c.premises, cc.id, cc.kind, cc.full_name, cc.short_name, cc.inn, cc.kpp, cc.legal_address
          from ${s}.orders o join ${s}.locations l on l.id = o.location_id join ${s}.customers c on c.id = o.customer_id
          left join ${s}.companies cc on cc.id = c.company_id where o.id in (${ids})) to stdout`,
    `copy (select * from ${s}.order_items where order_id in (${ids}) order by order_id, line_no) to stdout`,
    `copy (select * from ${s}.payments where order_id in (${ids}) order by order_id, created_at, id) to stdout`,
  ]
}

/** Wall seconds of one psql process running `statements`, output to /dev/null. */
async function timePsql(url: string, statements: string[]): Promise<number> {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, ...statements.flatMap((sql) => ['-c', sql])]
  const devNull = fs.openSync('/dev/null', 'w')
  const started = performance.now()
  try {
    const child = spawn('psql', args, { stdio: ['ignore', devNull, 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', resolve)
    })
    if (code !== 0) throw new Error(`psql exited with ${code}: ${stderr.trim()}`)
    return (performance.now() - started) / 1000
  } finally {
    fs.closeSync(devNull)
  }
}

function countOccurrences(text: string, needle: string): number {
  let count = 0
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) count++
  return count
}

interface QueryMeasurement {
  run: ExportRun
  batchId: number
  peakIsQueryOnly: boolean
  profile: ProfileSummary | null
}

/**
 * One query of N orders in a fresh service process: checkauth, then the query measured (wall, CPU and peak RSS of the
 * service), then the service stopped and COPY of the same rows timed.
 */
async function measureQuery(
  database: BenchDatabase,
  credentials: Credentials,
  params: { label: string; profile: boolean; log: (line: string) => void },
): Promise<QueryMeasurement> {
  const profileDir = params.profile ? fs.mkdtempSync(path.join(WORK_DIR, 'cpu-profile-')) : undefined
  const service = await startService({
    label: params.label,
    databaseUrl: database.url,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
  })
  let measured: Omit<ExportRun, 'copySeconds'>
  let peakIsQueryOnly: boolean
  let window: { startUs: number; endUs: number }
  try {
    const client = oneCClient(service.baseUrl, credentials, EXPORT_TIMEOUT_MS)
    const auth = await client.checkauth()
    if (!auth.ok) throw new Error(`checkauth failed: ${auth.problem}`)

    peakIsQueryOnly = service.resetPeakRss()
    const before = service.memory()
    const cpuBefore = service.cpuSeconds()
    const postgresBefore = postgresCpuSeconds()
    const startUs = Number(process.hrtime.bigint() / 1000n)
    const started = performance.now()
    // The request 1C (ut11) sends for mode=query, timed to the last byte of the answer; OneCClient.query() would also
    // parse the document, which is 1C's work, not the service's.
    const response = await client.request('type=sale&mode=query')
    const wallSeconds = (performance.now() - started) / 1000
    const endUs = Number(process.hrtime.bigint() / 1000n)
    const cpuSeconds = service.cpuSeconds() - cpuBefore
    const postgresAfter = postgresCpuSeconds()
    const after = service.memory()
    window = { startUs, endUs }

    if (response.statusCode !== 200 || !response.text.startsWith('<?xml')) {
      throw new Error(`query answered HTTP ${response.statusCode}: ${response.text.slice(0, 200)}`)
    }
    measured = {
      documents: countOccurrences(response.text, '<Документ>'),
      bytes: response.body.length,
      wallSeconds,
      cpuSeconds,
      postgresCpuSeconds: postgresBefore === null || postgresAfter === null ? null : postgresAfter - postgresBefore,
      rssBeforeBytes: before.rssBytes,
      peakRssBytes: after.peakRssBytes,
    }
  } finally {
    await service.stop()
    await endLeftoverStatements(database.url, params.log, `after ${params.label}'s service stopped`)
  }

  const batchId = await withPg(database.url, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      'select id from commerceml.batches where integration_id = $1 order by id desc limit 1',
      [credentials.id],
    )
    if (!rows[0]) throw new Error('the query recorded no batch')
    return Number(rows[0].id)
  })
  const copySeconds = await timePsql(database.url, copyStatements(batchId))
  const profile = profileDir ? summarizeProfile(profileDir, window) : null
  return { run: { ...measured, copySeconds }, batchId, peakIsQueryOnly, profile }
}

async function rowCounts(url: string, batchId: number): Promise<{ orders: number; lines: number; payments: number }> {
  return withPg(url, async (c) => {
    const ids = `select order_id from commerceml.batch_items where batch_id = $1`
    const { rows } = await c.query<{ orders: string; lines: string; payments: string }>(
      `select (select count(*) from ${OLVERY_SCHEMA}.orders where id in (${ids})) as orders,
              (select count(*) from ${OLVERY_SCHEMA}.order_items where order_id in (${ids})) as lines,
              (select count(*) from ${OLVERY_SCHEMA}.payments where order_id in (${ids})) as payments`,
      [batchId],
    )
    const row = rows[0]!
    return { orders: Number(row.orders), lines: Number(row.lines), payments: Number(row.payments) }
  })
}

export async function measureExport(
  database: BenchDatabase,
  params: { sizes: number[]; runs: number; profileSize: number | null; log: (line: string) => void },
): Promise<ExportResult> {
  const { log } = params
  const databases = await openBenchDatabases(database.url)
  const result: ExportResult = {
    sizes: [],
    peakIsQueryOnly: true,
    psqlBaselineSeconds: await timePsql(database.url, ['select 1']),
    profile: null,
    firstQueryPlan: null,
  }
  // A fresh integration per query: with batch_size N and no watermark, the N oldest paid orders are pending.
  const integration = async (orders: number, tag: string) =>
    createIntegration(databases, {
      companyId: database.supplier.id,
      name: `bench: export ${orders} ${tag}`,
      settings: { batch_size: orders },
    })
  try {
    for (const orders of params.sizes) {
      const size: ExportSizeResult = { orders, rejected: null, runs: [], rows: null }
      result.sizes.push(size)
      for (let run = 1; run <= params.runs; run++) {
        let credentials: Credentials
        try {
          credentials = await integration(orders, `run ${run}`)
        } catch (error) {
          if (!(error instanceof SettingsRejected)) throw error
          size.rejected = error.message.replace(/^--settings: /, '')
          log(`  ${orders} orders: not measured, the service refuses the settings: ${size.rejected}`)
          break
        }
        result.firstQueryPlan ??= await explainCandidateScan(database.url, databases, {
          integrationId: credentials.id,
          companyId: database.supplier.id,
          analyze: true,
        })
        const measured = await measureQuery(database, credentials, { label: `export-${orders}-run${run}`, profile: false, log })
        result.peakIsQueryOnly &&= measured.peakIsQueryOnly
        size.runs.push(measured.run)
        size.rows ??= await rowCounts(database.url, measured.batchId)
        const r = measured.run
        log(
          `  ${orders} orders, run ${run}: ${r.documents} documents, ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ` +
            `${r.wallSeconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB); ` +
            `COPY ${r.copySeconds.toFixed(2)} s`,
        )
      }
    }
    if (params.profileSize !== null) {
      // The size asked for, or the largest the service accepted.
      const accepted = result.sizes.filter((s) => s.runs.length > 0).map((s) => s.orders)
      const orders = accepted.includes(params.profileSize) ? params.profileSize : Math.max(...accepted)
      if (Number.isFinite(orders)) {
        log(`  profiling one export of ${orders} orders (node --cpu-prof)`)
        const credentials = await integration(orders, 'profile')
        const measured = await measureQuery(database, credentials, { label: `export-${orders}-profile`, profile: true, log })
        result.profile = measured.profile && { orders, ...measured.profile }
      }
    }
    return result
  } finally {
    await databases.close()
  }
}
