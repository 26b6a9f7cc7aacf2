-- The seed's classic mistakes, one per statement.
ALTER TABLE users ADD COLUMN phone text NOT NULL;
