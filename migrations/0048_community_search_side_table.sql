-- Community search on PostgreSQL reads the posts' tsvectors from a narrow side table (search/
-- fulltext.hpp): one row per searchable post (id, seq: the same id, the tsvector), its GIN index
-- and a BRIN index over seq, kept by triggers in the transaction of every post write. The wide
-- posts table's stored tsvector and its GIN index go: a page's matches cost a visit each of the
-- table they are read from (bench/community/README.md). SQLite keeps its FTS5 table.
-- backend: postgresql
-- The GIN index over the posts' stored tsvector had the side table's name.
DROP INDEX community_posts_words;
CREATE TABLE community_posts_words (
  id BIGINT PRIMARY KEY,
  seq BIGINT NOT NULL,
  words_tsv tsvector NOT NULL
);
INSERT INTO community_posts_words (id, seq, words_tsv)
  SELECT id, id, words_tsv FROM community_posts WHERE words <> '' ORDER BY id;
ALTER TABLE community_posts DROP COLUMN words_tsv;
CREATE INDEX community_posts_words_tsv ON community_posts_words USING gin (words_tsv);
CREATE INDEX community_posts_words_seq ON community_posts_words
  USING brin (seq) WITH (pages_per_range = 16);
CREATE FUNCTION community_posts_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN DELETE FROM community_posts_words WHERE id = OLD.id; END IF;
  IF TG_OP <> 'DELETE' AND NEW.words <> '' THEN
    INSERT INTO community_posts_words (id, seq, words_tsv)
      VALUES (NEW.id, NEW.id, to_tsvector('simple', NEW.words));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER community_posts_words_insert AFTER INSERT ON community_posts
  FOR EACH ROW EXECUTE FUNCTION community_posts_words_sync();
CREATE TRIGGER community_posts_words_update AFTER UPDATE OF words ON community_posts
  FOR EACH ROW WHEN (OLD.words IS DISTINCT FROM NEW.words)
  EXECUTE FUNCTION community_posts_words_sync();
CREATE TRIGGER community_posts_words_delete AFTER DELETE ON community_posts
  FOR EACH ROW EXECUTE FUNCTION community_posts_words_sync();
