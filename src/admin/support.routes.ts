/**
 * What support asks of an integration: "did 1C get order A-123?" (its delivery status in plain terms, with what 1C
 * reported about it), what the next `query` would send (changing nothing), and "send these again" (EXPORT-SEMANTICS.md
 * rule 6).
 */
import type { FastifyPluginAsync } from 'fastify'
import iconv from 'iconv-lite'
import { AppError } from '../errors.js'
import { orderDeliveryStatus, previewNextBatch, requestReexport } from '../export/support.js'
import { documentTimezone, startOfDayIn } from '../export/wall-clock.js'
import { findOrderReport } from '../import/uploads-journal.repository.js'
import { findCompanyOrders, findCompanyOrdersByIdOrNumber } from '../olvery/orders.source.js'
import { findLocationTimezone } from '../olvery/companies.source.js'
import { iso, orderStatusJson } from './admin.mappers.js'
import {
  integrationParams,
  orderParams,
  previewQuery,
  reexportBody,
  type IntegrationParams,
  type OrderParams,
  type PreviewQuery,
  type ReexportBody,
} from './requests.schema.js'
import { orderStatusResponse, previewResponse, reexportResponse } from './responses.schema.js'
import { exportDeps, refuseArchived, scopedRecord, type AdminRoutesOptions } from './scope.js'

export const supportRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  const { databases } = options
  app.get<{ Params: OrderParams }>(
    '/integrations/:id/orders/:orderIdOrNumber',
    { schema: { params: orderParams, response: { 200: orderStatusResponse } } },
    async (request) => {
      const { integration } = await scopedRecord(databases, request, request.params.id)
      const wanted = request.params.orderIdOrNumber.trim()
      const matches = await findCompanyOrdersByIdOrNumber(databases.olvery, integration.companyId, wanted)
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
      const status = await orderDeliveryStatus(exportDeps(options, request), { integration, orderId: matches[0]!.id })
      if (!status) throw new AppError('NOT_FOUND', `No order "${wanted.slice(0, 100)}" of the integration's company`)
      // What 1C uploaded about it (PROTOCOL.md §8): kept apart from the export, which never reads it.
      return orderStatusJson(status, await findOrderReport(databases.db, integration.id, status.orderId))
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
        const result = await requestReexport(deps, { integration, from: instant })
        request.log.info({ integrationId: integration.id, from, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
        return { cleared: result.cleared, watermark: iso(result.watermark), from: instant.toISOString(), unknownOrderIds: [] }
      }
      const known = new Set((await findCompanyOrders(databases.olvery, integration.companyId, orderIds!)).map((order) => order.id))
      const unknownOrderIds = orderIds!.filter((id) => !known.has(id))
      if (known.size === 0) {
        throw new AppError('BAD_REQUEST', "None of orderIds is an order of the integration's company", { unknownOrderIds })
      }
      const result = await requestReexport(deps, { integration, orderIds: [...known] })
      request.log.info({ integrationId: integration.id, orders: known.size, cleared: result.cleared, by: request.admin.sub }, 're-export requested')
      return { cleared: result.cleared, watermark: iso(result.watermark), from: null, unknownOrderIds }
    },
  )
}
