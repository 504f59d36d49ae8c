-- The customer community: boards per product category and per product, threads (question,
-- idea, defect report, discussion) whose posts are the opening post, answers and comments,
-- votes, accepted answers, members (a customer's display name, reputation, expert badge, ban),
-- follows, reports for moderation, links from posts to orders and products, and the knowledge
-- base articles staff make from answers. Post bodies are plain text; `words` is the search
-- document written with every insert and update of a post.

CREATE TABLE community_boards (
  id INTEGER PRIMARY KEY,
  category_id BIGINT REFERENCES categories (id),   -- a category's board, or
  product_id BIGINT REFERENCES products (id),      -- a product's board
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_boards_category ON community_boards (category_id);
CREATE UNIQUE INDEX community_boards_product ON community_boards (product_id);

-- A customer as the community knows them: created with their first post or profile change.
-- `reputation` is kept in the transaction of every vote and acceptance:
-- 10 per up vote received, -2 per down vote received, 15 per accepted answer.
CREATE TABLE community_members (
  customer_id BIGINT PRIMARY KEY REFERENCES customers (id),
  display_name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,       -- the display name folded, for @mentions
  reputation BIGINT NOT NULL DEFAULT 0,
  up_votes BIGINT NOT NULL DEFAULT 0,     -- received
  down_votes BIGINT NOT NULL DEFAULT 0,   -- received
  accepted_answers BIGINT NOT NULL DEFAULT 0,
  posts BIGINT NOT NULL DEFAULT 0,        -- written (any status)
  expert INTEGER NOT NULL DEFAULT 0,
  banned_until BIGINT,
  ban_reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

-- A thread. `status` mirrors its opening post's (visible | held | hidden | deleted).
CREATE TABLE community_threads (
  id INTEGER PRIMARY KEY,
  board_id BIGINT NOT NULL REFERENCES community_boards (id),
  kind TEXT NOT NULL,                  -- question | idea | defect | discussion
  title TEXT NOT NULL,
  author_customer_id BIGINT REFERENCES customers (id),
  author_user_id BIGINT REFERENCES users (id),
  status TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  locked INTEGER NOT NULL DEFAULT 0,
  opening_post_id BIGINT,             -- set once the opening post is written
  accepted_post_id BIGINT,
  answer_count BIGINT NOT NULL DEFAULT 0,  -- visible answers
  ticket_id BIGINT REFERENCES tickets (id), -- the ticket a defect report became
  created_at BIGINT NOT NULL,
  last_activity_at BIGINT NOT NULL
);
CREATE INDEX community_threads_board ON community_threads (board_id, status, id);
CREATE INDEX community_threads_pinned ON community_threads (board_id, pinned, id);

-- Posts: the opening post of a thread, its answers, and comments on either (parent_id).
-- visible | held (waiting for a moderator: a new account's links) | hidden (by a moderator,
-- with the reason) | deleted (by its author).
CREATE TABLE community_posts (
  id INTEGER PRIMARY KEY,
  thread_id BIGINT NOT NULL REFERENCES community_threads (id),
  kind TEXT NOT NULL,                  -- opening | answer | comment
  parent_id BIGINT REFERENCES community_posts (id),
  author_customer_id BIGINT REFERENCES customers (id),
  author_user_id BIGINT REFERENCES users (id),
  author_name TEXT NOT NULL DEFAULT '',    -- staff: the name shown with the staff badge
  body TEXT NOT NULL,
  words TEXT NOT NULL DEFAULT '',      -- the search document: title and body
  status TEXT NOT NULL,
  held_reason TEXT NOT NULL DEFAULT '',
  moderation_reason TEXT NOT NULL DEFAULT '',
  moderated_by TEXT NOT NULL DEFAULT '',
  moderated_at BIGINT,
  up_votes BIGINT NOT NULL DEFAULT 0,
  down_votes BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  edited_at BIGINT
);
CREATE INDEX community_posts_thread ON community_posts (thread_id, id);
CREATE INDEX community_posts_author ON community_posts (author_customer_id, created_at);
CREATE INDEX community_posts_status ON community_posts (status, id);

-- One vote per customer per post (+1 or -1); changing it replaces it.
CREATE TABLE community_votes (
  post_id BIGINT NOT NULL REFERENCES community_posts (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  value INTEGER NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (post_id, customer_id)
);

-- What a customer follows: a thread or a board (one of the two).
CREATE TABLE community_follows (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  thread_id BIGINT REFERENCES community_threads (id),
  board_id BIGINT REFERENCES community_boards (id),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_follows_thread ON community_follows (thread_id, customer_id);
CREATE UNIQUE INDEX community_follows_board ON community_follows (board_id, customer_id);
CREATE INDEX community_follows_customer ON community_follows (customer_id, id);

-- A customer's report of a post: open until a moderator hides the post (upheld) or restores
-- it (dismissed). One per post and reporter.
CREATE TABLE community_reports (
  id INTEGER PRIMARY KEY,
  post_id BIGINT NOT NULL REFERENCES community_posts (id),
  reporter_customer_id BIGINT NOT NULL REFERENCES customers (id),
  reason TEXT NOT NULL,
  status TEXT NOT NULL,                -- open | upheld | dismissed
  created_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolved_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX community_reports_reporter ON community_reports (post_id, reporter_customer_id);
CREATE INDEX community_reports_status ON community_reports (status, post_id);

-- A post's links to an order of its author's or to a product.
CREATE TABLE community_post_links (
  post_id BIGINT NOT NULL REFERENCES community_posts (id),
  kind TEXT NOT NULL,                  -- order | product
  target_id BIGINT NOT NULL,
  PRIMARY KEY (post_id, kind, target_id)
);

-- Knowledge base: articles staff write, or make from a staff answer (source_post_id, once).
CREATE TABLE kb_articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  product_id BIGINT REFERENCES products (id),
  category_id BIGINT REFERENCES categories (id),
  source_post_id BIGINT UNIQUE REFERENCES community_posts (id),
  published INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX kb_articles_published ON kb_articles (published, id);

-- Full-text search of threads and answers (search/fulltext.hpp): `words` indexed by FTS5 on
-- SQLite (kept in step by triggers) and by a GIN index over its stored tsvector on PostgreSQL.
-- backend: sqlite
CREATE VIRTUAL TABLE community_posts_fts USING fts5(
  words, content = 'community_posts', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER community_posts_fts_insert AFTER INSERT ON community_posts
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'community_posts_fts') BEGIN
  INSERT INTO community_posts_fts (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER community_posts_fts_update AFTER UPDATE OF words ON community_posts
  WHEN old.words IS NOT new.words
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'community_posts_fts' AND after_id < old.id) BEGIN
  INSERT INTO community_posts_fts (community_posts_fts, rowid, words)
    VALUES ('delete', old.id, old.words);
  INSERT INTO community_posts_fts (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER community_posts_fts_delete AFTER DELETE ON community_posts
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'community_posts_fts' AND after_id < old.id) BEGIN
  INSERT INTO community_posts_fts (community_posts_fts, rowid, words)
    VALUES ('delete', old.id, old.words);
END;

-- backend: postgresql
ALTER TABLE community_posts ADD COLUMN words_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED;
CREATE INDEX community_posts_words ON community_posts USING gin (words_tsv);
