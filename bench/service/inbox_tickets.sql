-- The inbox benchmark's tickets, written with one INSERT … SELECT on SQLite and PostgreSQL alike
-- (bench/service/inbox.sh replaces :TICKETS and :NOW, unix milliseconds, before running it).
--
-- Needs the demo shop's customers and a table bench_agents (k 0..19, user_id, team) of the
-- shop's agents. Ticket i (1 … :TICKETS) is created at an even step over the two years before
-- :NOW, so ids follow creation time as they do in a shop. Its other columns come from four
-- multiplicative hashes of i (the same shop on both backends, no random()):
--   status    the last 5% (about five weeks): 15% new, 30% open, 10% pending, 5% on hold, 30%
--             solved, 10% closed; older ones: 0.5% still in the inbox (open, pending, on hold),
--             9.5% solved, 90% closed;
--   priority  20% low, 55% normal, 20% high, 5% urgent;
--   channel   45% email, 20% web form, 15% chat, 10% phone, 5% social, 3% in person, 2% fax;
--   assignee  one of the 20 agents (their team with them); unassigned: 15% of the tickets in the
--             inbox, 2% of the others (a team or none);
--   SLA       a running ticket (new or open) has a due time: 3% late by up to 5 hours, 5% due
--             within the next 50 minutes, the rest within the next 3 days; pending and on-hold
--             tickets have their clock stopped (no due time); solved and closed ones none;
--   customer  any of the shop's customers.
WITH RECURSIVE
  n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :TICKETS),
  shop(lo, customers) AS (SELECT min(id), count(*) FROM customers),
  h AS (
    SELECT i,
           ((i * 2654435761) % 4294967296) / 4096 AS h,
           ((i * 2246822519) % 4294967296) / 4096 AS g,
           ((i * 3266489917) % 4294967296) / 4096 AS f,
           ((i * 3784567913) % 4294967296) / 4096 AS e,
           :NOW - 63072000000 + i * (63072000000 / :TICKETS) AS created,
           i > :TICKETS - :TICKETS / 20 AS recent
    FROM n),
  s AS (
    SELECT h.*,
           CASE WHEN recent THEN
                  CASE WHEN h % 100 < 15 THEN 'new' WHEN h % 100 < 45 THEN 'open'
                       WHEN h % 100 < 55 THEN 'pending' WHEN h % 100 < 60 THEN 'on_hold'
                       WHEN h % 100 < 90 THEN 'solved' ELSE 'closed' END
                ELSE
                  CASE WHEN g % 1000 < 2 THEN 'open' WHEN g % 1000 < 4 THEN 'pending'
                       WHEN g % 1000 < 5 THEN 'on_hold' WHEN g % 1000 < 100 THEN 'solved'
                       ELSE 'closed' END
           END AS status,
           (f / 100) % 1000 AS due_draw
    FROM h),
  t AS (
    SELECT s.*,
           CASE WHEN status IN ('new', 'open', 'pending', 'on_hold') THEN 1 ELSE 0 END AS active,
           CASE WHEN status NOT IN ('new', 'open') THEN NULL
                WHEN due_draw < 30 THEN :NOW - (due_draw + 1) * 600000
                WHEN due_draw < 80 THEN :NOW + (due_draw - 30) * 60000
                ELSE :NOW + 3600000 + (due_draw - 80) * 270000 END AS due
    FROM s)
INSERT INTO tickets (token, customer_id, subject, status, active, priority, category, channel,
                     assignee_id, team, first_response_due, resolution_due, first_response_at,
                     paused_at, next_due_at, sla_check_at, solved_at, closed_at, entitlement,
                     created_at, updated_at)
SELECT 'T' || CAST(t.i AS TEXT) || '-inbox',
       shop.lo + ((CAST(t.i AS BIGINT) * 1103515245 + 12345) % 2147483648) % shop.customers,
       'Question about order ' || CAST(t.i AS TEXT),
       t.status, t.active,
       CASE WHEN (t.g / 1000) % 100 < 20 THEN 'low' WHEN (t.g / 1000) % 100 < 75 THEN 'normal'
            WHEN (t.g / 1000) % 100 < 95 THEN 'high' ELSE 'urgent' END,
       CASE (t.h / 2000) % 4 WHEN 0 THEN 'delivery' WHEN 1 THEN 'returns' WHEN 2 THEN 'billing'
            ELSE 'product' END,
       CASE WHEN t.f % 100 < 45 THEN 'email' WHEN t.f % 100 < 65 THEN 'web_form'
            WHEN t.f % 100 < 80 THEN 'chat' WHEN t.f % 100 < 90 THEN 'phone'
            WHEN t.f % 100 < 95 THEN 'social' WHEN t.f % 100 < 98 THEN 'in_person' ELSE 'fax' END,
       CASE WHEN t.e % 100 < (CASE WHEN t.active = 1 THEN 15 ELSE 2 END) THEN NULL
            ELSE a.user_id END,
       CASE WHEN t.e % 100 < (CASE WHEN t.active = 1 THEN 15 ELSE 2 END)
            THEN CASE WHEN t.i % 3 = 0 THEN '' ELSE a.team END
            ELSE a.team END,
       t.created + 14400000,
       CASE WHEN t.due IS NULL THEN t.created + 259200000 ELSE t.due END,
       CASE WHEN t.status = 'new' THEN NULL ELSE t.created + 1800000 END,
       CASE WHEN t.status IN ('pending', 'on_hold') THEN t.created + 3600000 ELSE NULL END,
       t.due, t.due,
       CASE WHEN t.status IN ('solved', 'closed') THEN t.created + 86400000 ELSE NULL END,
       CASE WHEN t.status = 'closed' THEN t.created + 4 * 86400000 ELSE NULL END,
       CASE WHEN t.h % 3 = 0 THEN 'free' ELSE 'paid' END,
       t.created, t.created
FROM t CROSS JOIN shop JOIN bench_agents a ON a.k = (t.h / 100) % 20
ORDER BY t.i;
