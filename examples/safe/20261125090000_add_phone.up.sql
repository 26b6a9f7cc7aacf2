-- Expand: a nullable column never breaks old code (it simply does not write it).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN phone text;
