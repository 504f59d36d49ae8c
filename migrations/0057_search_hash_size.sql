-- SQLite: each FTS5 index keeps up to 16 MiB of new terms in memory before writing them as a
-- segment (FTS5's default is 1 MiB). A bulk writer indexes a batch with one statement
-- (search::flush_deferred): with 1 MiB, an import batch of 10,000 customers became about ten
-- segments, which FTS5 then merged in the same transactions; with 16 MiB it is one. Indexing
-- 100,000 customers' documents in batches of 10,000 took 1.39 s before, 1.19 s after (SQLite
-- shell, bench/search/README.md). Writes of a row or a few hold far less than 1 MiB, so they are
-- unchanged; the memory is only taken while a bulk statement runs.
-- backend: sqlite
INSERT INTO customers_search (customers_search, rank) VALUES ('hashsize', 16777216);
INSERT INTO orders_search (orders_search, rank) VALUES ('hashsize', 16777216);
INSERT INTO products_search (products_search, rank) VALUES ('hashsize', 16777216);
INSERT INTO community_posts_fts (community_posts_fts, rank) VALUES ('hashsize', 16777216);
