-- The advisor: questionnaires staff define as data (questions, answer options, each option's
-- scores towards categories and products and its price range), kept in versions so that
-- answers given to an earlier version stay readable; the answers taken (by a customer in the
-- portal, by staff for a customer, or by an anonymous visitor) with the advice they gave, and
-- the advised products one row each, which the conversion report joins to orders.
CREATE TABLE advisor_questionnaires (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,                  -- ISO 4217: the currency of its prices and products
  version BIGINT NOT NULL,                 -- the current version
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE advisor_questionnaire_versions (
  questionnaire_id BIGINT NOT NULL REFERENCES advisor_questionnaires (id),
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  questions TEXT NOT NULL,                 -- JSON: the questions with their options and scores
  created_at BIGINT NOT NULL,
  PRIMARY KEY (questionnaire_id, version)
);

CREATE TABLE advisor_submissions (
  id INTEGER PRIMARY KEY,
  questionnaire_id BIGINT NOT NULL REFERENCES advisor_questionnaires (id),
  version BIGINT NOT NULL,
  customer_id BIGINT REFERENCES customers (id),  -- NULL: an anonymous visitor
  language TEXT NOT NULL,                  -- en | zh-CN: the language of the reasons
  answers TEXT NOT NULL,                   -- JSON: question keys with the chosen option keys
  created_at BIGINT NOT NULL
);
CREATE INDEX advisor_submissions_questionnaire ON advisor_submissions (questionnaire_id, id);
CREATE INDEX advisor_submissions_customer ON advisor_submissions (customer_id, id);

CREATE TABLE advisor_advice (
  submission_id BIGINT NOT NULL REFERENCES advisor_submissions (id),
  pos BIGINT NOT NULL,                     -- 1 = best
  product_id BIGINT NOT NULL REFERENCES products (id),
  score BIGINT NOT NULL,
  reason TEXT NOT NULL,                    -- in the submission's language
  PRIMARY KEY (submission_id, pos)
);
CREATE INDEX advisor_advice_product ON advisor_advice (product_id, submission_id);
