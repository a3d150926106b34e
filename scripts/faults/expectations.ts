/**
 * What each integration's 1C should hold at the end, from the platform's final data: every order of the company,
 * whether it qualifies, and the fingerprint of the document the service would send for it now. The document is
 * rendered with the service's own renderer (the campaign tests what is sent and acknowledged, not the CommerceML
 * layout, which the golden tests cover); the platform rows are read afresh.
 */
import { createHash } from 'node:crypto'
import type { Databases } from '../../src/olvery/databases.js'
import { fingerprintOf } from '../../src/export/fingerprint.js'
import { OrderNotExportableError, toDocumentModel } from '../../src/export/document-model.js'
import { renderOrderDocument } from '../../src/export/order-document.js'
import { qualifies } from '../../src/export/payment-rules.js'
import { findIntegration } from '../../src/integration/integrations.repository.js'
import { loadOrders } from '../../src/olvery/orders.source.js'
import type { ExchangeRecord, ExpectedOrder, IntegrationExpectation } from './checker.js'
import type { IntegrationUnderTest } from './database.js'

export async function orderCompanies(databases: Databases): Promise<Map<string, string>> {
  const rows = await databases.olvery.selectFrom('orders').select(['id', 'company_id']).execute()
  return new Map(rows.map((r) => [r.id, r.company_id]))
}

export async function expectationsOf(
  databases: Databases,
  integrations: readonly IntegrationUnderTest[],
  companies: ReadonlyMap<string, string>,
): Promise<IntegrationExpectation[]> {
  const result: IntegrationExpectation[] = []
  for (const under of integrations) {
    const integration = await findIntegration(databases.db, under.id)
    if (!integration) throw new Error(`integration ${under.label} disappeared`)
    const ids = [...companies].filter(([, company]) => company === integration.companyId).map(([id]) => id)
    const orders = new Map<string, ExpectedOrder>()
    for (let start = 0; start < ids.length; start += 500) {
      for (const order of await loadOrders(databases.olvery, ids.slice(start, start + 500))) {
        let fingerprint: string | null
        try {
          fingerprint = fingerprintOf(renderOrderDocument(toDocumentModel(order, integration.settings)))
        } catch (error) {
          if (!(error instanceof OrderNotExportableError)) throw error
          fingerprint = null
        }
        orders.set(order.id, {
          orderId: order.id,
          number: order.number,
          qualifies: qualifies(order, integration.settings.paymentRules),
          fingerprint,
        })
      }
    }
    result.push({ integrationId: under.id, label: under.label, companyId: under.companyId, orders })
  }
  return result
}

/**
 * `no-answer` successes: did the service record the batch of that session as acknowledged? Those resolved already
 * are left alone: with retention on, the campaign resolves each a few seconds after it happened, while its session
 * still exists and its batch, the latest of that session, is still kept.
 */
export async function resolveAcknowledgements(
  databases: Databases,
  pending: ReadonlyArray<{ record: { ackResolvedByService?: boolean | null }; cookieValue: string }>,
): Promise<void> {
  for (const item of pending) {
    if (item.record.ackResolvedByService != null) continue
    const hash = createHash('sha256').update(item.cookieValue, 'utf8').digest('hex')
    const row = await databases.db
      .selectFrom('sessions')
      .innerJoin('batches', 'batches.session_id', 'sessions.id')
      .select('batches.acknowledged_at')
      .where('sessions.cookie_hash', '=', hash)
      .orderBy('batches.id', 'desc')
      .limit(1)
      .executeTakeFirst()
    item.record.ackResolvedByService = row ? row.acknowledged_at !== null : false
  }
}

/**
 * For a lost order, what the journal says of its final document: every batch that carried it, whether the service
 * recorded it as acknowledged, and what the 1C client of that session saw. Printed under the report.
 */
export async function explainLoss(
  databases: Databases,
  lost: { orderId: string; integrationId: string; fingerprint: string | null },
  records: readonly ExchangeRecord[],
): Promise<string[]> {
  const rows = await databases.db
    .selectFrom('batch_items')
    .innerJoin('batches', 'batches.id', 'batch_items.batch_id')
    // The session may be pruned by now (retention): the batch stays, its client is then unknown.
    .leftJoin('sessions', 'sessions.id', 'batches.session_id')
    .select(['batches.id', 'batches.acknowledged_at', 'batches.query_started_at', 'batch_items.fingerprint', 'sessions.cookie_hash'])
    .where('batch_items.order_id', '=', lost.orderId)
    .where('batches.integration_id', '=', lost.integrationId)
    .orderBy('batches.id')
    .execute()
  const state = await databases.db
    .selectFrom('order_state')
    .selectAll()
    .where('order_id', '=', lost.orderId)
    .where('integration_id', '=', lost.integrationId)
    .executeTakeFirst()
  const lines = rows.map((row) => {
    const record = row.cookie_hash ? records.find((r) => r.sessionHash === row.cookie_hash) : undefined
    const client = record
      ? `client: query ${record.queryComplete ? 'read whole' : 'not read'}, success ${record.success}`
      : 'client: no record of the session'
    const current = row.fingerprint === lost.fingerprint ? 'the final document' : 'an older document'
    return `batch ${row.id} at ${row.query_started_at.toISOString()} sent ${current}, ${row.acknowledged_at ? 'acknowledged' : 'not acknowledged'}; ${client}`
  })
  if (state) {
    lines.push(
      `order_state: acked ${state.acked_fingerprint === lost.fingerprint ? 'the final document' : state.acked_fingerprint ? 'an older document' : 'nothing'} ` +
        `(batch ${state.acked_batch_id ?? '-'}), last sent ${state.last_sent_fingerprint === lost.fingerprint ? 'the final document' : 'an older document'} (batch ${state.last_sent_batch_id ?? '-'})`,
    )
  } else lines.push('order_state: none')
  return lines
}

/** What is left of the journal at the end of a run, against what was ever recorded: evidence that pruning ran. */
export async function journalRows(databases: Databases): Promise<{ batches: number; batchesRecorded: number; batchItems: number; sessions: number }> {
  const { db } = databases
  const batches = await db
    .selectFrom('batches')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.max('id').as('last')])
    .executeTakeFirstOrThrow()
  const items = await db.selectFrom('batch_items').select((eb) => eb.fn.countAll<number>().as('rows')).executeTakeFirstOrThrow()
  const sessions = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('rows')).executeTakeFirstOrThrow()
  return { batches: Number(batches.rows), batchesRecorded: Number(batches.last ?? 0), batchItems: Number(items.rows), sessions: Number(sessions.rows) }
}
