-- The inbox's views read their first page from an index that holds their filter and their order,
-- on a shop of a million tickets as on a new one (bench/service/inbox.sh).
--
-- Unassigned (assignee_id IS NULL AND active = 1, newest first): tickets_assignee (assignee_id,
-- active, id) has the rows, but PostgreSQL does not take `IS NULL` as fixing the column for the
-- order, so it saw that index as unordered and walked the primary key backwards instead, through
-- every closed ticket newer than the 50th unassigned one. A partial index of the unassigned
-- tickets in the inbox, by id, is both: small (a few thousand entries) and in the view's order.
CREATE INDEX tickets_unassigned ON tickets (id) WHERE assignee_id IS NULL AND active = 1;

-- An agent's tickets of one status (the status and assignee filters together, newest first):
-- neither tickets_status (status, id) nor tickets_assignee (assignee_id, active, id) has both
-- columns before the id, so the list walked one status's tickets for the agent's share of them.
CREATE INDEX tickets_assignee_status ON tickets (assignee_id, status, id);
