/**
 * Which orders go to 1C and when (../shared/design/EXPORT-SEMANTICS.md). `queryOrders` records a batch and returns
 * the CommerceML document; `acknowledgeBatch` is the only thing that makes anything count as delivered.
 * Knows nothing of HTTP: the exchange module calls these functions.
 */
import type { Kysely, Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Databases } from '../olvery/databases.js'
import type { ServiceDatabase } from '../db/database.js'
import type { Integration } from '../integrations/integrations.repository.js'
import type { OlveryDatabase } from '../olvery/olvery.schema.js'
import { FALLBACK_TIMEZONE, findCandidateOrders, findScanStart, loadOrders } from '../olvery/orders.source.js'
import {
  acknowledgeBatchItems,
  addBatchItems,
  closeBatch,
  findBatchOrderIds,
  findLatestSessionBatch,
  findOrderStates,
  findQueryBacklog,
  findUnsettledOrderIds,
  forgetOrderStates,
  lockExportState,
  markIsolated,
  openBatch,
  recordOrderError,
  settleOrderStates,
  type ExportState,
  type OrderState,
} from './batches.repository.js'
import { byteOrderMark, contentTypeFor, encodeChunk } from './encoding.js'
import { fingerprintOf } from './fingerprint.js'
import {
  documentFooter,
  documentHeader,
  OrderNotExportableError,
  renderOrderDocument,
  toDocumentModel,
} from './order-document.js'
import { qualifies } from './payment-rules.js'

export interface ExportDeps {
  databases: Databases
  config: Pick<Config, 'exportSafetyLagSeconds'>
  logger: Logger
}

export interface QueryResult {
  /**
   * The recorded batch (recorded for an empty answer too, so its success can move the watermark). Its document is
   * complete in the database when this returns: `batchDocumentChunks` streams it, `byteCount` bytes in all, first
   * bytes `<?xml` (or a BOM when the integration asks for one).
   */
  batchId: number
  orderCount: number
  byteCount: number
  /** Orders of the batch served POISON_THRESHOLD times or more before it without success (rule 7). */
  suspectCount: number
  /** e.g. `application/xml; charset=UTF-8` (charset last, PROTOCOL.md §4). */
  contentType: string
  /** The document's bytes before and after the orders' fragments, as stored with the batch. */
  head: Buffer
  tail: Buffer
}

export interface AcknowledgeResult {
  /** The batch acknowledged now; null when the session had none (or it was acknowledged already). */
  batchId: number | null
  orderCount: number
  alreadyAcknowledged: boolean
}

/** Rule 7: serves without success after which an order is suspected of poisoning its batch. */
export const POISON_THRESHOLD = 3
/**
 * Candidates are loaded and rendered this many at a time. Small enough that a chunk's rows and documents are mostly
 * garbage before the young generation is collected twice, so little of them is promoted to the old space, whose
 * garbage V8 lets grow to several times what is alive (a 50,000-order export peaked 88 MiB lower than with 200).
 */
const CHUNK = 50

/** What the plan needs of a pending order; its document fragment goes to the scan's `keep` and is not held. */
export interface PendingOrder {
  orderId: string
  orderNumber: string
  changedAt: Date
  fingerprint: string
  state: OrderState | undefined
}

export interface RenderedOrder {
  pending: PendingOrder
  /** The order's `Документ` element. */
  fragment: string
}

export interface NotExportable {
  orderId: string
  orderNumber: string
  reason: string
  state: OrderState | undefined
}

export interface PendingScan {
  /** Pending orders, oldest change first; stops once `wanted` orders that are not isolated were found. */
  pending: PendingOrder[]
  notExportable: NotExportable[]
  /** Sent but never acknowledged, and out of scope now (never tracked): their state can be forgotten. */
  leftScope: string[]
  /** Unsettled, yet their document is the acknowledged one: they can be settled (`settleOrderStates`). */
  settled: string[]
}

/**
 * Finds pending orders: in scope (qualifying, or tracked) and with a fingerprint other than the acknowledged one.
 * Candidates are the orders changed since the watermark plus every order whose state is unsettled, so an order
 * that was sent and not acknowledged is found again whatever the watermark says.
 *
 * Candidates are loaded and rendered CHUNK at a time; the rendered fragments of each chunk go to `keep` (the query
 * writes them to the batch) and are then dropped, so memory holds one chunk of orders, not the batch.
 */
export async function scanPendingOrders(
  trx: Transaction<ServiceDatabase>,
  olvery: Kysely<OlveryDatabase>,
  params: {
    integration: Integration
    watermark: Date | null
    wanted: number
    keep?: (rendered: RenderedOrder[]) => Promise<void>
    /** The integration's unsettled orders, when the caller has read them already (read here otherwise). */
    unsettled?: readonly string[]
  },
): Promise<PendingScan> {
  const { integration, watermark, wanted, keep } = params
  const rules = integration.settings.paymentRules
  const unsettled = params.unsettled ?? (await findUnsettledOrderIds(trx, integration.id))
  const candidates = await findCandidateOrders(olvery, {
    companyId: integration.companyId,
    changedSince: watermark,
    alsoIds: unsettled,
  })
  const scan: PendingScan = { pending: [], notExportable: [], leftScope: [], settled: [] }
  let normal = 0
  for (let start = 0; start < candidates.length && normal < wanted; start += CHUNK) {
    const ids = candidates.slice(start, start + CHUNK)
    const [states, orders] = await Promise.all([
      findOrderStates(trx, integration.id, ids),
      loadOrders(olvery, ids),
    ])
    const rendered: RenderedOrder[] = []
    for (const order of orders) {
      if (normal >= wanted) break
      const state = states.get(order.id)
      if (state?.excludedAt) continue // an administrator's exclusion, journaled by the admin API
      const tracked = state?.ackedAt != null
      if (!tracked && !qualifies(order, rules)) {
        if (state) scan.leftScope.push(order.id)
        continue
      }
      let fragment: string
      try {
        fragment = renderOrderDocument(toDocumentModel(order, integration.settings))
      } catch (error) {
        if (!(error instanceof OrderNotExportableError)) throw error
        scan.notExportable.push({ orderId: order.id, orderNumber: order.number, reason: error.message, state })
        continue
      }
      const fingerprint = fingerprintOf(fragment)
      if (fingerprint === state?.ackedFingerprint) {
        if (state.lastSentFingerprint !== fingerprint) scan.settled.push(order.id)
        continue
      }
      const pending: PendingOrder = { orderId: order.id, orderNumber: order.number, changedAt: order.changedAt, fingerprint, state }
      scan.pending.push(pending)
      rendered.push({ pending, fragment })
      if (!state?.isolatedAt) normal++
    }
    if (keep && rendered.length > 0) await keep(rendered)
  }
  return scan
}

export interface BatchPlan {
  batch: PendingOrder[]
  /** Pending orders left for a later query (they bound the watermark). */
  leftOut: PendingOrder[]
  /** Orders of the batch already served POISON_THRESHOLD times or more without success. */
  suspects: PendingOrder[]
  /** The batch size used after halving (rule 7). */
  size: number
}

/**
 * Rule 1 and 7: the oldest pending orders, at most `batchSize`. After POISON_THRESHOLD unacknowledged serves the
 * batch is halved on each further one, down to one order. An order that failed even alone is isolated: it is then
 * served alone in every other query, so the good orders behind it get through and it is never silently skipped.
 */
export function planBatch(pending: readonly PendingOrder[], batchSize: number, previous: { isolatedAlone: boolean }): BatchPlan {
  const isolated = pending.filter((p) => p.state?.isolatedAt)
  const normal = pending.filter((p) => !p.state?.isolatedAt)
  let batch: PendingOrder[]
  let size = batchSize
  if (isolated.length > 0 && (!previous.isolatedAlone || normal.length === 0)) {
    batch = [isolated[0]!]
    size = 1
  } else {
    const head = normal.slice(0, batchSize)
    const serves = Math.max(0, ...head.map((p) => p.state?.unackedServes ?? 0))
    if (serves >= POISON_THRESHOLD) size = Math.max(1, batchSize >> (serves - POISON_THRESHOLD + 1))
    batch = normal.slice(0, size)
  }
  const chosen = new Set(batch)
  return {
    batch,
    leftOut: pending.filter((p) => !chosen.has(p)),
    suspects: batch.filter((p) => (p.state?.unackedServes ?? 0) >= POISON_THRESHOLD),
    size,
  }
}

/**
 * The bytes before and after the orders' fragments (encoded fragments are simply concatenated between them), and the
 * Content-Type that names their encoding.
 */
export function documentFrame(params: { generatedAt: Date; timezone: string; integration: Integration }): {
  head: Buffer
  tail: Buffer
  contentType: string
} {
  const { encoding, bom } = params.integration.settings
  const declaration = encodeChunk(documentHeader(params.generatedAt, params.timezone, encoding), encoding)
  const mark = byteOrderMark(encoding, bom)
  return {
    head: mark.length > 0 ? Buffer.concat([mark, declaration]) : declaration,
    tail: encodeChunk(documentFooter(), encoding),
    contentType: contentTypeFor(encoding),
  }
}

/**
 * Rule 1: answers `query`. Reads the export state under the integration's lock, records the batch in the same
 * transaction, and acknowledges nothing. The document is written to the batch as the scan renders it, so the whole
 * answer exists (and its length is known) before a byte is sent, without ever being held in memory.
 */
export async function queryOrders(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now?: Date },
): Promise<QueryResult> {
  const { databases, config, logger } = deps
  const { integration, sessionId } = params
  const now = params.now ?? new Date()
  const log = logger.child({ integrationId: integration.id })
  return databases.db.transaction().execute(async (trx) => {
    const state: ExportState = await lockExportState(trx, integration.id)
    const olvery = databases.olveryIn(trx)
    const { latestBatch: previous, unsettled } = await findQueryBacklog(trx, integration.id)

    // An order served alone and still not acknowledged is the poison: isolate it (rule 7).
    let isolatedAlone = false
    if (previous && !previous.acknowledgedAt && previous.orderCount === 1) {
      const [orderId] = await findBatchOrderIds(trx, previous.id)
      const states = orderId ? await findOrderStates(trx, integration.id, [orderId]) : new Map<string, OrderState>()
      const suspect = orderId ? states.get(orderId) : undefined
      if (suspect && suspect.unackedServes >= POISON_THRESHOLD) {
        isolatedAlone = true
        if (await markIsolated(trx, integration.id, suspect.orderId, now)) {
          log.error(
            { orderId: suspect.orderId, orderNumber: suspect.orderNumber, serves: suspect.unackedServes },
            'order isolated: 1C fails to load it even alone; it is now served alone in every other exchange',
          )
        }
      }
    }

    const { encoding } = integration.settings
    const opening = { integrationId: integration.id, sessionId, queryStartedAt: now, contentType: contentTypeFor(encoding) }
    let openedId: number | null = null
    const fragmentBytes = new Map<string, number>()
    let position = 0
    // Read before the scan: a platform transaction that commits after this read is visible to the scan's statements
    // (read committed), and one still open holds the watermark back (rule 4, below). Read after the scan, one that
    // committed in between would be neither.
    const { oldestOpenTransaction: openSince, locationTimezone } = await findScanStart(olvery, integration.locationId)
    const timezone = integration.settings.timezone ?? locationTimezone ?? FALLBACK_TIMEZONE
    const batchSize = integration.settings.batchSize
    const scan = await scanPendingOrders(trx, olvery, {
      integration,
      watermark: state.watermark,
      wanted: batchSize + 1,
      unsettled,
      keep: async (rendered) => {
        const items = rendered.map(({ pending, fragment }) => {
          const bytes = encodeChunk(fragment, encoding)
          fragmentBytes.set(pending.orderId, bytes.length)
          return { ...pending, position: position++, fragment: bytes }
        })
        openedId ??= await openBatch(trx, opening)
        await addBatchItems(trx, openedId, items)
      },
    })
    for (const problem of scan.notExportable) {
      if (problem.state?.lastError !== problem.reason) {
        log.warn({ orderId: problem.orderId, orderNumber: problem.orderNumber, reason: problem.reason }, 'order cannot be sent to 1C')
      }
      await recordOrderError(trx, {
        integrationId: integration.id,
        orderId: problem.orderId,
        orderNumber: problem.orderNumber,
        error: problem.reason,
        now,
      })
    }
    await forgetOrderStates(trx, integration.id, scan.leftScope)
    await settleOrderStates(trx, integration.id, scan.settled)

    const plan = planBatch(scan.pending, batchSize, { isolatedAlone })
    if (plan.suspects.length > 0) {
      log.warn(
        { orders: plan.suspects.map((p) => p.orderNumber), batchSize: plan.size },
        'orders served repeatedly without success: 1C may be failing to load one of them',
      )
    }

    // Rule 4: the watermark may later move to the query start less the safety lag, but never past a pending order
    // that this batch leaves out, nor past the start of a platform transaction still open (its rows will commit
    // with an earlier updated_at than this query's start, however long it takes).
    const lagged = new Date(now.getTime() - config.exportSafetyLagSeconds * 1000)
    const bounds = [lagged, openSince, ...plan.leftOut.map((p) => p.changedAt)]
    const watermarkCandidate = bounds.reduce<Date>((min, at) => (at !== null && at < min ? at : min), lagged)

    const { head, tail } = documentFrame({ generatedAt: now, timezone, integration })
    const byteCount = plan.batch.reduce((sum, p) => sum + fragmentBytes.get(p.orderId)!, head.length + tail.length)
    const closing = { watermarkCandidate, orderCount: plan.batch.length, byteCount, head, tail }
    const batchId = await closeBatch(trx, { batchId: openedId, opening, closing, leftOut: plan.leftOut.map((p) => p.orderId) })
    log.info({ sessionId, batchId, orders: plan.batch.length, bytes: byteCount, leftOut: plan.leftOut.length }, 'batch recorded')
    return {
      batchId,
      orderCount: plan.batch.length,
      byteCount,
      suspectCount: plan.suspects.length,
      contentType: opening.contentType,
      head,
      tail,
    }
  })
}

/**
 * Rule 2: answers `success`. Acknowledges the latest batch of the same exchange session, and nothing else; a repeat,
 * or a session that made no query, changes nothing.
 */
export async function acknowledgeBatch(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now?: Date },
): Promise<AcknowledgeResult> {
  const { databases, logger } = deps
  const { integration, sessionId } = params
  const now = params.now ?? new Date()
  const log = logger.child({ integrationId: integration.id, sessionId })
  return databases.db.transaction().execute(async (trx) => {
    await lockExportState(trx, integration.id)
    const batch = await findLatestSessionBatch(trx, sessionId)
    if (!batch) {
      log.info('success without a query in this session: nothing to acknowledge')
      return { batchId: null, orderCount: 0, alreadyAcknowledged: false }
    }
    if (batch.acknowledgedAt) {
      log.info({ batchId: batch.id }, 'repeated success: the batch was acknowledged already')
      return { batchId: batch.id, orderCount: batch.orderCount, alreadyAcknowledged: true }
    }
    await acknowledgeBatchItems(trx, { integrationId: integration.id, batch, now })
    log.info({ batchId: batch.id, orders: batch.orderCount }, 'batch acknowledged')
    return { batchId: batch.id, orderCount: batch.orderCount, alreadyAcknowledged: false }
  })
}
