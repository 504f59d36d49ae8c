-- Search over orders and products (see 0011_search.sql for the document format).
-- An order's document: its external id and the SKUs of its lines (written with the order), and
-- its customer's document (search_customer, a copy of customers.search_text kept in step by
-- triggers: a customer renamed, merged or erased changes their orders' copy in the same
-- transaction, so an erased customer's orders are not found by the old name).
-- A product's document: name, SKU, brand and line (written with the product), and its category's
-- name (search_category, written with the product and kept in step by triggers when the product
-- moves or the category is renamed).
ALTER TABLE orders ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN search_customer TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN search_category TEXT NOT NULL DEFAULT '';

-- backend: sqlite
UPDATE orders SET search_text = rtrim(
    CASE WHEN external_id IS NOT NULL THEN char(2, 2) || lower(external_id) || char(3) || ' ' ELSE '' END ||
    coalesce((SELECT group_concat(char(2, 2) || lower(sku) || char(3), ' ')
              FROM order_lines l WHERE l.order_id = orders.id), '')),
  search_customer = coalesce((SELECT c.search_text FROM customers c WHERE c.id = orders.customer_id), '');
UPDATE products SET search_text = rtrim(
    char(2, 2) || lower(trim(name)) || char(3) || ' ' || char(2, 2) || lower(sku) || char(3) || ' ' ||
    CASE WHEN trim(brand) <> '' THEN char(2, 2) || lower(trim(brand)) || char(3) || ' ' ELSE '' END ||
    CASE WHEN trim(line) <> '' THEN char(2, 2) || lower(trim(line)) || char(3) ELSE '' END),
  search_category = coalesce((SELECT char(2, 2) || lower(trim(g.name)) || char(3)
                              FROM categories g WHERE g.id = products.category_id), '');

CREATE VIRTUAL TABLE orders_search USING fts5(
  search_text, search_customer, content = 'orders', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO orders_search (orders_search) VALUES ('rebuild');
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
  INSERT INTO orders_search (rowid, search_text, search_customer)
    VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_search_update AFTER UPDATE OF search_text, search_customer ON orders
  WHEN old.search_text IS NOT new.search_text OR old.search_customer IS NOT new.search_customer BEGIN
  INSERT INTO orders_search (orders_search, rowid, search_text, search_customer)
    VALUES ('delete', old.id, old.search_text, old.search_customer);
  INSERT INTO orders_search (rowid, search_text, search_customer)
    VALUES (new.id, new.search_text, new.search_customer);
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
  INSERT INTO orders_search (orders_search, rowid, search_text, search_customer)
    VALUES ('delete', old.id, old.search_text, old.search_customer);
END;
-- The customer's copy follows the customer, and the order when it moves to another customer.
CREATE TRIGGER orders_search_customer_changed AFTER UPDATE OF search_text ON customers
  WHEN old.search_text IS NOT new.search_text BEGIN
  UPDATE orders SET search_customer = new.search_text WHERE customer_id = new.id;
END;
CREATE TRIGGER orders_search_customer_moved AFTER UPDATE OF customer_id ON orders
  WHEN old.customer_id IS NOT new.customer_id BEGIN
  UPDATE orders SET search_customer =
    coalesce((SELECT c.search_text FROM customers c WHERE c.id = new.customer_id), '')
    WHERE id = new.id;
END;

CREATE VIRTUAL TABLE products_search USING fts5(
  search_text, search_category, content = 'products', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO products_search (products_search) VALUES ('rebuild');
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_search (rowid, search_text, search_category)
    VALUES (new.id, new.search_text, new.search_category);
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF search_text, search_category ON products
  WHEN old.search_text IS NOT new.search_text OR old.search_category IS NOT new.search_category BEGIN
  INSERT INTO products_search (products_search, rowid, search_text, search_category)
    VALUES ('delete', old.id, old.search_text, old.search_category);
  INSERT INTO products_search (rowid, search_text, search_category)
    VALUES (new.id, new.search_text, new.search_category);
END;
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_search (products_search, rowid, search_text, search_category)
    VALUES ('delete', old.id, old.search_text, old.search_category);
END;
CREATE TRIGGER products_search_category_set AFTER UPDATE OF category_id ON products
  WHEN old.category_id IS NOT new.category_id BEGIN
  UPDATE products SET search_category = coalesce((SELECT char(2, 2) || lower(trim(g.name)) || char(3)
    FROM categories g WHERE g.id = new.category_id), '') WHERE id = new.id;
END;
CREATE TRIGGER products_search_category_renamed AFTER UPDATE OF name ON categories
  WHEN old.name IS NOT new.name BEGIN
  UPDATE products SET search_category = char(2, 2) || lower(trim(new.name)) || char(3)
    WHERE category_id = new.id;
END;

-- backend: postgresql
UPDATE orders SET search_text = rtrim(
    CASE WHEN external_id IS NOT NULL THEN chr(2) || chr(2) || lower(external_id) || chr(3) || ' ' ELSE '' END ||
    coalesce((SELECT string_agg(chr(2) || chr(2) || lower(sku) || chr(3), ' ')
              FROM order_lines l WHERE l.order_id = orders.id), '')),
  search_customer = coalesce((SELECT c.search_text FROM customers c WHERE c.id = orders.customer_id), '');
UPDATE products SET search_text = rtrim(
    chr(2) || chr(2) || lower(trim(name)) || chr(3) || ' ' || chr(2) || chr(2) || lower(sku) || chr(3) || ' ' ||
    CASE WHEN trim(brand) <> '' THEN chr(2) || chr(2) || lower(trim(brand)) || chr(3) || ' ' ELSE '' END ||
    CASE WHEN trim(line) <> '' THEN chr(2) || chr(2) || lower(trim(line)) || chr(3) ELSE '' END),
  search_category = coalesce((SELECT chr(2) || chr(2) || lower(trim(g.name)) || chr(3)
                              FROM categories g WHERE g.id = products.category_id), '');

CREATE INDEX orders_search ON orders USING gin ((search_text || ' ' || search_customer) gin_trgm_ops);
CREATE INDEX products_search ON products USING gin ((search_text || ' ' || search_category) gin_trgm_ops);

CREATE FUNCTION orders_search_customer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orders SET search_customer = NEW.search_text WHERE customer_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER orders_search_customer_changed AFTER UPDATE OF search_text ON customers
  FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
  EXECUTE FUNCTION orders_search_customer_changed();

CREATE FUNCTION orders_search_customer_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_customer := coalesce((SELECT c.search_text FROM customers c WHERE c.id = NEW.customer_id), '');
  RETURN NEW;
END $$;
CREATE TRIGGER orders_search_customer_moved BEFORE UPDATE OF customer_id ON orders
  FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id)
  EXECUTE FUNCTION orders_search_customer_moved();

CREATE FUNCTION products_search_category_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_category := coalesce((SELECT chr(2) || chr(2) || lower(trim(g.name)) || chr(3)
                                   FROM categories g WHERE g.id = NEW.category_id), '');
  RETURN NEW;
END $$;
CREATE TRIGGER products_search_category_set BEFORE UPDATE OF category_id ON products
  FOR EACH ROW WHEN (OLD.category_id IS DISTINCT FROM NEW.category_id) EXECUTE FUNCTION products_search_category_set();

CREATE FUNCTION products_search_category_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE products SET search_category = chr(2) || chr(2) || lower(trim(NEW.name)) || chr(3)
    WHERE category_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER products_search_category_renamed AFTER UPDATE OF name ON categories
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION products_search_category_renamed();
