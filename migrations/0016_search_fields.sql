-- PostgreSQL: exact matches from an index. pg_trgm ignores the documents' U+0002/U+0003 markers,
-- so "the whole field is 'wang'" was answered by the trigrams of the word "wang" and a recheck of
-- every row holding that word anywhere (a common name: thousands of rows read to find none).
-- search_fields() splits a document (text.hpp: U+0002 U+0002 field U+0003, separated by spaces;
-- an order's two columns joined by a space) into its fields, and a GIN index over that array
-- answers the exact rank with `search_fields(document) && ARRAY[…]`, reading only the rows that
-- have such a field. SQLite's FTS5 finds the markers themselves and needs none of this.

-- backend: postgresql
CREATE FUNCTION search_fields(document text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN string_to_array(
    btrim(replace(document, chr(3) || ' ' || chr(2) || chr(2), chr(3)), ' ' || chr(2) || chr(3)),
    chr(3));
CREATE INDEX customers_search_fields ON customers USING gin (search_fields(search_text));
CREATE INDEX orders_search_fields ON orders
  USING gin (search_fields((search_text || ' ') || search_customer));
CREATE INDEX products_search_fields ON products
  USING gin (search_fields((search_text || ' ') || search_category));
