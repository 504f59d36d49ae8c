-- Inbound service mail: the files that came with a message, and every mail taken in (so the same
-- Message-ID piped twice, by a retrying MTA or a re-polled mailbox, records one interaction).
--
-- Attachment bytes are stored as base64 text: both backends bind and read text the same way
-- (storage/database.hpp has no byte parameter), PostgreSQL TEXT cannot hold a NUL byte, and
-- the size limit of inbound mail (10 MiB a file, 25 MiB a message) keeps the third more small.
CREATE TABLE service_attachments (
  id INTEGER PRIMARY KEY,
  interaction_id BIGINT NOT NULL REFERENCES interactions (id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,          -- decoded
  sha256 TEXT NOT NULL,                -- of the decoded bytes
  content_base64 TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX service_attachments_interaction ON service_attachments (interaction_id, id);

-- One row per inbound mail given to tickets: keyed by its Message-ID (or, without one, "sha256:"
-- and the digest of the raw message).
CREATE TABLE service_inbound_mail (
  message_key TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,               -- ticket_opened | ticket_reply
  ticket_id BIGINT,
  interaction_id BIGINT,
  from_address TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
