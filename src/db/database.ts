/**
 * Row types of the service's own tables (schema `commerceml`, created by `migrations/`).
 * Repositories convert these rows into domain types; nothing else sees them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string, string>

interface IntegrationsTable {
  id: Generated<string>
  name: string
  class: Generated<string>
  company_id: string
  location_id: string
  settings: Json
  enabled: Generated<boolean>
  archived_at: Timestamp | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

interface CredentialsTable {
  integration_id: string
  login: string
  password_hash: string
  rotated_at: DefaultTimestamp
}

interface ExportStateTable {
  integration_id: string
  watermark: Timestamp | null
  last_query_at: Timestamp | null
  last_success_at: Timestamp | null
  queries_since_success: Generated<number>
}

interface SessionsTable {
  id: Generated<string>
  integration_id: string
  cookie_hash: string
  sessid_hash: string
  client_address: string | null
  created_at: DefaultTimestamp
  last_seen_at: DefaultTimestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
}

interface BatchesTable {
  id: Generated<number>
  integration_id: string
  session_id: string
  created_at: DefaultTimestamp
  query_started_at: Timestamp
  watermark_candidate: Timestamp | null
  order_count: number
  byte_count: number
  content_type: string
  /** What precedes the orders' fragments: BOM, declaration and the `КоммерческаяИнформация` start tag. */
  document_head: Buffer
  /** What follows them: the end tag. */
  document_tail: Buffer
  acknowledged_at: Timestamp | null
  /** Null once acknowledged: 1C's `success`; otherwise the `sub` of the administrator who acknowledged it (rule 9). */
  acknowledged_by: string | null
  /** When retention cleared the stored document (migration 0007); the journal then answers 410 for it. */
  document_pruned_at: Generated<Date | null>
}

interface BatchItemsTable {
  batch_id: number
  order_id: string
  order_number: string
  fingerprint: string
  changed_at: Timestamp
  /** The item's place in the document (gaps allowed: orders the batch left out are removed). */
  position: number
  /** The order's `Документ` element, encoded as sent; null for batches journaled before migration 0004. */
  fragment: Buffer | null
}

export interface OrderStateTable {
  integration_id: string
  order_id: string
  order_number: string
  acked_fingerprint: string | null
  acked_batch_id: number | null
  acked_at: Timestamp | null
  /** The platform change time of the acknowledged version (its batch item's `changed_at`), for re-exports by date. */
  acked_changed_at: Timestamp | null
  last_sent_fingerprint: string | null
  last_sent_batch_id: number | null
  last_sent_at: Timestamp | null
  unacked_serves: Generated<number>
  isolated_at: Timestamp | null
  last_error: string | null
  last_error_at: Timestamp | null
  excluded_at: Timestamp | null
  excluded_reason: string | null
  /** The `sub` of the administrator who excluded the order (rule 10). */
  excluded_by: string | null
}

interface UploadsTable {
  id: Generated<string>
  integration_id: string
  session_id: string
  filename: string
  byte_count: Generated<number>
  chunk_count: Generated<number>
  sha256: string | null
  received_at: DefaultTimestamp
  updated_at: DefaultTimestamp
  status: Generated<'receiving' | 'stored' | 'imported' | 'failed'>
  imported_at: Timestamp | null
  outcome: Json | null
  /** When retention deleted the raw file (its chunks); the outcome stays (migration 0007). */
  file_pruned_at: Generated<Date | null>
}

interface UploadChunksTable {
  upload_id: string
  seq: number
  data: Buffer
}

type UploadImportStatus = 'running' | 'done' | 'failed'

export interface UploadImportsTable {
  upload_id: string
  status: UploadImportStatus
  lease_owner: string | null
  lease_until: Timestamp | null
  attempts: Generated<number>
  bytes_read: Generated<number>
  documents: Generated<number>
  matched: Generated<number>
  unmatched: Generated<number>
  errors: Generated<number>
  error: string | null
  started_at: DefaultTimestamp
  updated_at: DefaultTimestamp
  finished_at: Timestamp | null
}

/** 1C's facts about an order, as columns of both upload_documents and order_reports. */
export interface OrderFactColumns {
  onec_id: string | null
  onec_number: string | null
  number_1c: string | null
  date_1c: string | null
  posted: boolean | null
  deletion_mark: boolean | null
  cancelled: boolean | null
  payment_number_1c: string | null
  payment_date_1c: string | null
  shipment_number_1c: string | null
  shipment_date_1c: string | null
  requisites: Json
  content_hash: string
}

export type UploadDocumentStatus = 'matched' | 'unmatched' | 'error'

interface UploadDocumentsTable extends OrderFactColumns {
  upload_id: string
  doc_index: number
  integration_id: string
  status: UploadDocumentStatus
  order_id: string | null
  matched_by: 'id' | 'number' | null
  reason: string | null
}

interface OrderReportsTable extends OrderFactColumns {
  integration_id: string
  order_id: string
  reported_at: Timestamp
  upload_id: string | null
  doc_index: number
  applied_at: DefaultTimestamp
}

interface LoginFailuresTable {
  scope: 'address' | 'login_address' | 'login'
  key_hash: string
  failures: number
  first_failure_at: Timestamp
  last_failure_at: Timestamp
  locked_until: Timestamp | null
}

interface AuditEventsTable {
  id: Generated<number>
  integration_id: string
  at: DefaultTimestamp
  sub: string
  role: string
  action: string
  changes: Json
}

interface SchemaMigrationsTable {
  version: string
  name: string
  checksum: string
  applied_at: DefaultTimestamp
}

/** Every table of schema `commerceml`. */
export interface ServiceDatabase {
  integrations: IntegrationsTable
  credentials: CredentialsTable
  export_state: ExportStateTable
  sessions: SessionsTable
  batches: BatchesTable
  batch_items: BatchItemsTable
  order_state: OrderStateTable
  uploads: UploadsTable
  upload_chunks: UploadChunksTable
  upload_imports: UploadImportsTable
  upload_documents: UploadDocumentsTable
  order_reports: OrderReportsTable
  login_failures: LoginFailuresTable
  audit_events: AuditEventsTable
  schema_migrations: SchemaMigrationsTable
}

export type IntegrationRow = Selectable<IntegrationsTable>
