-- 0009: the change time of the acknowledged version of each order, kept in its state. A re-export "from a date"
-- (../shared/design/EXPORT-SEMANTICS.md rule 6) clears what 1C acknowledged for every order changed since that date;
-- it found those orders through batch_items, which retention (rule 11) now prunes, so a date further back than
-- RETENTION_JOURNAL would have missed orders. The state is never pruned: it answers the question itself.
alter table commerceml.order_state add column acked_changed_at timestamptz;

-- Filled from the journal as it stands: the item of the batch each state names as acknowledged.
update commerceml.order_state s
   set acked_changed_at = bi.changed_at
  from commerceml.batch_items bi
 where bi.batch_id = s.acked_batch_id
   and bi.order_id = s.order_id;
