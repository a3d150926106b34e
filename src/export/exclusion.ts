/**
 * Rule 10 of EXPORT-SEMANTICS.md: an administrator excludes an order from an integration (a test order, one the
 * accountant entered by hand), and includes it again. While excluded the order is never sent, whatever changes: the
 * scan skips it (pending-orders.ts). Included again, it is pending when its fingerprint differs from the one 1C last
 * acknowledged. Each change is audited in its own transaction, under the integration's lock, so it falls between two
 * exchanges, never inside one.
 *
 * An order excluded while it is in a batch 1C has not acknowledged yet: that batch is left as it is. If 1C (or an
 * administrator, rule 9) acknowledges it, 1C has the order and its acknowledged fingerprint says so; if not, the order
 * waits, unsent, until it is included again, and is then sent like any pending order.
 */
import { recordAuditEvent, type AuditActor } from '../integration/audit-trail.repository.js'
import type { Integration } from '../integration/integration.js'
import type { ExportDeps } from './export-deps.js'
import { lockExportState } from './export-state.repository.js'
import { excludeOrderState, findOrderStates, includeOrderState } from './order-state.repository.js'

interface OrderRef {
  id: string
  number: string
}

/** Excludes the order with this reason; `false` when it was excluded already for the same reason (nothing changed). */
export async function excludeOrder(
  deps: ExportDeps,
  params: { integration: Integration; order: OrderRef; reason: string; actor: AuditActor; now?: Date },
): Promise<boolean> {
  const { integration, order, actor } = params
  const reason = params.reason.trim()
  return deps.databases.db.transaction().execute(async (trx) => {
    await lockExportState(trx, integration.id)
    const state = (await findOrderStates(trx, integration.id, [order.id])).get(order.id)
    if (state?.excludedAt && state.excludedReason === reason) return false
    await excludeOrderState(trx, { integrationId: integration.id, orderId: order.id, orderNumber: order.number, reason, by: actor.sub, now: params.now ?? new Date() })
    const previous = state?.excludedAt ? { previousReason: state.excludedReason } : {}
    await recordAuditEvent(trx, integration.id, { actor, action: 'exclude', changes: { orderId: order.id, number: order.number, reason, ...previous } })
    deps.logger.info({ integrationId: integration.id, orderId: order.id, orderNumber: order.number, by: actor.sub }, 'order excluded')
    return true
  })
}

/** Includes the order again; `false` when it was not excluded (nothing changed). */
export async function includeOrder(
  deps: ExportDeps,
  params: { integration: Integration; order: OrderRef; actor: AuditActor },
): Promise<boolean> {
  const { integration, order, actor } = params
  return deps.databases.db.transaction().execute(async (trx) => {
    await lockExportState(trx, integration.id)
    const state = (await findOrderStates(trx, integration.id, [order.id])).get(order.id)
    if (!state?.excludedAt) return false
    await includeOrderState(trx, integration.id, order.id)
    const exclusion = { at: state.excludedAt.toISOString(), by: state.excludedBy, reason: state.excludedReason }
    await recordAuditEvent(trx, integration.id, { actor, action: 'include', changes: { orderId: order.id, number: order.number, exclusion } })
    deps.logger.info({ integrationId: integration.id, orderId: order.id, orderNumber: order.number, by: actor.sub }, 'order included again')
    return true
  })
}
