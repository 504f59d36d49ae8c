-- Cross-process cache invalidation on SQLite (storage/invalidation.hpp): every write that other
-- processes keep in memory (a revoked API key, a signed-out session, a user's new role) adds a
-- row naming what to drop, in the writing transaction; each process reads the rows after the last
-- one it saw every 200 ms and drops those entries. Rows older than ten minutes are deleted by the
-- writers. PostgreSQL uses NOTIFY instead and needs no table (its section is a no-op: a
-- migration's script may not be empty).
-- backend: sqlite
CREATE TABLE cache_invalidations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message TEXT NOT NULL,
  at BIGINT NOT NULL
);
-- backend: postgresql
SELECT 1;
