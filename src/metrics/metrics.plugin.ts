/**
 * `GET /metrics` in the Prometheus text format (prom-client), one Registry per app so that apps built side by side
 * (the tests build many) never share or double-register metrics.
 *
 * - HTTP: request durations by method, route pattern and status code.
 * - 1C exchange: derived in an onResponse hook from `request.logFields`, which the exchange module fills for its one
 *   log line (mode, outcome, integrationId, batchId, orders, bytes, alreadyAcknowledged); the exchange module knows
 *   nothing of metrics. Counters by integration id: batches and orders sent and acknowledged, bytes sent, and poison
 *   suspects served again (EXPORT-SEMANTICS.md rule 7; PROTOCOL.md §7.2 point 9).
 * - Per integration gauges read from the database at scrape time: the last acknowledged exchange, queries since then
 *   without success (the "1C fails to load a batch" signal), the last query, unacknowledged, suspect and isolated orders.
 *   Pending orders are not counted: that needs the export scan (fingerprints of current documents), too heavy for a
 *   scrape. A scrape never fails for the database: its gauges are left out and `onec_metrics_database_up` is 0.
 * - Retention (EXPORT-SEMANTICS.md rule 11): rows the pruner deleted or cleared, by kind, since the process started,
 *   and the size of each table of the service's schema (`pg_total_relation_size`: table, indexes and TOAST).
 *
 * Registered without encapsulation (fastify-plugin), so its hooks see every route of the app.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fastifyPlugin from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Databases } from '../olvery/databases.js'
import { pendingMigrations } from '../db/migrate.js'
import { withTimeout } from '../unavailable.js'
import { POISON_THRESHOLD } from '../export/pending-orders.js'
import { PRUNE_KINDS, type Pruner } from '../maintenance/pruner.js'
import { findIntegrationExchangeStates, findTableSizes, type IntegrationExchangeState, type TableSize } from './metrics.repository.js'

export interface MetricsOptions {
  databases: Databases
  /** The app's pruner, whose rows pruned are counted. */
  pruner?: Pruner
  /** How long a scrape waits for the database before leaving its gauges out. */
  databaseTimeoutMs?: number
}

const METRICS_PATH = '/metrics'

/** The modes a label may carry; anything else a client sends is `other`, so labels stay few. */
const MODES = new Set(['checkauth', 'init', 'query', 'success', 'file', 'import', 'info'])
const OUTCOMES = new Set(['success', 'failure', 'progress'])

/** Seconds; 1C waits up to 180 s (PROTOCOL.md §2), a query of 500 orders takes around a second. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180]

interface Snapshot {
  databaseUp: boolean
  ready: boolean
  integrations: IntegrationExchangeState[]
  tables: TableSize[]
}

const seconds = (date: Date | null) => (date ? date.getTime() / 1000 : 0)

function defineMetrics(registry: Registry, snapshot: () => Promise<Snapshot>) {
  const registers = [registry]
  const integrationLabel = ['integration_id'] as const

  /** A gauge per integration, filled from the scrape's database snapshot (left empty when the database is down). */
  const perIntegration = (name: string, help: string, value: (s: IntegrationExchangeState) => number) =>
    new Gauge({
      name,
      help,
      labelNames: integrationLabel,
      registers,
      async collect() {
        const snap = await snapshot()
        this.reset()
        for (const state of snap.integrations) this.set({ integration_id: state.integrationId }, value(state))
      },
    })

  return {
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request durations by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    onecRequests: new Counter({
      name: 'onec_requests_total',
      help: '1C exchange requests by mode and outcome (the first line of the answer: success, failure, progress).',
      labelNames: ['mode', 'outcome'] as const,
      registers,
    }),
    batchesSent: new Counter({
      name: 'onec_batches_sent_total',
      help: 'Batches answered to mode=query (empty ones included), by integration.',
      labelNames: integrationLabel,
      registers,
    }),
    batchesAcknowledged: new Counter({
      name: 'onec_batches_acknowledged_total',
      help: 'Batches acknowledged by mode=success (repeats not counted), by integration.',
      labelNames: integrationLabel,
      registers,
    }),
    ordersSent: new Counter({
      name: 'onec_orders_sent_total',
      help: 'Orders sent in query answers (re-sends included), by integration.',
      labelNames: integrationLabel,
      registers,
    }),
    ordersAcknowledged: new Counter({
      name: 'onec_orders_acknowledged_total',
      help: 'Orders acknowledged by mode=success, by integration.',
      labelNames: integrationLabel,
      registers,
    }),
    bytesSent: new Counter({
      name: 'onec_bytes_sent_total',
      help: 'Bytes of CommerceML documents sent in query answers, by integration.',
      labelNames: integrationLabel,
      registers,
    }),
    prunedRows: new Counter({
      name: 'onec_retention_pruned_rows_total',
      help:
        'Rows retention pruned (EXPORT-SEMANTICS.md rule 11), by kind: sessions, login_failures, documents (batches whose ' +
        'stored document was cleared), empty_polls, batches and batch_items (deleted with their journal), upload_files ' +
        '(uploads whose raw file was deleted), uploads, audit_events.',
      labelNames: ['kind'] as const,
      registers,
    }),
    poisonSuspects: new Counter({
      name: 'onec_poison_suspects_total',
      help: `Orders served again after ${POISON_THRESHOLD} serves without success (a poison batch: 1C fails to load one of them), by integration.`,
      labelNames: integrationLabel,
      registers,
    }),
    gauges: [
      new Gauge({
        name: 'onec_metrics_database_up',
        help: '1 when the database answered this scrape; 0 when it did not (the per-integration gauges are then left out).',
        registers,
        async collect() {
          this.set((await snapshot()).databaseUp ? 1 : 0)
        },
      }),
      new Gauge({
        name: 'onec_ready',
        help: '1 when GET /ready would answer 200: the database answers and every migration is applied.',
        registers,
        async collect() {
          this.set((await snapshot()).ready ? 1 : 0)
        },
      }),
      new Gauge({
        name: 'onec_table_size_bytes',
        help: 'Size of each table of the service (schema commerceml) with its indexes and TOAST, in bytes.',
        labelNames: ['table'] as const,
        registers,
        async collect() {
          const snap = await snapshot()
          this.reset()
          for (const table of snap.tables) this.set({ table: table.table }, table.bytes)
        },
      }),
      perIntegration('onec_integration_enabled', 'Integrations not archived: 1 enabled, 0 switched off.', (s) => (s.enabled ? 1 : 0)),
      perIntegration(
        'onec_last_success_timestamp_seconds',
        'Unix time of the last batch 1C acknowledged with success; 0 when never.',
        (s) => seconds(s.lastSuccessAt),
      ),
      perIntegration('onec_last_query_timestamp_seconds', 'Unix time of the last mode=query; 0 when never.', (s) => seconds(s.lastQueryAt)),
      perIntegration(
        'onec_queries_since_success',
        'Queries answered since the last acknowledged batch: above 0 for long, 1C is failing to load what it gets.',
        (s) => s.queriesSinceSuccess,
      ),
      perIntegration(
        'onec_unacknowledged_orders',
        'Orders sent (or cleared by a re-export) whose last sent document 1C has not acknowledged yet.',
        (s) => s.unacknowledgedOrders,
      ),
      perIntegration(
        'onec_poison_suspect_orders',
        `Unacknowledged orders served ${POISON_THRESHOLD} times or more without success (EXPORT-SEMANTICS.md rule 7).`,
        (s) => s.poisonSuspectOrders,
      ),
      perIntegration('onec_isolated_orders', 'Orders isolated as poison: 1C failed to load them even alone.', (s) => s.isolatedOrders),
      perIntegration(
        'onec_excluded_orders',
        'Orders an administrator excluded from the integration (never sent; left out of the unacknowledged counts).',
        (s) => s.excludedOrders,
      ),
    ],
  }
}

type Metrics = ReturnType<typeof defineMetrics>

/** What the exchange wrote into the log line, read defensively (it is a free-form record). */
function exchangeFields(fields: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
  return {
    mode: text(fields['mode']),
    outcome: text(fields['outcome']),
    integrationId: text(fields['integrationId']),
    batchId: typeof fields['batchId'] === 'number' ? fields['batchId'] : null,
    orders: count(fields['orders']),
    bytes: count(fields['bytes']),
    poisonSuspects: count(fields['poisonSuspects']),
    alreadyAcknowledged: fields['alreadyAcknowledged'] === true,
  }
}

function observe(metrics: Metrics, request: FastifyRequest, reply: FastifyReply): void {
  const route = request.routeOptions.url ?? 'unmatched'
  metrics.httpDuration.observe(
    { method: request.method, route, status_code: String(reply.statusCode) },
    reply.elapsedTime / 1000,
  )

  const f = exchangeFields(request.logFields ?? {})
  if (f.outcome === undefined) return // not an answer of the exchange
  const mode = f.mode === undefined ? 'none' : MODES.has(f.mode) ? f.mode : 'other'
  metrics.onecRequests.inc({ mode, outcome: OUTCOMES.has(f.outcome) ? f.outcome : 'other' })
  if (f.outcome !== 'success' || f.integrationId === undefined || f.batchId === null) return
  const labels = { integration_id: f.integrationId }
  if (mode === 'query') {
    metrics.batchesSent.inc(labels)
    metrics.ordersSent.inc(labels, f.orders)
    metrics.bytesSent.inc(labels, f.bytes)
    // Counted by the query itself (its plan's suspects): a read of the batch's items here, after the answer, could
    // be planned on statistics from before the batch was written and run for minutes on a batch of 50,000.
    if (f.poisonSuspects > 0) metrics.poisonSuspects.inc(labels, f.poisonSuspects)
  } else if (mode === 'success' && !f.alreadyAcknowledged) {
    metrics.batchesAcknowledged.inc(labels)
    metrics.ordersAcknowledged.inc(labels, f.orders)
  }
}

const plugin: FastifyPluginAsync<MetricsOptions> = async (app: FastifyInstance, { databases, pruner, databaseTimeoutMs = 2000 }) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  // One database read per scrape, shared by every gauge (registry.metrics() collects them one after another).
  let last: { at: number; snapshot: Promise<Snapshot> } | null = null
  const readSnapshot = async (): Promise<Snapshot> => {
    try {
      const [integrations, pending, tables] = await withTimeout(
        Promise.all([
          findIntegrationExchangeStates(databases.db, { poisonThreshold: POISON_THRESHOLD }),
          pendingMigrations(databases),
          findTableSizes(databases.db),
        ]),
        databaseTimeoutMs,
      )
      return { databaseUp: true, ready: pending.length === 0, integrations, tables }
    } catch (error) {
      app.log.warn({ err: error }, 'metrics: database unreachable, per-integration gauges left out')
      return { databaseUp: false, ready: false, integrations: [], tables: [] }
    }
  }
  const snapshot = () => {
    const now = Date.now()
    if (!last || now - last.at > 1000) last = { at: now, snapshot: readSnapshot() }
    return last.snapshot
  }
  const metrics = defineMetrics(registry, snapshot)
  // Every kind shows from the first scrape, at 0 until something of it is pruned.
  for (const kind of PRUNE_KINDS) metrics.prunedRows.inc({ kind }, 0)
  pruner?.onPruned((kind, rows) => metrics.prunedRows.inc({ kind }, rows))

  app.addHook('onResponse', async (request, reply) => {
    try {
      observe(metrics, request, reply)
    } catch (error) {
      request.log.warn({ err: error }, 'metrics: could not record the request')
    }
  })

  app.get(METRICS_PATH, async (_request, reply) => {
    last = null // a fresh read for every scrape
    const body = await registry.metrics()
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(body)
  })
}

// Not encapsulated, so the onResponse hook applies to every route of the app.
export const metricsPlugin = fastifyPlugin(plugin, { name: 'metrics', fastify: '5.x' })
