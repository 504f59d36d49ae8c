-- Live chat: one row per conversation between a visitor and the shop's agents. The messages
-- live in memory while the conversation is open; when it ends its transcript becomes an
-- interaction (channel chat) on the customer's record, and a message left while nobody could
-- answer becomes a ticket. Times are unix milliseconds.
CREATE TABLE chat_conversations (
  id INTEGER PRIMARY KEY,
  anonymous_id TEXT NOT NULL,          -- the snippet's visitor id
  customer_id BIGINT,                  -- when the visitor was known
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  agent_id BIGINT REFERENCES users(id),  -- the agent who held it last
  message_count INTEGER NOT NULL DEFAULT 0,
  interaction_id BIGINT REFERENCES interactions(id),
  ticket_id BIGINT REFERENCES tickets(id)
);
CREATE INDEX chat_conversations_customer ON chat_conversations (customer_id);
