-- PostgreSQL: a bulk write of customers (an import's batch, the demo's) leaves their documents
-- to one statement at the end of its transaction, as SQLite's FTS5 index does (0015). Row by
-- row, the trigger's function, its upsert and the GIN indexes' entries made an import of 100,000
-- customers into an empty shop 1.38 times as long as without the index (69.4 s against 50.3 s);
-- with one INSERT ... SELECT of each batch's documents, 1.12 times (55.1 s against 49.2 s).
-- search::defer_index sets ecrm.customers_documents_after, local to the transaction, to the
-- largest id the table had; the triggers below leave customers with larger ids alone, and
-- search::flush_deferred writes their documents and clears the setting. Other transactions do
-- not see the setting, so their customers (whose ids may lie above it) are written as before.
-- A deletion still removes the document at once: a deferred customer has none yet.
-- backend: postgresql
DROP TRIGGER customers_documents_insert ON customers;
DROP TRIGGER customers_documents_update ON customers;
CREATE TRIGGER customers_documents_insert AFTER INSERT ON customers
  FOR EACH ROW
  WHEN (NEW.id <= coalesce(nullif(current_setting('ecrm.customers_documents_after', true), '')::bigint,
                           9223372036854775807))
  EXECUTE FUNCTION customers_documents_sync();
CREATE TRIGGER customers_documents_update AFTER UPDATE OF search_text, merged_into, erased_at
  ON customers FOR EACH ROW
  WHEN ((OLD.search_text IS DISTINCT FROM NEW.search_text
         OR OLD.merged_into IS DISTINCT FROM NEW.merged_into
         OR OLD.erased_at IS DISTINCT FROM NEW.erased_at)
        AND NEW.id <= coalesce(nullif(current_setting('ecrm.customers_documents_after', true), '')::bigint,
                               9223372036854775807))
  EXECUTE FUNCTION customers_documents_sync();
