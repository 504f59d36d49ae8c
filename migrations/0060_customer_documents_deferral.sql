-- PostgreSQL: a bulk write of customers (an import's batch, the demo's) leaves their documents
-- to one statement at the end of its transaction, as SQLite's FTS5 index does (0015). Row by
-- row, the trigger's function, its upsert and the GIN indexes' entries made an import of 100,000
-- customers into an empty shop 1.38 times as long as without the index (69.4 s against 50.3 s);
-- with one INSERT ... SELECT of each batch's documents, 1.12 to 1.25 times in three runs.
-- search::defer_index sets ecrm.customers_documents_after, local to the transaction, to the
-- largest id the table had; the insert trigger leaves customers with larger ids alone, and
-- search::flush_deferred writes the documents of the live ones that have none (this
-- transaction's) and clears the setting. Other transactions do not see the setting, so their
-- customers are written as before, and a committed customer of theirs has its document already.
-- Updates, merges, erasures and deletions are not deferred: an update of a deferred customer
-- writes its document then, and the flush leaves it alone.
-- backend: postgresql
DROP TRIGGER customers_documents_insert ON customers;
CREATE TRIGGER customers_documents_insert AFTER INSERT ON customers
  FOR EACH ROW
  WHEN (NEW.id <= coalesce(nullif(current_setting('ecrm.customers_documents_after', true), '')::bigint,
                           9223372036854775807))
  EXECUTE FUNCTION customers_documents_sync();
