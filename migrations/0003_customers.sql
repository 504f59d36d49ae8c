-- The customer archive: one row per customer, shared by marketing, sales and service, with tags,
-- anniversaries, consent per channel, and a record of identity merges that can be undone.
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  external_id TEXT UNIQUE,             -- the shop's id for the customer; NULL when unknown
  name TEXT NOT NULL DEFAULT '',
  email TEXT,
  phone TEXT,
  email_normalized TEXT,               -- lower-case, trimmed: duplicate detection
  phone_normalized TEXT,               -- digits only, international "00" dropped
  name_key TEXT NOT NULL DEFAULT '',   -- lower-case name words in sorted order
  city_key TEXT NOT NULL DEFAULT '',   -- lower-case city
  birthday TEXT,                       -- YYYY-MM-DD
  gender TEXT,                         -- female | male | other; NULL when unknown
  city TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',   -- e.g. zh-CN, en
  type TEXT NOT NULL DEFAULT 'home',   -- home | business | education | government | other
  company TEXT NOT NULL DEFAULT '',
  employee_count BIGINT,
  source TEXT NOT NULL DEFAULT '',     -- how the customer found the shop
  channel TEXT NOT NULL DEFAULT '',    -- where the customer signed up: web, app, store, …
  referred_by BIGINT REFERENCES customers(id),
  attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object of free custom attributes
  email_consent INTEGER,               -- 1 granted, 0 refused, NULL never asked
  email_consent_at BIGINT,
  email_consent_how TEXT NOT NULL DEFAULT '',
  sms_consent INTEGER,
  sms_consent_at BIGINT,
  sms_consent_how TEXT NOT NULL DEFAULT '',
  phone_consent INTEGER,
  phone_consent_at BIGINT,
  phone_consent_how TEXT NOT NULL DEFAULT '',
  merged_into BIGINT REFERENCES customers(id),  -- set when merged into another customer
  erased_at BIGINT,                    -- personal data removed on request
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX customers_email ON customers (email_normalized);
CREATE INDEX customers_phone ON customers (phone_normalized);
CREATE INDEX customers_name_city ON customers (name_key, city_key);
CREATE INDEX customers_created ON customers (created_at);
CREATE INDEX customers_referred_by ON customers (referred_by);

CREATE TABLE customer_tags (
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

CREATE TABLE customer_anniversaries (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL,                  -- wedding, membership, … (free text)
  date TEXT NOT NULL,                  -- YYYY-MM-DD
  label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_anniversaries_customer ON customer_anniversaries (customer_id);

CREATE TABLE customer_merges (
  id INTEGER PRIMARY KEY,
  survivor_id BIGINT NOT NULL REFERENCES customers(id),
  merged_id BIGINT NOT NULL REFERENCES customers(id),
  snapshot TEXT NOT NULL,              -- JSON: what the merge changed and moved; '' once erased
  merged_at BIGINT NOT NULL,
  merged_by TEXT NOT NULL DEFAULT '',
  undone_at BIGINT
);
CREATE INDEX customer_merges_survivor ON customer_merges (survivor_id);
CREATE INDEX customer_merges_merged ON customer_merges (merged_id);
