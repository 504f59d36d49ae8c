-- The customer list filters by tier and segment: each is read in customer id order from its own
-- index (the recomputation's write-back pays for two more index entries per customer).
CREATE INDEX customer_scores_tier ON customer_scores (tier, customer_id);
CREATE INDEX customer_scores_segment ON customer_scores (segment, customer_id);
