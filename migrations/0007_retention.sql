-- 0007: retention (../shared/design/EXPORT-SEMANTICS.md rule 11). The journal may forget, never the state: the pruner
-- (src/maintenance/) clears the stored documents of old batches, deletes empty polls, old batches with their items,
-- raw upload files, old uploads, expired sessions, login-failure counters past their window and old audit events.
-- order_state and order_reports are never pruned.

-- A session is part of a batch's and an upload's journal ("which session"), not their owner: deleting an expired
-- session must not delete the batches and uploads it made (0001 cascaded). The session id stays in the row.
alter table commerceml.batches drop constraint batches_session_id_fkey;
alter table commerceml.uploads drop constraint uploads_session_id_fkey;

-- When the batch's document stopped being kept: from then on the journal answers 410 for it, and its orders,
-- fingerprints and sizes stay. A document is pruned in bounded steps: the first sets document_pruned_at, the next
-- clear the items' fragments, the last empties the head and tail. A batch marked whose head is not yet empty is one a
-- stopped run left midway (found by batches_document_pruning_idx).
alter table commerceml.batches add column document_pruned_at timestamptz;

-- When the raw file of an upload (its chunks) was deleted; its outcome and documents stay as long as the journal.
alter table commerceml.uploads add column file_pruned_at timestamptz;

-- The pruner's keyset scans, oldest first.
create index batches_created_idx on commerceml.batches (created_at, id);
create index batches_empty_created_idx on commerceml.batches (created_at, id) where order_count = 0;
create index batches_document_kept_idx on commerceml.batches (created_at, id) where document_pruned_at is null;
create index batches_document_pruning_idx on commerceml.batches (id)
  where document_pruned_at is not null and document_head <> ''::bytea;
create index uploads_received_idx on commerceml.uploads (received_at, id);
create index uploads_file_kept_idx on commerceml.uploads (received_at, id) where file_pruned_at is null;
-- Deleting an upload clears order_reports.upload_id (on delete set null): without an index, a scan of every report.
create index order_reports_upload_idx on commerceml.order_reports (upload_id) where upload_id is not null;
