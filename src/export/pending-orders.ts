/**
 * Which orders are pending for an integration and which of them the next batch carries
 * (../shared/design/EXPORT-SEMANTICS.md rules 1, 3, 7 and "Pending"): the scan renders every candidate's document and
 * compares its fingerprint with the acknowledged one; the plan picks the batch, halving it after failed loads.
 */
import type { Kysely, Transaction } from 'kysely'
import type { ServiceDatabase } from '../db/database.js'
import type { Integration } from '../integration/integration.js'
import type { OlveryDatabase } from '../olvery/olvery.schema.js'
import { findCandidateOrders } from '../olvery/candidates.source.js'
import { loadOrders } from '../olvery/orders.source.js'
import { OrderNotExportableError, toDocumentModel, type DocumentModel } from './document-model.js'
import { fingerprintOf } from './fingerprint.js'
import { renderOrderDocument, renderOrderEntry } from './order-document.js'
import { findOrderStates, type OrderState } from './order-state.repository.js'
import { qualifies } from './payment-rules.js'

/** Rule 7: serves without success after which an order is suspected of poisoning its batch. */
export const POISON_THRESHOLD = 3
/**
 * Candidates are loaded and rendered this many at a time: one round trip per chunk (`loadOrders`), while the chunk
 * before it is rendered. Small enough that a chunk's rows and documents are garbage soon after, so the heap does not
 * grow with the batch (BENCHMARKS.md, section 2).
 */
const CHUNK = 250

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
  /** The order as the answer carries it in the integration's schema version (`renderOrderEntry`). */
  fragment: string
}

interface NotExportable {
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
    /** The integration's unsettled orders (`findQueryBacklog`). */
    unsettled: readonly string[]
  },
): Promise<PendingScan> {
  const { integration, watermark, wanted, keep } = params
  const rules = integration.settings.paymentRules
  const scan: PendingScan = { pending: [], notExportable: [], leftScope: [], settled: [] }
  const load = (ids: string[]) => {
    const loading = Promise.all([findOrderStates(trx, integration.id, ids), loadOrders(olvery, ids)])
    // Awaited in the next round, or after the loop; never left rejected without a handler meanwhile.
    loading.catch(() => undefined)
    return loading
  }
  const candidates = await findCandidateOrders(olvery, { companyId: integration.companyId, changedSince: watermark, alsoIds: params.unsettled })
  let start = 0
  /** Starts reading the next CHUNK candidates; null when none is left. */
  const loadNext = () => {
    if (start >= candidates.length) return null
    const ids = candidates.slice(start, start + CHUNK)
    start += CHUNK
    return load(ids)
  }
  let loading = loadNext()
  let normal = 0
  try {
    while (loading && normal < wanted) {
      const [states, orders] = await loading
      // The next chunk is read while this one is rendered and written.
      loading = loadNext()
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
        let model: DocumentModel
        let document: string
        try {
          model = toDocumentModel(order, integration.settings)
          document = renderOrderDocument(model)
        } catch (error) {
          if (!(error instanceof OrderNotExportableError)) throw error
          scan.notExportable.push({ orderId: order.id, orderNumber: order.number, reason: error.message, state })
          continue
        }
        // The 2.08 `Документ` whatever the schema version: the fingerprint says what 1C reads, not how it is laid out.
        const fingerprint = fingerprintOf(document)
        if (fingerprint === state?.ackedFingerprint) {
          if (state.lastSentFingerprint !== fingerprint) scan.settled.push(order.id)
          continue
        }
        const pending: PendingOrder = { orderId: order.id, orderNumber: order.number, changedAt: order.changedAt, fingerprint, state }
        scan.pending.push(pending)
        rendered.push({ pending, fragment: renderOrderEntry(model, integration.settings.schemaVersion, document) })
        if (!state?.isolatedAt) normal++
      }
      if (keep && rendered.length > 0) await keep(rendered)
    }
  } finally {
    // A chunk read ahead that the scan did not need: its statement must end before the transaction goes on.
    await loading?.catch(() => undefined)
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
