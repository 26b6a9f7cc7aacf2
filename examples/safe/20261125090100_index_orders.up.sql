-- CONCURRENTLY builds the index without blocking writes; it must run outside a transaction.
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
