/**
 * What administrators and support ask of the export: what would the next query send (changing nothing), where is
 * order A-123 (in scope or not and why, sent, acknowledged, pending), "send these again" (rule 6), and a journaled
 * document as 1C received it. No statement of its own: it composes the repositories and the platform's source.
 */
import { recordAuditEvent, type AuditActor } from '../integration/audit-trail.repository.js'
import type { Integration } from '../integration/integration.js'
import type { PaymentRule } from '../integration/settings.schema.js'
import { findCompanyOrders, loadOrders } from '../olvery/orders.source.js'
import { findLocationTimezone } from '../olvery/companies.source.js'
import type { PlatformPayment } from '../olvery/platform-order.js'
import { batchDocumentChunks, dropWatermarkCandidates } from './batches.repository.js'
import { OrderNotExportableError, toDocumentModel } from './document-model.js'
import { encodeChunk } from './encoding.js'
import type { ExportDeps } from './export-deps.js'
import { findBatchDocument } from './journal.repository.js'
import { findQueryBacklog, lockExportState, readWatermark, setWatermark } from './export-state.repository.js'
import { fingerprintOf } from './fingerprint.js'
import { documentFrame, renderOrderDocument } from './order-document.js'
import { clearAcknowledgements, createBlankOrderStates, findOrderStates } from './order-state.repository.js'
import { matchesPaymentRule } from './payment-rules.js'
import { planBatch, scanPendingOrders } from './pending-orders.js'
import { documentTimezone } from './wall-clock.js'

interface PreviewOrder {
  orderId: string
  number: string
  changedAt: Date
  fingerprint: string
}

export interface Preview {
  orders: PreviewOrder[]
  /** Pending orders the batch cap (or isolation) leaves for later queries; counted up to one more than the cap. */
  leftOut: number
  /** Orders that cannot be sent, with the reason 1C would never see. */
  notExportable: Array<{ orderId: string; number: string; reason: string }>
  /**
   * The document with the batch's first `documentOrderCount` orders: the very bytes `query` would send when that is
   * the whole batch, otherwise the same frame around fewer orders (a valid document all the same).
   */
  body: Buffer
  documentOrderCount: number
  /** The size in bytes of the whole document `query` would send. */
  byteCount: number
  contentType: string
}

/** The most orders a preview's document holds: a whole batch of 50,000 would be hundreds of megabytes in memory. */
export const PREVIEW_DOCUMENT_ORDERS_MAX = 1000

/**
 * The next `query`'s answer, computed the same way but in a transaction that is rolled back: no batch, no state
 * change. (Poison-order alternation is not replayed: the preview assumes the last batch was acknowledged.)
 *
 * Like `query`, it holds one chunk of rendered orders at a time: of the rest it keeps each fragment's size, and the
 * fragments of the first `documentOrders` orders of the batch, which become the preview's document.
 */
export async function previewNextBatch(
  deps: ExportDeps,
  params: { integration: Integration; documentOrders: number; now?: Date },
): Promise<Preview> {
  const { databases } = deps
  const { integration, documentOrders } = params
  const { encoding } = integration.settings
  const now = params.now ?? new Date()
  const rollback = new Error('preview: roll back')
  let preview: Preview | undefined
  await databases.db
    .transaction()
    .execute(async (trx) => {
      const watermark = await readWatermark(trx, integration.id)
      const { unsettled } = await findQueryBacklog(trx, integration.id)
      const olvery = databases.olveryIn(trx)
      const fragmentBytes = new Map<string, number>()
      const fragments = new Map<string, Buffer>()
      let normalKept = 0
      const scan = await scanPendingOrders(trx, olvery, {
        integration,
        watermark,
        wanted: integration.settings.batchSize + 1,
        unsettled,
        keep: async (rendered) => {
          for (const { pending, fragment } of rendered) {
            const bytes = encodeChunk(fragment, encoding)
            fragmentBytes.set(pending.orderId, bytes.length)
            // A batch is a prefix of the orders that are not isolated, or one isolated order (planBatch), so these
            // are the fragments any batch's first `documentOrders` orders can need.
            if (pending.state?.isolatedAt) fragments.set(pending.orderId, bytes)
            else if (normalKept < documentOrders) {
              fragments.set(pending.orderId, bytes)
              normalKept++
            }
          }
        },
      })
      const plan = planBatch(scan.pending, integration.settings.batchSize, { isolatedAlone: false })
      const timezone = documentTimezone(integration.settings.timezone, await findLocationTimezone(olvery, integration.locationId))
      const { bom, schemaVersion } = integration.settings
      const { head, tail, contentType } = documentFrame({ generatedAt: now, timezone, encoding, bom, schemaVersion })
      const shown = plan.batch.slice(0, documentOrders).map((p) => fragments.get(p.orderId)!)
      preview = {
        orders: plan.batch.map((p) => ({
          orderId: p.orderId,
          number: p.orderNumber,
          changedAt: p.changedAt,
          fingerprint: p.fingerprint,
        })),
        leftOut: plan.leftOut.length,
        notExportable: scan.notExportable.map((n) => ({ orderId: n.orderId, number: n.orderNumber, reason: n.reason })),
        body: Buffer.concat([head, ...shown, tail]),
        documentOrderCount: shown.length,
        byteCount: head.length + tail.length + plan.batch.reduce((sum, p) => sum + fragmentBytes.get(p.orderId)!, 0),
        contentType,
      }
      throw rollback
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error
    })
  return preview!
}

type ScopeReason = 'qualifies' | 'tracked' | 'no matching payment' | 'excluded' | 'other company'

export interface OrderDeliveryStatus {
  orderId: string
  number: string
  inScope: boolean
  reason: ScopeReason
  /** The first rule a payment matches, when one does. */
  matchedRule: PaymentRule | null
  payments: Array<{ id: string; gateway: string; status: string; amount: string; paidAt: Date | null; matchesRules: boolean }>
  currentFingerprint: string | null
  /** Why the order cannot be sent now (e.g. a number longer than 1C keeps). */
  notExportable: string | null
  lastSent: { batchId: number | null; at: Date | null; fingerprint: string } | null
  lastAcknowledged: { batchId: number | null; at: Date | null; fingerprint: string | null } | null
  /** In scope and its current document differs from the acknowledged one. */
  pending: boolean
  unacknowledgedServes: number
  isolated: boolean
  /** Rule 10: when, by whom (the administrator's `sub`) and why the order was excluded. */
  excluded: { at: Date; by: string | null; reason: string | null } | null
}

function firstMatchingRule(payments: readonly PlatformPayment[], rules: readonly PaymentRule[]): PaymentRule | null {
  for (const payment of payments) {
    for (const rule of rules) if (matchesPaymentRule(payment, rule)) return rule
  }
  return null
}

/** One order's delivery status for "did 1C get order A-123?"; null when the platform has no such order. */
export async function orderDeliveryStatus(
  deps: ExportDeps,
  params: { integration: Integration; orderId: string },
): Promise<OrderDeliveryStatus | null> {
  const { databases } = deps
  const { integration, orderId } = params
  const [order] = await loadOrders(databases.olvery, [orderId])
  if (!order) return null
  const rules = integration.settings.paymentRules
  const state = (await findOrderStates(databases.db, integration.id, [orderId])).get(orderId)
  const matchedRule = firstMatchingRule(order.payments, rules)
  const tracked = state?.ackedAt != null
  let reason: ScopeReason
  if (order.companyId !== integration.companyId) reason = 'other company'
  else if (state?.excludedAt) reason = 'excluded'
  else if (matchedRule) reason = 'qualifies'
  else if (tracked) reason = 'tracked'
  else reason = 'no matching payment'
  const inScope = reason === 'qualifies' || reason === 'tracked'

  let currentFingerprint: string | null = null
  let notExportable: string | null = null
  if (order.companyId === integration.companyId) {
    try {
      currentFingerprint = fingerprintOf(renderOrderDocument(toDocumentModel(order, integration.settings)))
    } catch (error) {
      if (!(error instanceof OrderNotExportableError)) throw error
      notExportable = error.message
    }
  }
  return {
    orderId: order.id,
    number: order.number,
    inScope,
    reason,
    matchedRule,
    payments: order.payments.map((p) => ({
      id: p.id,
      gateway: p.gateway,
      status: p.status,
      amount: p.amount,
      paidAt: p.paidAt,
      matchesRules: rules.some((rule) => matchesPaymentRule(p, rule)),
    })),
    currentFingerprint,
    notExportable,
    lastSent: state?.lastSentFingerprint
      ? { batchId: state.lastSentBatchId, at: state.lastSentAt, fingerprint: state.lastSentFingerprint }
      : null,
    lastAcknowledged: state?.ackedAt ? { batchId: state.ackedBatchId, at: state.ackedAt, fingerprint: state.ackedFingerprint } : null,
    pending: inScope && currentFingerprint !== null && currentFingerprint !== (state?.ackedFingerprint ?? null),
    unacknowledgedServes: state?.unackedServes ?? 0,
    isolated: state?.isolatedAt != null,
    excluded: state?.excludedAt ? { at: state.excludedAt, by: state.excludedBy, reason: state.excludedReason } : null,
  }
}

export interface ReexportResult {
  /** Acknowledged orders whose acknowledgement was cleared. */
  cleared: number
  /** The watermark after the request (null = all history). */
  watermark: Date | null
}

/**
 * Rule 6: those orders become pending again. With `from`, every acknowledged order changed since that instant, and
 * the candidate scan is widened to start there; with `orderIds`, those orders (of the integration's company).
 * Acknowledged fingerprints are cleared (the history of batches and the fact that 1C had the order stay), and batches
 * not yet acknowledged lose their watermark move, so a late success cannot narrow the scan past the request. Audited
 * in the same transaction.
 */
export async function requestReexport(
  deps: ExportDeps,
  params: { integration: Integration; from?: Date; orderIds?: readonly string[]; actor: AuditActor },
): Promise<ReexportResult> {
  const { databases } = deps
  const { integration, from, orderIds, actor } = params
  if (!from && !orderIds?.length) throw new Error('requestReexport needs `from` or `orderIds`')
  return databases.db.transaction().execute(async (trx) => {
    const state = await lockExportState(trx, integration.id)
    let cleared = 0
    if (orderIds?.length) {
      // Orders never sent get a state row too, so the scan finds them whatever the watermark says.
      const orders = await findCompanyOrders(databases.olveryIn(trx), integration.companyId, orderIds)
      await createBlankOrderStates(trx, integration.id, orders)
      cleared += await clearAcknowledgements(trx, integration.id, { orderIds: orders.map((o) => o.id) })
    }
    let watermark = state.watermark
    if (from) {
      cleared += await clearAcknowledgements(trx, integration.id, { changedSince: from })
      if (watermark === null || from < watermark) watermark = from
      await setWatermark(trx, integration.id, watermark)
    }
    await dropWatermarkCandidates(trx, integration.id)
    await recordAuditEvent(trx, integration.id, {
      actor,
      action: 'reexport',
      changes: { from: from?.toISOString() ?? null, orderIds: orderIds ? [...orderIds] : null, cleared, watermark: watermark?.toISOString() ?? null },
    })
    return { cleared, watermark }
  })
}

/**
 * Rule 8: a journaled `query` answer exactly as 1C received it (its Content-Type, length and bytes, read back as
 * they are sent), or null when the integration has no such batch.
 */
export async function journaledDocument(
  deps: ExportDeps,
  params: { integrationId: string; batchId: number },
): Promise<{ contentType: string; byteCount: number; chunks: AsyncGenerator<Buffer> } | null> {
  const stored = await findBatchDocument(deps.databases.db, params.integrationId, params.batchId)
  return stored ? { ...stored, chunks: batchDocumentChunks(deps.databases, params.batchId) } : null
}
