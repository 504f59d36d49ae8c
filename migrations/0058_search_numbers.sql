-- SQLite: an index of the fields that start with a digit (phone numbers, numeric ids and e-mail
-- names), next to each trigram index, for the queries staff type most as digits. The trigram
-- index answers "a field equal to 13912" with the phrase START 13912 END and "a field starting
-- with it" with START 13912, which read the lists of all their trigrams, to their end when few
-- rows match: the search box's exact rank over the orders for 13912 read 4,058,668 orders' lists
-- for nothing (15 ms at a million customers), and the field-start phrase cost 1.5 ms for 4
-- customers, the trigram "START 13" alone being in 69,954 customers' documents.
-- Here the tokenizer keeps digits and control characters (the markers) and splits at everything
-- else, so that a field of digits START START 8613912345678 END is one term, a field starting
-- with digits START START 13912-b END gives the term START START 13912, and no other field gives
-- a term starting with START START and a digit (their digit runs give terms without the markers,
-- which no query asks for). A query of digits q then reads
--   exact   a field equal to q          the term START START q END    one term's list
--   prefix  a field starting with q     the terms starting START START q   a range of terms
-- search::Reading says when (src/search/index.hpp). External content like the trigram indexes,
-- detail=none (no positions), kept in step by triggers with the trigram indexes' conditions,
-- deferred with them by bulk writers (search_deferrals names the trigram index); the *_terms
-- tables list the terms (fts5vocab) for the breadth of a prefix. Indexing 100,000 customers'
-- documents: 0.51 s, against 1.07 s for the trigram index and 1.00 s for an index of every
-- field (each field's bytes in hexadecimal as one term), which made the customer import 1.29 to
-- 1.37 times as slow as without the indexes.
-- backend: sqlite
CREATE VIRTUAL TABLE customers_numbers USING fts5(
  search_text, content = 'customers', content_rowid = 'id', detail = none, columnsize = 0,
  tokenize = "unicode61 categories 'Nd Cc'");
CREATE VIRTUAL TABLE customers_numbers_terms USING fts5vocab(customers_numbers, row);
INSERT INTO customers_numbers (customers_numbers, rank) VALUES ('hashsize', 16777216);
INSERT INTO customers_numbers (customers_numbers) VALUES ('rebuild');
CREATE TRIGGER customers_numbers_insert AFTER INSERT ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'customers_search') BEGIN
  INSERT INTO customers_numbers (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_numbers_update AFTER UPDATE OF search_text ON customers
  WHEN old.search_text IS NOT new.search_text
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_numbers (customers_numbers, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO customers_numbers (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_numbers_delete AFTER DELETE ON customers
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'customers_search' AND after_id < old.id) BEGIN
  INSERT INTO customers_numbers (customers_numbers, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE VIRTUAL TABLE orders_numbers USING fts5(
  search_text, search_customer, content = 'orders', content_rowid = 'id', detail = none, columnsize = 0,
  tokenize = "unicode61 categories 'Nd Cc'");
CREATE VIRTUAL TABLE orders_numbers_terms USING fts5vocab(orders_numbers, row);
INSERT INTO orders_numbers (orders_numbers, rank) VALUES ('hashsize', 16777216);
INSERT INTO orders_numbers (orders_numbers) VALUES ('rebuild');
CREATE TRIGGER orders_numbers_insert AFTER INSERT ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'orders_search') BEGIN
  INSERT INTO orders_numbers (rowid, search_text, search_customer) VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_numbers_update AFTER UPDATE OF search_text, search_customer ON orders
  WHEN (old.search_text IS NOT new.search_text OR old.search_customer IS NOT new.search_customer)
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_numbers (orders_numbers, rowid, search_text, search_customer) VALUES ('delete', old.id, old.search_text, old.search_customer);
  INSERT INTO orders_numbers (rowid, search_text, search_customer) VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_numbers_delete AFTER DELETE ON orders
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'orders_search' AND after_id < old.id) BEGIN
  INSERT INTO orders_numbers (orders_numbers, rowid, search_text, search_customer) VALUES ('delete', old.id, old.search_text, old.search_customer);
END;

CREATE VIRTUAL TABLE products_numbers USING fts5(
  search_text, search_category, content = 'products', content_rowid = 'id', detail = none, columnsize = 0,
  tokenize = "unicode61 categories 'Nd Cc'");
CREATE VIRTUAL TABLE products_numbers_terms USING fts5vocab(products_numbers, row);
INSERT INTO products_numbers (products_numbers) VALUES ('rebuild');
CREATE TRIGGER products_numbers_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_numbers (rowid, search_text, search_category) VALUES (new.id, new.search_text, new.search_category);
END;
CREATE TRIGGER products_numbers_update AFTER UPDATE OF search_text, search_category ON products
  WHEN (old.search_text IS NOT new.search_text OR old.search_category IS NOT new.search_category) BEGIN
  INSERT INTO products_numbers (products_numbers, rowid, search_text, search_category) VALUES ('delete', old.id, old.search_text, old.search_category);
  INSERT INTO products_numbers (rowid, search_text, search_category) VALUES (new.id, new.search_text, new.search_category);
END;
CREATE TRIGGER products_numbers_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_numbers (products_numbers, rowid, search_text, search_category) VALUES ('delete', old.id, old.search_text, old.search_category);
END;
