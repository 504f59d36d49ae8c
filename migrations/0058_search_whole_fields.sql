-- SQLite: an index of whole fields next to each trigram index, as PostgreSQL has search_fields()
-- (0016). The trigram index answers "a field equal to q" with the phrase START q END, which reads
-- the lists of all its trigrams: when no field equals q, to their end. The search box's exact
-- rank over the orders for phone digits read 4,058,668 orders' lists for nothing (15 ms at a
-- million customers), and a phone number's field-start phrase cost 1.5 ms for 4 rows, the
-- trigram "START 13" alone being in 69,954 customers' documents.
-- Here each field of the document is one term: its bytes in hexadecimal (the ascii tokenizer then
-- keeps every field whole, whatever it holds), so that
--   exact   a field equal to q          the term hex(q)             one term's list
--   prefix  a field starting with q     the terms starting hex(q)   a range of terms
-- The tables are contentless (the terms are derived, nothing to read back), detail=none (no
-- positions), and kept in step by the same triggers' conditions as the trigram indexes, deferred
-- with them by bulk writers (search_deferrals names the trigram index). A document
-- START START f1 END ' ' START START f2 END has the hexadecimal 0202 hex(f1) 03 20 0202 hex(f2) 03:
-- the fields' terms are that text without its first 4 and last 2 digits, '03200202' made a space
-- (a marker cannot start at an odd digit: 0x32 0x00 … would hold a NUL, which text cannot).
-- The *_terms tables list the terms (fts5vocab) for search::Reading's look at a prefix's breadth.
-- backend: sqlite
CREATE VIRTUAL TABLE customers_fields USING fts5(
  fields, content = '', detail = none, columnsize = 0, tokenize = 'ascii');
CREATE VIRTUAL TABLE customers_fields_terms USING fts5vocab(customers_fields, row);
INSERT INTO customers_fields (customers_fields, rank) VALUES ('hashsize', 16777216);
INSERT INTO customers_fields (rowid, fields)
  SELECT id, replace(substr(hex(search_text), 5, 2 * length(CAST(search_text AS BLOB)) - 6), '03200202', ' ')
  FROM customers ORDER BY id;

CREATE TRIGGER customers_fields_insert AFTER INSERT ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'customers_search') BEGIN
  INSERT INTO customers_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER customers_fields_update AFTER UPDATE OF search_text ON customers
  WHEN old.search_text IS NOT new.search_text
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_fields (customers_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' '));
  INSERT INTO customers_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER customers_fields_delete AFTER DELETE ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_fields (customers_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' '));
END;

CREATE VIRTUAL TABLE orders_fields USING fts5(
  fields, content = '', detail = none, columnsize = 0, tokenize = 'ascii');
CREATE VIRTUAL TABLE orders_fields_terms USING fts5vocab(orders_fields, row);
INSERT INTO orders_fields (orders_fields, rank) VALUES ('hashsize', 16777216);
INSERT INTO orders_fields (rowid, fields)
  SELECT id,
    replace(substr(hex(search_text), 5, 2 * length(CAST(search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(search_customer), 5, 2 * length(CAST(search_customer AS BLOB)) - 6), '03200202', ' ')
  FROM orders ORDER BY id;

CREATE TRIGGER orders_fields_insert AFTER INSERT ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'orders_search') BEGIN
  INSERT INTO orders_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(new.search_customer), 5, 2 * length(CAST(new.search_customer AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER orders_fields_update AFTER UPDATE OF search_text, search_customer ON orders
  WHEN (old.search_text IS NOT new.search_text OR old.search_customer IS NOT new.search_customer)
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_fields (orders_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(old.search_customer), 5, 2 * length(CAST(old.search_customer AS BLOB)) - 6), '03200202', ' '));
  INSERT INTO orders_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(new.search_customer), 5, 2 * length(CAST(new.search_customer AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER orders_fields_delete AFTER DELETE ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_fields (orders_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(old.search_customer), 5, 2 * length(CAST(old.search_customer AS BLOB)) - 6), '03200202', ' '));
END;

CREATE VIRTUAL TABLE products_fields USING fts5(
  fields, content = '', detail = none, columnsize = 0, tokenize = 'ascii');
CREATE VIRTUAL TABLE products_fields_terms USING fts5vocab(products_fields, row);
INSERT INTO products_fields (rowid, fields)
  SELECT id,
    replace(substr(hex(search_text), 5, 2 * length(CAST(search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(search_category), 5, 2 * length(CAST(search_category AS BLOB)) - 6), '03200202', ' ')
  FROM products ORDER BY id;

CREATE TRIGGER products_fields_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(new.search_category), 5, 2 * length(CAST(new.search_category AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER products_fields_update AFTER UPDATE OF search_text, search_category ON products
  WHEN old.search_text IS NOT new.search_text OR old.search_category IS NOT new.search_category BEGIN
  INSERT INTO products_fields (products_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(old.search_category), 5, 2 * length(CAST(old.search_category AS BLOB)) - 6), '03200202', ' '));
  INSERT INTO products_fields (rowid, fields) VALUES (new.id,
    replace(substr(hex(new.search_text), 5, 2 * length(CAST(new.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(new.search_category), 5, 2 * length(CAST(new.search_category AS BLOB)) - 6), '03200202', ' '));
END;
CREATE TRIGGER products_fields_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_fields (products_fields, rowid, fields) VALUES ('delete', old.id,
    replace(substr(hex(old.search_text), 5, 2 * length(CAST(old.search_text AS BLOB)) - 6), '03200202', ' ') || ' ' ||
    replace(substr(hex(old.search_category), 5, 2 * length(CAST(old.search_category AS BLOB)) - 6), '03200202', ' '));
END;
