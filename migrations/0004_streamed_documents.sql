-- Issue 7: a `query` answer is no longer held in memory and stored as one value. Each order's fragment is encoded
-- and written to its batch item while the scan runs, and the answer is streamed from the database as
-- document_head || fragments in `position` order || document_tail, with Content-Length = byte_count.
--
-- Batches journaled before this migration keep their exact bytes: the whole old document becomes the head, the tail
-- is empty, and their items carry no fragment.
alter table commerceml.batches
  add column document_head bytea,
  add column document_tail bytea;
update commerceml.batches set document_head = document, document_tail = ''::bytea;
alter table commerceml.batches
  alter column document_head set not null,
  alter column document_tail set not null,
  drop column document;

alter table commerceml.batch_items
  add column position integer,
  add column fragment bytea;
update commerceml.batch_items bi
   set position = numbered.n
  from (select batch_id, order_id,
               (row_number() over (partition by batch_id order by changed_at, order_id))::integer - 1 as n
          from commerceml.batch_items) numbered
 where numbered.batch_id = bi.batch_id and numbered.order_id = bi.order_id;
alter table commerceml.batch_items alter column position set not null;
create unique index batch_items_position_idx on commerceml.batch_items (batch_id, position);

-- A 50,000-order document is ~400 MB of fragments written in one query's transaction. Compressing them with pglz,
-- the default, is most of that insert's cost (10,000 fragments of 9.6 kB: 1.0 s with pglz, 0.2 s with lz4, for a
-- similar size). Servers built without lz4 (the embedded PGlite) keep pglz.
do $$
begin
  alter table commerceml.batch_items alter column fragment set compression lz4;
exception when feature_not_supported then
  raise notice 'lz4 is not available: batch fragments keep the default compression';
end
$$;
