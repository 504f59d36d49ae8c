-- Search: each searchable table keeps a document column (see src/search/text.hpp: every field as
-- U+0002 U+0002 value U+0003, lower-case, phone numbers as digits), written by the statements
-- that write the row, and indexed for substring, prefix and exact matches: SQLite's FTS5 trigram
-- tokenizer (external content, kept in step by triggers) and PostgreSQL's pg_trgm.
-- Merged and erased customers have an empty document, so they are never found.
ALTER TABLE customers ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- The list's filters read these in id order (city_key = the case-folded city).
CREATE INDEX customers_city ON customers (city_key);
CREATE INDEX customers_type ON customers (type);

-- backend: sqlite
UPDATE customers SET search_text = rtrim(
    CASE WHEN trim(name) <> '' THEN char(2, 2) || lower(trim(name)) || char(3) || ' ' ELSE '' END ||
    CASE WHEN email_normalized IS NOT NULL THEN char(2, 2) || email_normalized || char(3) || ' ' ELSE '' END ||
    CASE WHEN phone_normalized IS NOT NULL THEN char(2, 2) || phone_normalized || char(3) || ' ' ELSE '' END ||
    CASE WHEN trim(company) <> '' THEN char(2, 2) || lower(trim(company)) || char(3) || ' ' ELSE '' END ||
    CASE WHEN external_id IS NOT NULL THEN char(2, 2) || lower(external_id) || char(3) || ' ' ELSE '' END ||
    coalesce((SELECT group_concat(char(2, 2) || lower(tag) || char(3), ' ')
              FROM customer_tags t WHERE t.customer_id = customers.id), ''))
  WHERE merged_into IS NULL AND erased_at IS NULL;

CREATE VIRTUAL TABLE customers_search USING fts5(
  search_text, content = 'customers', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO customers_search (customers_search) VALUES ('rebuild');

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers WHEN new.search_text <> '' BEGIN
  INSERT INTO customers_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers
  WHEN old.search_text IS NOT new.search_text BEGIN
  INSERT INTO customers_search (customers_search, rowid, search_text)
    SELECT 'delete', old.id, old.search_text WHERE old.search_text <> '';
  INSERT INTO customers_search (rowid, search_text)
    SELECT new.id, new.search_text WHERE new.search_text <> '';
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers WHEN old.search_text <> '' BEGIN
  INSERT INTO customers_search (customers_search, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;

-- backend: postgresql
UPDATE customers SET search_text = rtrim(
    CASE WHEN trim(name) <> '' THEN chr(2) || chr(2) || lower(trim(name)) || chr(3) || ' ' ELSE '' END ||
    CASE WHEN email_normalized IS NOT NULL THEN chr(2) || chr(2) || email_normalized || chr(3) || ' ' ELSE '' END ||
    CASE WHEN phone_normalized IS NOT NULL THEN chr(2) || chr(2) || phone_normalized || chr(3) || ' ' ELSE '' END ||
    CASE WHEN trim(company) <> '' THEN chr(2) || chr(2) || lower(trim(company)) || chr(3) || ' ' ELSE '' END ||
    CASE WHEN external_id IS NOT NULL THEN chr(2) || chr(2) || lower(external_id) || chr(3) || ' ' ELSE '' END ||
    coalesce((SELECT string_agg(chr(2) || chr(2) || lower(tag) || chr(3), ' ')
              FROM customer_tags t WHERE t.customer_id = customers.id), ''))
  WHERE merged_into IS NULL AND erased_at IS NULL;

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops);
