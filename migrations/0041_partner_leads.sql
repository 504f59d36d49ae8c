-- Partner leads: B2B enquiries (a company asking for a quantity of a category's products) taken
-- by staff, through the API or from the shop's public enquiry form, routed to the partner whose
-- lead rules match best, and answered by that partner in the partner portal (accepted or
-- declined, then won or lost). Money in minor units of `currency`; times unix milliseconds.
CREATE TABLE partner_leads (
  id INTEGER PRIMARY KEY,
  company TEXT NOT NULL DEFAULT '',
  contact_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',          -- lower-case
  phone TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',        -- upper-case ISO 3166 code, '' when unknown
  region TEXT NOT NULL DEFAULT '',         -- a state, province or area, as written
  category_id BIGINT REFERENCES categories (id),
  product_id BIGINT REFERENCES products (id),
  quantity BIGINT NOT NULL DEFAULT 0,
  estimated_value BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,                    -- web_form | staff | api
  status TEXT NOT NULL,                    -- new | routed | accepted | declined | won | lost | expired
  partner_id BIGINT REFERENCES partners (id),  -- routed to; NULL while new
  created_at BIGINT NOT NULL,
  routed_at BIGINT,
  responded_at BIGINT,                     -- accepted or declined
  closed_at BIGINT,                        -- won, lost or expired
  decline_reason TEXT NOT NULL DEFAULT '',
  lost_reason TEXT NOT NULL DEFAULT '',
  won_value BIGINT,
  ip TEXT NOT NULL DEFAULT '',             -- the public form's sender (its rate limit)
  updated_at BIGINT NOT NULL
);
CREATE INDEX partner_leads_partner ON partner_leads (partner_id, id);
CREATE INDEX partner_leads_status ON partner_leads (status, id);
CREATE INDEX partner_leads_ip ON partner_leads (ip, created_at);
CREATE INDEX partner_leads_email ON partner_leads (email, created_at);

-- Every time a lead was routed to a partner, and how that partner answered: open (waiting),
-- accepted, declined, expired (not accepted in time) or withdrawn (staff routed it elsewhere
-- first). The scorecard's acceptance rate and response times are read from here, so a lead
-- routed on keeps counting for the partners it passed.
CREATE TABLE partner_lead_routes (
  id INTEGER PRIMARY KEY,
  lead_id BIGINT NOT NULL REFERENCES partner_leads (id),
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  routed_at BIGINT NOT NULL,
  responded_at BIGINT,
  outcome TEXT NOT NULL DEFAULT 'open',
  actor TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_lead_routes_lead ON partner_lead_routes (lead_id, id);
CREATE INDEX partner_lead_routes_partner ON partner_lead_routes (partner_id, outcome);

-- Which leads a partner receives: customers in these countries (comma-separated upper-case
-- codes), regions (comma-separated, compared case-insensitively) and categories (comma-separated
-- ids); an empty list matches any. A higher priority wins, then the rule naming more of the lead.
CREATE TABLE partner_lead_rules (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  countries TEXT NOT NULL DEFAULT '',
  regions TEXT NOT NULL DEFAULT '',
  category_ids TEXT NOT NULL DEFAULT '',
  priority INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partner_lead_rules_partner ON partner_lead_rules (partner_id, id);
