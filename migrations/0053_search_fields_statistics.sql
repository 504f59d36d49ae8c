-- PostgreSQL: the exact rank's estimate. The planner estimates how many rows have a field equal to
-- the query (search_fields(document) && ARRAY[…], migration 0016) from the most common fields
-- ANALYZE keeps of each fields index's expression; with the default 100-entry statistics those
-- are the tags alone (a dozen fields in 1% of the customers or more), and any other field is
-- estimated at 0.5% of the rows. For a query no field equals (most of them), the exact rank then
-- walked customers_pkey in id order expecting to find a page's 50 rows early, and read the whole
-- table to find none (q=w at 200,000 customers: 450 ms). With 1,000 entries the list reaches the
-- fields in one row of ten thousand, a field outside it is estimated at a handful of rows, and
-- the rank reads the fields index (0.06 ms). ANALYZE here so that a shop migrated from an
-- earlier version has the statistics at once, not after autovacuum's next analyze.
-- backend: postgresql
ALTER INDEX customers_search_fields ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX orders_search_fields ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX products_search_fields ALTER COLUMN 1 SET STATISTICS 1000;
ANALYZE customers;
ANALYZE orders;
ANALYZE products;
