-- 0006: the operator tools of ../shared/design/EXPORT-SEMANTICS.md rules 9 and 10 (acknowledging a batch by hand,
-- excluding an order), and the audit trail of what administrators do to an integration.

-- Rule 9: who acknowledged a batch. Null with acknowledged_at set: 1C, by `success` (every batch acknowledged before
-- this migration); otherwise the `sub` of the administrator who acknowledged it through the admin API.
alter table commerceml.batches add column acknowledged_by text;

-- Rule 10: who excluded an order (the administrator's `sub`); excluded_at and excluded_reason (0001) say when and why.
alter table commerceml.order_state add column excluded_by text;
-- The excluded orders of an integration, for the metrics and the audit, without reading every order's state.
create index order_state_excluded_idx on commerceml.order_state (integration_id) where excluded_at is not null;

-- Every administrator action on an integration (src/integration/audit-trail.repository.ts), written in the transaction
-- of the action itself: what it was (`action`), who (`sub` and `role` of the admin token, or the integrations command),
-- when (`at`), and what changed (`changes`, never a password or its hash). Kept as long as the journal.
create table commerceml.audit_events (
  id              bigint generated always as identity primary key,
  integration_id  uuid not null references commerceml.integrations (id) on delete cascade,
  at              timestamptz not null default now(),
  sub             text not null,
  role            text not null,
  action          text not null,
  changes         jsonb not null default '{}'::jsonb
);
create index audit_events_integration_idx on commerceml.audit_events (integration_id, id desc);
create index audit_events_at_idx on commerceml.audit_events (at);
