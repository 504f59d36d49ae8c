-- Most messages have no dedupe key (a campaign's never have one): the unique index on it holds
-- only the messages that have one, so that queueing a campaign to a million customers does not
-- write a million index entries of nothing. Inserts name the index's condition in ON CONFLICT.
DROP INDEX messages_dedupe;
CREATE UNIQUE INDEX messages_dedupe ON messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
