-- 0005: what 1C sends back (issue 8; ../shared/commerceml/PROTOCOL.md §8). A stored upload is parsed into one row
-- per Документ (upload_documents) while the file is read; once the whole file has been read without an XML error,
-- the documents matched to orders of the integration's company are applied in one transaction as 1C's facts about
-- those orders (order_reports). A file that turns out not to be CommerceML leaves no facts and no documents behind.
-- The export never reads these tables: an upload cannot change a fingerprint or make an order pending
-- (PROTOCOL.md §7.2 rule 8, "No echo").
-- (0004 is reserved for another change; migrations run sorted by name.)

-- The import of one upload: which process works on it (a lease, so two replicas polling the same file never both
-- parse it, and a crashed one is taken over once its lease runs out), how far it got, and its outcome.
create table commerceml.upload_imports (
  upload_id     uuid primary key references commerceml.uploads (id) on delete cascade,
  status        text not null check (status in ('running', 'done', 'failed')),
  lease_owner   text,
  lease_until   timestamptz,
  -- 1 for the first run; a takeover after a crash adds one.
  attempts      integer not null default 1,
  bytes_read    bigint not null default 0,
  documents     integer not null default 0,
  matched       integer not null default 0,
  unmatched     integer not null default 0,
  errors        integer not null default 0,
  -- Why the file could not be imported (status 'failed'): not XML, not CommerceML, an unsupported encoding.
  error         text,
  started_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  finished_at   timestamptz
);

-- Every Документ of an upload in file order, and what became of it: matched to an order of the integration's
-- company, unmatched (recorded, never applied), or an error (no Ид and no Номер, not an order). A re-run after a
-- crash writes the same rows again (the stored file never changes), so inserts skip rows already there.
create table commerceml.upload_documents (
  upload_id           uuid not null references commerceml.uploads (id) on delete cascade,
  doc_index           integer not null check (doc_index >= 1),
  integration_id      uuid not null references commerceml.integrations (id) on delete cascade,
  status              text not null check (status in ('matched', 'unmatched', 'error')),
  order_id            uuid,
  matched_by          text check (matched_by in ('id', 'number')),
  -- Why unmatched or an error; for a matched document, the values that could not be read (kept raw in requisites).
  reason              text,
  -- The document's Ид (1C's own document UUID, PROTOCOL.md §8) and Номер (our order number), trimmed.
  onec_id             text,
  onec_number         text,
  number_1c           text,
  -- 1C's wall-clock date-times as written (normalised to YYYY-MM-DDTHH:MM:SS, no offset: 1C sends none).
  date_1c             text,
  posted              boolean,
  deletion_mark       boolean,
  cancelled           boolean,
  payment_number_1c   text,
  payment_date_1c     text,
  shipment_number_1c  text,
  shipment_date_1c    text,
  -- Every ЗначениеРеквизита of the document as {name: value}, trimmed.
  requisites          jsonb not null,
  -- sha256 of the facts above (not of where they came from): the same facts reported again change nothing.
  content_hash        text not null,
  primary key (upload_id, doc_index),
  check ((status = 'matched') = (order_id is not null))
);
create index upload_documents_order_idx on commerceml.upload_documents (integration_id, order_id)
  where order_id is not null;

-- What 1C last reported about an order of an integration. Replaced only by different facts from an upload received
-- no earlier (a portion re-sent late cannot roll a newer report back); the same facts again change nothing, so
-- reported_at stays the time 1C first reported them.
create table commerceml.order_reports (
  integration_id      uuid not null references commerceml.integrations (id) on delete cascade,
  order_id            uuid not null,
  onec_id             text,
  onec_number         text,
  number_1c           text,
  date_1c             text,
  posted              boolean,
  deletion_mark       boolean,
  cancelled           boolean,
  payment_number_1c   text,
  payment_date_1c     text,
  shipment_number_1c  text,
  shipment_date_1c    text,
  requisites          jsonb not null,
  content_hash        text not null,
  -- When the upload carrying these facts was received from 1C.
  reported_at         timestamptz not null,
  -- The upload and document they came from (the upload row may be gone; the facts stay).
  upload_id           uuid references commerceml.uploads (id) on delete set null,
  doc_index           integer not null,
  applied_at          timestamptz not null default now(),
  primary key (integration_id, order_id)
);
