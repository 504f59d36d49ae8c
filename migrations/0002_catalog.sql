-- The product catalog: a category tree and products with prices, price tiers, versions and stock.
CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  parent_id BIGINT REFERENCES categories(id),
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,           -- lower-case letters, digits and '-'
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX categories_parent ON categories (parent_id);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category_id BIGINT REFERENCES categories(id),
  brand TEXT NOT NULL DEFAULT '',
  price BIGINT NOT NULL,               -- minor units of `currency`
  cost BIGINT,                         -- minor units of `currency`; NULL when unknown
  currency TEXT NOT NULL,              -- ISO 4217 code, upper-case
  price_tier TEXT NOT NULL DEFAULT 'mid',  -- budget | mid | premium, derived within the category
  line TEXT NOT NULL DEFAULT '',       -- product line; versions of one line share it
  version INTEGER NOT NULL DEFAULT 1,
  stock_on_hand BIGINT NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  consumable INTEGER NOT NULL DEFAULT 0,
  repurchase_days INTEGER,             -- typical days between purchases of a consumable
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX products_category ON products (category_id, price);
CREATE INDEX products_line ON products (line, version);
