-- PostgreSQL: the indexes of the customer list's equality filters carry the id, so that the
-- customers of one city (or one type) come out of them in id order, the order the list pages
-- in, as they do on SQLite, where every index ends with the rowid. City and tag at a million
-- customers: the tag's index gives its customers in id order, and the planner merged them with
-- a walk of the whole table by id (7,000 customers read for 50, 3.4 ms); with the city's
-- customers in id order from its index, it merges the two (382 read, 1.3 ms). The planner
-- weighs those reads with random_page_cost = 1.1, which each connection sets unless the server,
-- the database or the role sets its own (src/storage/postgres/postgres_database.cpp).
-- backend: postgresql
CREATE INDEX customers_city_id ON customers (city_key, id);
DROP INDEX customers_city;
ALTER INDEX customers_city_id RENAME TO customers_city;
CREATE INDEX customers_type_id ON customers (type, id);
DROP INDEX customers_type;
ALTER INDEX customers_type_id RENAME TO customers_type;
