-- Bulk writers (the customer import, the demo shop) may defer an FTS5 index to the end of their
-- transaction: FTS5 writes its pending terms to disk at the end of every statement, so an index
-- written row by row by its triggers becomes one segment per row, which then has to be merged
-- (an import of 100,000 customers 2.4 times slower than without the index). While a row of
-- search_deferrals names an index, its triggers leave the rows with ids above after_id alone, and
-- the writer adds those rows to the index with one statement before it commits
-- (search::flush_deferred). The row lives only inside the writer's transaction: other connections
-- never see it, and a rollback removes it with the rows it deferred.
-- PostgreSQL's GIN indexes batch their own writes (fastupdate), so there it stays empty.
CREATE TABLE search_deferrals (
  index_name TEXT PRIMARY KEY,
  after_id   BIGINT NOT NULL
);

-- backend: sqlite
DROP TRIGGER customers_search_insert;
DROP TRIGGER customers_search_update;
DROP TRIGGER customers_search_delete;
-- Every customer has an entry, an empty one for the merged and erased (whose document is empty),
-- so that the index and the table hold the same rows (FTS5's integrity-check compares them).
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'customers_search') BEGIN
  INSERT INTO customers_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers
  WHEN old.search_text IS NOT new.search_text
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_search (customers_search, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
  INSERT INTO customers_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_search (customers_search, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;
-- Until now the merged and erased had no entry: give them their empty one.
INSERT INTO customers_search (rowid, search_text)
  SELECT id, search_text FROM customers WHERE search_text = '';

DROP TRIGGER orders_search_insert;
DROP TRIGGER orders_search_update;
DROP TRIGGER orders_search_delete;
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'orders_search') BEGIN
  INSERT INTO orders_search (rowid, search_text, search_customer)
    VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_search_update AFTER UPDATE OF search_text, search_customer ON orders
  WHEN (old.search_text IS NOT new.search_text OR old.search_customer IS NOT new.search_customer)
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_search (orders_search, rowid, search_text, search_customer)
    VALUES ('delete', old.id, old.search_text, old.search_customer);
  INSERT INTO orders_search (rowid, search_text, search_customer)
    VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_search (orders_search, rowid, search_text, search_customer)
    VALUES ('delete', old.id, old.search_text, old.search_customer);
END;
