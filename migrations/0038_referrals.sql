-- Referrals: each customer's referral code, how a referred customer was attributed to its
-- referrer (the first touch through a code, customers.referred_by holding the referrer), and the
-- rewards credited to referrers, one per referred customer (the unique referred_id).
CREATE TABLE referral_codes (
  customer_id BIGINT PRIMARY KEY REFERENCES customers (id),
  code TEXT NOT NULL UNIQUE,               -- random, base64url
  created_at BIGINT NOT NULL
);

CREATE TABLE referral_attributions (
  customer_id BIGINT PRIMARY KEY REFERENCES customers (id),  -- the referred customer
  referrer_id BIGINT NOT NULL REFERENCES customers (id),
  code TEXT NOT NULL,
  touched_at BIGINT NOT NULL,              -- the visit through the code
  anonymous_id TEXT NOT NULL DEFAULT '',   -- the tracking snippet's device id, '' when not given
  created_at BIGINT NOT NULL
);
CREATE INDEX referral_attributions_referrer ON referral_attributions (referrer_id, customer_id);

CREATE TABLE referral_rewards (
  id INTEGER PRIMARY KEY,
  referrer_id BIGINT NOT NULL REFERENCES customers (id),
  referred_id BIGINT NOT NULL UNIQUE REFERENCES customers (id),
  order_id BIGINT NOT NULL REFERENCES orders (id),  -- the referred customer's first kept order
  amount BIGINT NOT NULL,                  -- credit, minor units of currency
  currency TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX referral_rewards_referrer ON referral_rewards (referrer_id, id);
