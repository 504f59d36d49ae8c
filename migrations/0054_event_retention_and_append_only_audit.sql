-- Raw events older than the retention (--event-retention-days) are counted per UTC day, type and
-- currency into event_daily and then deleted, in one transaction, so the event log does not grow
-- without bound while the traffic overview's counts of old days stay. `day` is days since
-- 1970-01-01 (ts / 86400000); visitors and customers are the distinct ones of that day's aged
-- events (a day aged in two parts, by late events, adds its parts).
CREATE TABLE event_daily (
  day BIGINT NOT NULL,
  type TEXT NOT NULL,
  currency TEXT NOT NULL DEFAULT '',
  events BIGINT NOT NULL,
  visitors BIGINT NOT NULL,
  customers BIGINT NOT NULL,
  value BIGINT NOT NULL,               -- minor units of `currency`
  PRIMARY KEY (day, type, currency)
);

-- The audit log is append-only: no statement may change or delete its rows.
-- backend: sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- backend: postgresql
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
