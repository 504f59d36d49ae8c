-- Feedback mining reads a product's texts from other capabilities' tables: the tickets about a
-- product (their customers' messages) and the community posts linking a product. These indexes
-- let a product's report read its latest texts without scanning either table.
CREATE INDEX tickets_product ON tickets (product_id, id);
CREATE INDEX community_post_links_target ON community_post_links (kind, target_id, post_id);
