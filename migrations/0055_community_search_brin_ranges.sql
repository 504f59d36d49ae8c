-- Community search on PostgreSQL: the side table's BRIN index over seq (migration 0048) with
-- ranges of 4 pages instead of 16. When a search intersects it with the GIN index, PostgreSQL
-- takes the cheaper index first; the larger BRIN index now costs more than the GIN index of a
-- query rare enough to be read by a range, so the GIN matches come first and the intersection is
-- exact: only the matches are rechecked, not every row of the range (bench/community/README.md).
-- backend: postgresql
DROP INDEX community_posts_words_seq;
CREATE INDEX community_posts_words_seq ON community_posts_words
  USING brin (seq) WITH (pages_per_range = 4);
