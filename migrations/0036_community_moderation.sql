-- Moderation of product reviews: why a moderator hid a review (its author sees it).
ALTER TABLE product_reviews ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
