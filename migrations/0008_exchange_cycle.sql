-- 0008: a poll with nothing to send, and its success, recorded without holding the integration's lock across
-- statements (../shared/design/EXPORT-SEMANTICS.md rule 5, src/export/export-state.repository.ts).

-- Bumped by every holder of the integration's lock (lockExportState takes the lock by updating it) and by every
-- empty poll and acknowledgement recorded without the lock. Such a record is one statement that writes only while the
-- row still carries the version read before it: it then knows no exchange, acknowledgement, re-export or exclusion of
-- the integration committed since, nor is one running, and otherwise it writes nothing and takes the lock instead.
alter table commerceml.export_state add column lock_version bigint not null default 0;
