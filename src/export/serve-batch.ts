/**
 * `query` (../shared/design/EXPORT-SEMANTICS.md rule 1): records the next batch of pending orders and its whole
 * document in the journal, and acknowledges nothing. The steps run in one transaction under the integration's lock:
 * isolate a poison order (rule 7), journal what the scan renders, record what cannot be sent, bound the watermark
 * (rule 4), frame the document.
 */
import type { Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'
import type { Integration } from '../integration/integration.js'
import { findCandidateOrders, findScanStart } from '../olvery/candidates.source.js'
import {
  addBatchItems,
  batchDocumentChunks,
  closeBatch,
  findBatchOrderIds,
  openBatch,
  type BatchOpening,
  type BatchSummary,
} from './batches.repository.js'
import { contentTypeFor, encodeChunk } from './encoding.js'
import type { ExportDeps } from './export-deps.js'
import {
  findQueryBacklog,
  lockExportState,
  pollStateOf,
  readPollState,
  recordEmptyPoll,
  recordEmptyPollUnlessChanged,
} from './export-state.repository.js'
import { documentFrame } from './order-document.js'
import { findOrderStates, forgetOrderStates, markIsolated, recordOrderError, settleOrderStates } from './order-state.repository.js'
import { planBatch, POISON_THRESHOLD, scanPendingOrders, type PendingOrder, type PendingScan, type RenderedOrder } from './pending-orders.js'
import { documentTimezone } from './wall-clock.js'
import type { Log } from '../logger.js'

type Trx = Transaction<ServiceDatabase>

export interface ServedBatch {
  /**
   * The recorded batch (recorded for an empty answer too, so its success can move the watermark). Its document is
   * complete in the database when this returns: `servedDocument` streams it, `byteCount` bytes in all, first bytes
   * `<?xml` (or a BOM when the integration asks for one).
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

/**
 * Rule 1: answers `query`. Reads the export state under the integration's lock and records the batch in the same
 * transaction. The document is written to the batch as the scan renders it, so the whole answer exists (and its
 * length is known) before a byte is sent, without ever being held in memory.
 */
export async function serveBatch(
  deps: ExportDeps,
  params: {
    integration: Integration
    sessionId: string
    now?: Date
    /** `readPollState` as read with the session (`pollStateColumn`), sparing its round trip; undefined when not read. */
    prefetched?: unknown
  },
): Promise<ServedBatch> {
  const now = params.now ?? new Date()
  return (await serveEmptyPoll(deps, { ...params, now })) ?? (await serveLockedBatch(deps, { ...params, now }))
}

/**
 * The common poll, nothing to send, without holding the lock across statements (export-state.repository.ts): the
 * state is read, then where the scan would start and whether any candidate exists, as the locked path reads them and
 * in that order; if none does, the empty batch and the count of the query are one statement, written only while no
 * holder of the lock came in between. Where the platform's tables live in the service's database, the candidate
 * check is part of that statement too. Null when the poll may have something to send (a first query, unsettled orders,
 * a poison batch to look at, a candidate) or the state moved: the locked path then does it all again.
 */
async function serveEmptyPoll(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now: Date; prefetched?: unknown },
): Promise<ServedBatch | null> {
  const { databases, config, logger } = deps
  const { integration, sessionId, now } = params
  const { encoding, bom, schemaVersion } = integration.settings
  const state = params.prefetched !== undefined ? pollStateOf(params.prefetched) : await readPollState(databases.db, integration.id)
  if (!state || state.watermark === null || state.unsettledCount > 0) return null
  // isolatePoison's case: the latest batch was one order, not acknowledged.
  if (state.latestBatch && !state.latestBatch.acknowledgedAt && state.latestBatch.orderCount === 1) return null
  const { oldestOpenTransaction, locationTimezone } = await findScanStart(databases.olvery, integration.locationId)
  const timezone = documentTimezone(integration.settings.timezone, locationTimezone)
  const frame = documentFrame({ generatedAt: now, timezone, encoding, bom, schemaVersion })
  const watermarkCandidate = watermarkBound({ now, safetyLagSeconds: config.exportSafetyLagSeconds, openSince: oldestOpenTransaction, leftOut: [] })
  const poll = { integrationId: integration.id, sessionId, queryStartedAt: now, contentType: frame.contentType, watermarkCandidate, head: frame.head, tail: frame.tail }
  const { companyId } = integration
  let batchId: number | null
  if (databases.platformShared) {
    // The candidate check and the record in one statement, read after the scan start as the locked path reads them.
    batchId = await recordEmptyPollUnlessChanged(databases.olvery, state.lockVersion, { ...poll, companyId, since: state.watermark })
  } else {
    const candidates = await findCandidateOrders(databases.olvery, { companyId, changedSince: state.watermark })
    batchId = candidates.length > 0 ? null : await recordEmptyPoll(databases.db, state.lockVersion, poll)
  }
  if (batchId === null) return null
  const byteCount = frame.head.length + frame.tail.length
  logger.info({ integrationId: integration.id, sessionId, batchId, orders: 0, bytes: byteCount, leftOut: 0 }, 'batch recorded')
  return { batchId, orderCount: 0, byteCount, suspectCount: 0, contentType: frame.contentType, head: frame.head, tail: frame.tail }
}

/** Rule 1 under the integration's lock, in one transaction: any query that may send something. */
async function serveLockedBatch(
  deps: ExportDeps,
  params: { integration: Integration; sessionId: string; now: Date },
): Promise<ServedBatch> {
  const { databases, config, logger } = deps
  const { integration, sessionId, now } = params
  const log = logger.child({ integrationId: integration.id })
  const { batchSize, encoding, bom, schemaVersion } = integration.settings
  return databases.db.transaction().execute(async (trx) => {
    const state = await lockExportState(trx, integration.id)
    const olvery = databases.olveryIn(trx)
    const { latestBatch, unsettled } = await findQueryBacklog(trx, integration.id)
    const isolatedAlone = await isolatePoison(trx, log, { integrationId: integration.id, previous: latestBatch, now })
    // Read before the scan: a platform transaction that commits after this read is visible to the scan's statements
    // (read committed), and one still open holds the watermark back (rule 4, below). Read after the scan, one that
    // committed in between would be neither.
    const { oldestOpenTransaction, locationTimezone } = await findScanStart(olvery, integration.locationId)
    const journal = new BatchJournal(trx, { integrationId: integration.id, sessionId, queryStartedAt: now, contentType: contentTypeFor(encoding) }, {
      copy: databases.kind === 'postgres',
    })
    const scan = await scanPendingOrders(trx, olvery, {
      integration,
      watermark: state.watermark,
      wanted: batchSize + 1,
      unsettled,
      keep: (rendered) => journal.write(rendered, encoding),
    })
    await recordScanFindings(trx, log, { integrationId: integration.id, scan, now })

    const plan = planBatch(scan.pending, batchSize, { isolatedAlone })
    if (plan.suspects.length > 0) {
      log.warn(
        { orders: plan.suspects.map((p) => p.orderNumber), batchSize: plan.size },
        'orders served repeatedly without success: 1C may be failing to load one of them',
      )
    }
    const timezone = documentTimezone(integration.settings.timezone, locationTimezone)
    const frame = documentFrame({ generatedAt: now, timezone, encoding, bom, schemaVersion })
    const watermarkCandidate = watermarkBound({ now, safetyLagSeconds: config.exportSafetyLagSeconds, openSince: oldestOpenTransaction, leftOut: plan.leftOut })
    const { batchId, byteCount } = await journal.close({ batch: plan.batch, leftOut: plan.leftOut, frame, watermarkCandidate })
    log.info({ sessionId, batchId, orders: plan.batch.length, bytes: byteCount, leftOut: plan.leftOut.length }, 'batch recorded')
    return {
      batchId,
      orderCount: plan.batch.length,
      byteCount,
      suspectCount: plan.suspects.length,
      contentType: frame.contentType,
      head: frame.head,
      tail: frame.tail,
    }
  })
}

/** The bytes of a served batch, exactly as journaled, read back from the database as they are sent. */
export function servedDocument(databases: ExportDeps['databases'], batch: ServedBatch): AsyncGenerator<Buffer> {
  return batchDocumentChunks(databases, batch.batchId, batch)
}

/**
 * Rule 7: an order served alone and still not acknowledged is the poison: it is isolated, and then served alone in
 * every other exchange. True when the previous batch was such an order alone, so this one serves the others.
 */
async function isolatePoison(
  trx: Trx,
  log: Log,
  params: { integrationId: string; previous: BatchSummary | null; now: Date },
): Promise<boolean> {
  const { integrationId, previous, now } = params
  if (!previous || previous.acknowledgedAt || previous.orderCount !== 1) return false
  const [orderId] = await findBatchOrderIds(trx, previous.id)
  const suspect = orderId ? (await findOrderStates(trx, integrationId, [orderId])).get(orderId) : undefined
  // An order excluded since (rule 10) is sent neither alone nor with others: nothing to isolate.
  if (!suspect || suspect.excludedAt || suspect.unackedServes < POISON_THRESHOLD) return false
  if (await markIsolated(trx, integrationId, suspect.orderId, now)) {
    log.error(
      { orderId: suspect.orderId, orderNumber: suspect.orderNumber, serves: suspect.unackedServes },
      'order isolated: 1C fails to load it even alone; it is now served alone in every other exchange',
    )
  }
  return true
}

/**
 * What the scan learnt besides the pending orders: why an order cannot be sent (journaled on its state, logged once
 * per new reason: never silently dropped), orders that left the scope unacknowledged, and orders whose current
 * document is the acknowledged one again.
 */
async function recordScanFindings(trx: Trx, log: Log, params: { integrationId: string; scan: PendingScan; now: Date }): Promise<void> {
  const { integrationId, scan, now } = params
  for (const problem of scan.notExportable) {
    if (problem.state?.lastError !== problem.reason) {
      log.warn({ orderId: problem.orderId, orderNumber: problem.orderNumber, reason: problem.reason }, 'order cannot be sent to 1C')
    }
    await recordOrderError(trx, { integrationId, orderId: problem.orderId, orderNumber: problem.orderNumber, error: problem.reason, now })
  }
  await forgetOrderStates(trx, integrationId, scan.leftScope)
  await settleOrderStates(trx, integrationId, scan.settled)
}

/**
 * Rule 4: where the watermark may move when this batch is acknowledged: the query start less the safety lag, but never
 * past a pending order that this batch leaves out, nor past the start of a platform transaction still open (its rows
 * will commit with an earlier updated_at than this query's start, however long it takes).
 */
function watermarkBound(params: { now: Date; safetyLagSeconds: number; openSince: Date | null; leftOut: readonly PendingOrder[] }): Date {
  const lagged = new Date(params.now.getTime() - params.safetyLagSeconds * 1000)
  const bounds = [lagged, params.openSince, ...params.leftOut.map((p) => p.changedAt)]
  return bounds.reduce<Date>((min, at) => (at !== null && at < min ? at : min), lagged)
}

/**
 * Rule 8: the batch journaled in steps of the query's transaction. The batch row is opened as soon as the scan finds a
 * pending order, each rendered order is written with its encoded fragment while the scan runs (so no document is held
 * in memory), and `close` drops what the plan left out and stores the frame and the size of what 1C receives.
 */
class BatchJournal {
  private batchId: number | null = null
  private position = 0
  private readonly fragmentBytes = new Map<string, number>()

  constructor(
    private readonly trx: Trx,
    private readonly opening: BatchOpening,
    private readonly writing: { copy: boolean },
  ) {}

  async write(rendered: readonly RenderedOrder[], encoding: Integration['settings']['encoding']): Promise<void> {
    const items = rendered.map(({ pending, fragment }) => {
      const bytes = encodeChunk(fragment, encoding)
      this.fragmentBytes.set(pending.orderId, bytes.length)
      return { ...pending, position: this.position++, fragment: bytes }
    })
    this.batchId ??= await openBatch(this.trx, this.opening)
    await addBatchItems(this.trx, this.batchId, items, this.writing)
  }

  async close(params: {
    batch: readonly PendingOrder[]
    leftOut: readonly PendingOrder[]
    frame: { head: Buffer; tail: Buffer }
    watermarkCandidate: Date
  }): Promise<{ batchId: number; byteCount: number }> {
    const { head, tail } = params.frame
    const byteCount = params.batch.reduce((sum, p) => sum + this.fragmentBytes.get(p.orderId)!, head.length + tail.length)
    const closing = { watermarkCandidate: params.watermarkCandidate, orderCount: params.batch.length, byteCount, head, tail }
    const batchId = await closeBatch(this.trx, {
      batchId: this.batchId,
      opening: this.opening,
      closing,
      leftOut: params.leftOut.map((p) => p.orderId),
    })
    return { batchId, byteCount }
  }
}
