-- PostgreSQL: the customers' search documents in a narrow side table. A search's ranks read the
-- customers in id order until a page is full when the needle is common (q=wang: 6,874 rows read
-- for 50 at a million customers), checking the document of each. The document is the last of
-- the table's 38 columns, after a dozen of variable length, so each row read cost the walk of
-- the row to its end, in pages holding 20 customers: 3.5 ms for that page. customers_documents
-- holds the id and the document alone (126 MiB next to the table's 390 MiB at a million), and
-- the same walk over it costs 1.4 ms; the page's 50 customers are then read by id. The trigram
-- and fields indexes (0016, 0022, 0053) move to it under their names, over the same
-- expressions, and triggers keep it in the transaction of every customer write, as 0048 does
-- for the community's posts. It holds live customers only: a merge or an erasure removes the
-- document, so that a search never reads a customer it cannot show. Whether a rank walks the
-- documents or reads the index is chosen per query (src/search/index.hpp: Shape), not by the
-- planner's estimate. SQLite keeps its FTS5 index (external content).
-- backend: postgresql
CREATE TABLE customers_documents (
  id BIGINT PRIMARY KEY,
  doc TEXT NOT NULL
);
INSERT INTO customers_documents (id, doc)
  SELECT id, search_text FROM customers WHERE merged_into IS NULL AND erased_at IS NULL ORDER BY id;
DROP INDEX customers_search;
DROP INDEX customers_search_fields;
CREATE INDEX customers_search ON customers_documents
  USING gin (search_trigram_text(doc) gin_trgm_ops);
CREATE INDEX customers_search_fields ON customers_documents USING gin (search_fields(doc));
-- No statistics for the trigram index's expression: a search's statements read it in a shape
-- the application chooses, which leaves the planner nothing to weigh, and estimating a LIKE
-- pattern over a thousand-entry histogram cost 0.5-0.9 ms of planning per statement.
ALTER INDEX customers_search ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX customers_search_fields ALTER COLUMN 1 SET STATISTICS 1000;
CREATE FUNCTION customers_documents_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM customers_documents WHERE id = OLD.id;
  ELSIF NEW.merged_into IS NOT NULL OR NEW.erased_at IS NOT NULL THEN
    DELETE FROM customers_documents WHERE id = NEW.id;
  ELSE
    INSERT INTO customers_documents (id, doc) VALUES (NEW.id, NEW.search_text)
      ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER customers_documents_insert AFTER INSERT ON customers
  FOR EACH ROW EXECUTE FUNCTION customers_documents_sync();
CREATE TRIGGER customers_documents_update AFTER UPDATE OF search_text, merged_into, erased_at
  ON customers FOR EACH ROW
  WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text
        OR OLD.merged_into IS DISTINCT FROM NEW.merged_into
        OR OLD.erased_at IS DISTINCT FROM NEW.erased_at)
  EXECUTE FUNCTION customers_documents_sync();
CREATE TRIGGER customers_documents_delete AFTER DELETE ON customers
  FOR EACH ROW EXECUTE FUNCTION customers_documents_sync();
ANALYZE customers_documents;
