-- golang-migrate sends a file as one statement, and CONCURRENTLY cannot share it: the
-- leftover of a failed build is dropped by the migration before the build. After a failed
-- build, migrate force to the version before this one and run up again.
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;
