/**
 * What support asks of an integration: "did 1C get order A-123?" (its delivery status in plain terms, with what 1C
 * reported about it), what the next `query` would send (changing nothing), "send these again" (EXPORT-SEMANTICS.md
 * rule 6), "1C loaded this batch but never said so" (rule 9: acknowledged by hand) and "leave this order out"
 * (rule 10: excluded, and included again). Each change is audited by the export module in its own transaction.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import iconv from 'iconv-lite'
import { AppError } from '../errors.js'
import { acknowledgeLatestBatch } from '../export/acknowledge-batch.js'
import type { BatchSummary } from '../export/batches.repository.js'
import { excludeOrder, includeOrder } from '../export/exclusion.js'
import { findBatch, type JournalBatch } from '../export/journal.repository.js'
import { orderDeliveryStatus, previewNextBatch, requestReexport } from '../export/support.js'
import { documentTimezone, startOfDayIn } from '../export/wall-clock.js'
import { findOrderReport } from '../import/uploads-journal.repository.js'
import type { Integration } from '../integration/integration.js'
import { findCompanyOrders, findCompanyOrdersByIdOrNumber } from '../olvery/orders.source.js'
import { findLocationTimezone } from '../olvery/companies.source.js'
import { batchJson, iso, orderStatusJson } from './admin.mappers.js'
import {
  acknowledgeBody,
  batchParams,
  exclusionBody,
  integrationParams,
  orderParams,
  previewQuery,
  reexportBody,
  type BatchParams,
  type ExclusionBody,
  type IntegrationParams,
  type OrderParams,
  type PreviewQuery,
  type ReexportBody,
} from './requests.schema.js'
import { batchResponse, orderStatusResponse, previewResponse, reexportResponse } from './responses.schema.js'
import { actorOf, exportDeps, refuseArchived, scopedBatch, scopedRecord, type AdminRoutesOptions } from './scope.js'

/**
 * The one order of the integration's company `orderIdOrNumber` names (an id, or a number): 404 when none, 409
 * `AMBIGUOUS_ORDER_NUMBER` listing them when a number names orders of several locations.
 */
async function findIntegrationOrder(options: AdminRoutesOptions, integration: Integration, orderIdOrNumber: string): Promise<{ id: string; number: string }> {
  const wanted = orderIdOrNumber.trim()
  const matches = await findCompanyOrdersByIdOrNumber(options.databases.olvery, integration.companyId, wanted)
  if (matches.length === 0) {
    throw new AppError('NOT_FOUND', `No order "${wanted.slice(0, 100)}" (by id or number) of the integration's company`)
  }
  if (matches.length > 1) {
    throw new AppError(
      'AMBIGUOUS_ORDER_NUMBER',
      `${matches.length} orders of the integration's company have the number "${wanted}" (numbers are unique per location); ask again by order id`,
      { orders: matches.map((m) => ({ orderId: m.id, number: m.number, locationId: m.locationId, createdAt: m.createdAt.toISOString() })) },
    )
  }
  return matches[0]!
}

/** The order status answer: its delivery status with what 1C uploaded about it. */
async function orderStatusAnswer(options: AdminRoutesOptions, request: FastifyRequest, integration: Integration, order: { id: string; number: string }) {
  const status = await orderDeliveryStatus(exportDeps(options, request), { integration, orderId: order.id })
  if (!status) throw new AppError('NOT_FOUND', `No order "${order.number.slice(0, 100)}" of the integration's company`)
  // What 1C uploaded about it (PROTOCOL.md §8): kept apart from the export, which never reads it.
  return orderStatusJson(status, await findOrderReport(options.databases.db, integration.id, status.orderId))
}

/** Rule 9's 409: which batch may be acknowledged by hand (the latest), and whether it still may. */
function notAcknowledgeable(batch: JournalBatch, latest: BatchSummary | null): AppError {
  const latestId = latest?.id ?? batch.id
  const latestAcknowledged = latest ? latest.acknowledgedAt !== null : batch.acknowledgedAt !== null
  const message =
    latestId === batch.id
      ? `Batch ${batch.id} is acknowledged already; only the latest batch of the integration (${latestId}), while it is unacknowledged, can be acknowledged by hand`
      : `Batch ${batch.id} is not the latest batch of the integration: only the latest, ${latestId}, can be acknowledged by hand${latestAcknowledged ? ', and it is acknowledged already' : ', once checked in 1C'}`
  return new AppError('BATCH_NOT_ACKNOWLEDGEABLE', message, { latestBatchId: latestId, latestAcknowledged })
}

export const supportRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  const { databases } = options
  app.get<{ Params: OrderParams }>(
    '/integrations/:id/orders/:orderIdOrNumber',
    { schema: { params: orderParams, response: { 200: orderStatusResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const order = await findIntegrationOrder(options, integration, request.params.orderIdOrNumber)
      return orderStatusAnswer(options, request, integration, order)
    },
  )

  // Rule 10: leave an order out of the exchange, and let it back in; both answer the order's status.
  app.put<{ Params: OrderParams; Body: ExclusionBody }>(
    '/integrations/:id/orders/:orderIdOrNumber/exclusion',
    { schema: { params: orderParams, body: exclusionBody, response: { 200: orderStatusResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      refuseArchived(integration)
      const order = await findIntegrationOrder(options, integration, request.params.orderIdOrNumber)
      await excludeOrder(exportDeps(options, request), { integration, order, reason: request.body.reason, actor: actorOf(request) })
      return orderStatusAnswer(options, request, integration, order)
    },
  )

  app.delete<{ Params: OrderParams }>(
    '/integrations/:id/orders/:orderIdOrNumber/exclusion',
    { schema: { params: orderParams, response: { 200: orderStatusResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      refuseArchived(integration)
      const order = await findIntegrationOrder(options, integration, request.params.orderIdOrNumber)
      await includeOrder(exportDeps(options, request), { integration, order, actor: actorOf(request) })
      return orderStatusAnswer(options, request, integration, order)
    },
  )

  // Rule 9: an administrator who checked in 1C that the latest batch arrived acknowledges it, as `success` would.
  app.post<{ Params: BatchParams }>(
    '/integrations/:id/batches/:batchId/acknowledge',
    { schema: { params: batchParams, body: acknowledgeBody, response: { 200: batchResponse } } },
    async (request) => {
      const { integration, batch } = await scopedBatch(databases, request, request.params)
      refuseArchived(integration)
      const result = await acknowledgeLatestBatch(exportDeps(options, request), { integration, batchId: batch.id, actor: actorOf(request) })
      if (!result.acknowledged) throw notAcknowledgeable(batch, result.latest)
      return batchJson((await findBatch(databases.db, integration.id, batch.id))!)
    },
  )

  app.get<{ Params: IntegrationParams; Querystring: PreviewQuery }>(
    '/integrations/:id/preview',
    { schema: { params: integrationParams, querystring: previewQuery, response: { 200: previewResponse } } },
    async (request, reply) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const { format, documentOrders } = request.query
      const preview = await previewNextBatch(exportDeps(options, request), { integration, documentOrders })
      reply.header('cache-control', 'no-store')
      if (format === 'xml') {
        // The raw document as `query` would send it now, or its first orders (a Buffer is sent as it is, past the
        // JSON schema); the headers say how many of the batch's orders it holds.
        return reply
          .header('x-document-orders', preview.documentOrderCount)
          .header('x-batch-orders', preview.orders.length)
          .type(preview.contentType)
          .send(preview.body)
      }
      return {
        orders: preview.orders.map((o) => ({ ...o, changedAt: o.changedAt.toISOString() })),
        orderCount: preview.orders.length,
        leftOut: preview.leftOut,
        notExportable: preview.notExportable,
        contentType: preview.contentType,
        byteCount: preview.byteCount,
        documentOrderCount: preview.documentOrderCount,
        document: iconv.decode(preview.body, integration.settings.encoding, { stripBOM: true }),
      }
    },
  )

  app.post<{ Params: IntegrationParams; Body: ReexportBody }>(
    '/integrations/:id/reexport',
    { schema: { params: integrationParams, body: reexportBody, response: { 200: reexportResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const { from, orderIds } = request.body
      if ((from === undefined) === (orderIds === undefined)) {
        throw new AppError(
          'BAD_REQUEST',
          'Give exactly one of "from" (a date, YYYY-MM-DD: every order changed since its midnight is sent again) and "orderIds" (the orders to send again)',
        )
      }
      refuseArchived(integration)
      const deps = exportDeps(options, request)
      if (from !== undefined) {
        const timezone = documentTimezone(integration.settings.timezone, await findLocationTimezone(databases.olvery, integration.locationId))
        const instant = startOfDayIn(from, timezone)
        const result = await requestReexport(deps, { integration, from: instant, actor: actorOf(request) })
        request.log.info({ integrationId: integration.id, from, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
        return { cleared: result.cleared, watermark: iso(result.watermark), from: instant.toISOString(), unknownOrderIds: [] }
      }
      const known = new Set((await findCompanyOrders(databases.olvery, integration.companyId, orderIds!)).map((order) => order.id))
      const unknownOrderIds = orderIds!.filter((id) => !known.has(id))
      if (known.size === 0) {
        throw new AppError('BAD_REQUEST', "None of orderIds is an order of the integration's company", { unknownOrderIds })
      }
      const result = await requestReexport(deps, { integration, orderIds: [...known], actor: actorOf(request) })
      request.log.info({ integrationId: integration.id, orders: known.size, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
      return { cleared: result.cleared, watermark: iso(result.watermark), from: null, unknownOrderIds }
    },
  )
}
