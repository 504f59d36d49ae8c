-- PostgreSQL: field starts in the trigram indexes. pg_trgm makes its trigrams of letters and
-- digits only, so the documents' U+0002 marker (src/search/text.hpp) was left out of them: "a
-- field starting with wang" (U+0002 wang) was answered by the trigrams of the word "wang" and a
-- recheck of every row holding a word that starts with it, to find none (q=wang's prefix rank:
-- 4,349 customers rechecked at a million). search_trigram_text() writes the marker as the letter
-- ǂ (U+01C2, chr(450)), which pg_trgm keeps as part of a word, so that "ǂwang" has trigrams of
-- its own; the trigram indexes are rebuilt over it, and the queries (src/search/index.cpp) use
-- the same expression to be answered by them. A ǂ of a text's own is indexed as it is: the
-- queries decide on the document itself, the trigram text only narrows the rows to check, so it
-- never passes for a field start.
-- The planner estimates how many rows contain a needle from the statistics ANALYZE keeps of each
-- index's expression: with the default 101 histogram entries, a word in one document of a
-- hundred is estimated at 0.01% or 1%, by the luck of the sample, and that decides between
-- reading the matches by the index and walking the table in id order; a thousand make the
-- estimate close (ANALYZE then samples 300,000 rows of customers and orders, not 30,000).
-- The exact rank's field index (0016) and SQLite's FTS5, which sees the markers, are unchanged.

-- backend: postgresql
CREATE FUNCTION search_trigram_text(document text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN replace(document, chr(2), chr(450));

DROP INDEX customers_search;
CREATE INDEX customers_search ON customers
  USING gin (search_trigram_text(search_text) gin_trgm_ops);
DROP INDEX orders_search;
CREATE INDEX orders_search ON orders
  USING gin (search_trigram_text((search_text || ' ') || search_customer) gin_trgm_ops);
DROP INDEX products_search;
CREATE INDEX products_search ON products
  USING gin (search_trigram_text((search_text || ' ') || search_category) gin_trgm_ops);
ALTER INDEX customers_search ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX orders_search ALTER COLUMN 1 SET STATISTICS 1000;
