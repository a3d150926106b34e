-- 0001: the service's own state, designed for ../shared/design/EXPORT-SEMANTICS.md.
-- Frozen once released: change the schema with a new migration, never by editing this file
-- (the runner refuses to start when an applied migration's checksum differs).

create schema if not exists commerceml;

-- An integration: one 1C base pulling the orders of one supplier company.
create table commerceml.integrations (
  id           uuid primary key default gen_random_uuid(),
  name         text not null check (length(btrim(name)) between 1 and 200),
  class        text not null default 'CommerceML' check (class in ('CommerceML')),
  company_id   uuid not null,
  location_id  uuid not null,
  -- The settings JSON as validated by src/integrations/settings.schema.ts (payment rules, payment method name, …).
  settings     jsonb not null,
  enabled      boolean not null default true,
  archived_at  timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create unique index integrations_company_name_key
  on commerceml.integrations (company_id, lower(name)) where archived_at is null;
create index integrations_location_idx on commerceml.integrations (location_id);

-- 1C's Basic credentials: one login per integration, the password only as a slow hash.
create table commerceml.credentials (
  integration_id  uuid primary key references commerceml.integrations (id) on delete cascade,
  login           text not null unique check (login ~ '^[A-Za-z0-9._-]{3,64}$'),
  password_hash   text not null,
  rotated_at      timestamptz not null default now()
);

-- Export state per integration; its row is also the per-integration lock of rule 5
-- (select … for update serialises query and success across replicas).
create table commerceml.export_state (
  integration_id   uuid primary key references commerceml.integrations (id) on delete cascade,
  -- Rule 4: only bounds the candidate scan (changed_at >= watermark); null = all history.
  watermark        timestamptz,
  last_query_at    timestamptz,
  last_success_at  timestamptz,
  -- Queries answered since the last acknowledged batch: the "1C fails to load" signal.
  queries_since_success integer not null default 0
);

-- Exchange sessions opened by checkauth. Only hashes of the cookie value and sessid are kept.
create table commerceml.sessions (
  id              uuid primary key default gen_random_uuid(),
  integration_id  uuid not null references commerceml.integrations (id) on delete cascade,
  cookie_hash     text not null unique,
  sessid_hash     text not null,
  client_address  text,
  created_at      timestamptz not null default now(),
  last_seen_at    timestamptz not null default now(),
  expires_at      timestamptz not null,
  revoked_at      timestamptz
);
create index sessions_integration_idx on commerceml.sessions (integration_id, created_at);
create index sessions_expires_idx on commerceml.sessions (expires_at);

-- Rule 1 and 8: every query answer is a batch, recorded before the answer leaves, and journaled for good.
create table commerceml.batches (
  id                  bigint generated always as identity primary key,
  integration_id      uuid not null references commerceml.integrations (id) on delete cascade,
  session_id          uuid not null references commerceml.sessions (id) on delete cascade,
  created_at          timestamptz not null default now(),
  query_started_at    timestamptz not null,
  -- Where the watermark may move when this batch is acknowledged (rule 4).
  watermark_candidate timestamptz,
  order_count         integer not null,
  byte_count          integer not null,
  content_type        text not null,
  document            bytea not null,
  acknowledged_at     timestamptz
);
create index batches_integration_idx on commerceml.batches (integration_id, id desc);
create index batches_session_idx on commerceml.batches (session_id, id desc);

create table commerceml.batch_items (
  batch_id      bigint not null references commerceml.batches (id) on delete cascade,
  order_id      uuid not null,
  order_number  text not null,
  fingerprint   text not null,
  changed_at    timestamptz not null,
  primary key (batch_id, order_id)
);
create index batch_items_order_idx on commerceml.batch_items (order_id, batch_id desc);

-- Per (integration, order): what 1C has acknowledged and what was last sent.
-- Tracked = acked_fingerprint is not null. Pending = in scope and current fingerprint <> acked_fingerprint.
create table commerceml.order_state (
  integration_id          uuid not null references commerceml.integrations (id) on delete cascade,
  order_id                uuid not null,
  order_number            text not null,
  acked_fingerprint       text,
  acked_batch_id          bigint,
  acked_at                timestamptz,
  last_sent_fingerprint   text,
  last_sent_batch_id      bigint,
  last_sent_at            timestamptz,
  -- Rule 7: consecutive serves without success; reset by an acknowledgement.
  unacked_serves          integer not null default 0,
  -- Set when the order was served alone and still not acknowledged: a poison order, alerted and isolated.
  isolated_at             timestamptz,
  -- Why the order cannot be sent (e.g. a number longer than 1C keeps); cleared when it can.
  last_error              text,
  last_error_at           timestamptz,
  -- An administrator's exclusion (journaled by the admin API); never set by the exchange itself.
  excluded_at             timestamptz,
  excluded_reason         text,
  primary key (integration_id, order_id)
);
-- Unsettled rows: sent but not acknowledged at the sent fingerprint, or cleared by a re-export.
create index order_state_unsettled_idx on commerceml.order_state (integration_id)
  where acked_fingerprint is null or acked_fingerprint is distinct from last_sent_fingerprint;

-- Files 1C uploads (mode=file): stored raw, chunk by chunk, before anything parses them (PROTOCOL.md §8).
create table commerceml.uploads (
  id              uuid primary key default gen_random_uuid(),
  integration_id  uuid not null references commerceml.integrations (id) on delete cascade,
  session_id      uuid not null references commerceml.sessions (id) on delete cascade,
  filename        text not null,
  byte_count      bigint not null default 0,
  chunk_count     integer not null default 0,
  sha256          text,
  received_at     timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  status          text not null default 'receiving' check (status in ('receiving', 'stored', 'imported', 'failed')),
  imported_at     timestamptz,
  outcome         jsonb,
  unique (session_id, filename)
);
create index uploads_integration_idx on commerceml.uploads (integration_id, received_at desc);

create table commerceml.upload_chunks (
  upload_id  uuid not null references commerceml.uploads (id) on delete cascade,
  seq        integer not null,
  data       bytea not null,
  primary key (upload_id, seq)
);
