/**
 * The admin API's JSON: domain objects as the responses (responses.schema.ts, openapi.yaml) show them, dates as ISO 8601
 * text, in one place, so every route that shows an integration or a batch shows it the same way.
 */
import type { JournalBatch } from '../export/journal.repository.js'
import type { OrderDeliveryStatus } from '../export/support.js'
import type { OrderReport, UploadSummary } from '../import/uploads-journal.repository.js'
import type { AuditEvent } from '../integration/audit-trail.repository.js'
import type { IntegrationRecord } from '../integration/integrations.repository.js'
import type { CompanySummary } from '../olvery/companies.source.js'

export const iso = (date: Date | null) => (date ? date.toISOString() : null)

export function integrationJson(record: IntegrationRecord) {
  const { integration } = record
  return {
    id: integration.id,
    name: integration.name,
    class: integration.class,
    companyId: integration.companyId,
    locationId: integration.locationId,
    settings: integration.storedSettings,
    enabled: integration.enabled,
    archivedAt: iso(integration.archivedAt),
    createdAt: integration.createdAt.toISOString(),
    updatedAt: integration.updatedAt.toISOString(),
    login: record.login,
    credentialsRotatedAt: record.credentialsRotatedAt.toISOString(),
    lastQueryAt: iso(record.lastQueryAt),
    lastSuccessAt: iso(record.lastSuccessAt),
  }
}

export function companyJson(company: CompanySummary) {
  return {
    id: company.id,
    locationId: company.locationId,
    kind: company.kind,
    name: company.fullName,
    shortName: company.shortName,
    inn: company.inn,
    kpp: company.kpp,
  }
}

export function batchJson(batch: JournalBatch) {
  return {
    id: batch.id,
    createdAt: batch.createdAt.toISOString(),
    queryStartedAt: batch.queryStartedAt.toISOString(),
    sessionId: batch.sessionId,
    orderCount: batch.orderCount,
    byteCount: batch.byteCount,
    contentType: batch.contentType,
    acknowledged: batch.acknowledgedAt !== null,
    acknowledgedAt: iso(batch.acknowledgedAt),
    // Rule 9: 1C by its `success`, or the administrator who acknowledged it by hand.
    acknowledgedBy: batch.acknowledgedAt === null ? null : (batch.acknowledgedBy ?? '1C'),
    superseded: batch.superseded,
    // Rule 11: the batch stays in the journal, its document is gone (GET …/document answers 410).
    documentPrunedAt: iso(batch.documentPrunedAt),
  }
}

export function auditEventJson(event: AuditEvent) {
  return { id: event.id, at: event.at.toISOString(), sub: event.sub, role: event.role, action: event.action, changes: event.changes }
}

export function uploadJson(upload: UploadSummary) {
  return {
    id: upload.id,
    sessionId: upload.sessionId,
    filename: upload.filename,
    receivedAt: upload.receivedAt.toISOString(),
    byteCount: upload.byteCount,
    chunkCount: upload.chunkCount,
    sha256: upload.sha256,
    state: upload.state,
    importStartedAt: iso(upload.importStartedAt),
    importFinishedAt: iso(upload.importFinishedAt),
    attempts: upload.attempts,
    outcome: upload.counts,
    error: upload.error,
    problems: upload.problems,
    filePrunedAt: iso(upload.filePrunedAt),
  }
}

export function orderStatusJson(status: OrderDeliveryStatus, report: OrderReport | null) {
  return {
    ...status,
    reportedBy1C: report ? { ...report, reportedAt: report.reportedAt.toISOString() } : null,
    payments: status.payments.map((p) => ({ ...p, paidAt: iso(p.paidAt) })),
    lastSent: status.lastSent ? { ...status.lastSent, at: iso(status.lastSent.at) } : null,
    lastAcknowledged: status.lastAcknowledged ? { ...status.lastAcknowledged, at: iso(status.lastAcknowledged.at) } : null,
    excluded: status.excluded ? { ...status.excluded, at: status.excluded.at.toISOString() } : null,
  }
}
