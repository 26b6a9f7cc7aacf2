// Deterministic synthetic migrations for the benchmarks: realistic DDL and DML (tables,
// columns, indexes, constraints, backfills, functions with dollar-quoted bodies, comments),
// the same bytes on every machine so runs compare.

/** A small seeded PRNG (mulberry32), so the output depends only on the seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMN_TYPES = ['bigint', 'text', 'integer', 'timestamptz', 'boolean', 'jsonb', 'numeric(12,2)', 'uuid', 'varchar(255)'];

/** Statement templates; `t` is a table name, `c` a column name, `n` a counter. */
const TEMPLATES = [
  (t) => `CREATE TABLE IF NOT EXISTS ${t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  name text NOT NULL\n);`,
  (t, c, n, r) => `ALTER TABLE ${t} ADD COLUMN ${c} ${COLUMN_TYPES[Math.floor(r() * COLUMN_TYPES.length)]};`,
  (t, c) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_idx ON ${t} (${c});`,
  (t, c) => `CREATE INDEX ${t}_${c}_created_idx ON ${t} (${c}, created_at);`,
  (t, c, n) => `INSERT INTO ${t} (name, ${c}) VALUES ('row ${n}', ${n});`,
  (t, c, n) => `UPDATE ${t} SET ${c} = ${c} + 1 WHERE id BETWEEN ${n} AND ${n + 1000};`,
  (t, c) => `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_fk FOREIGN KEY (${c}) REFERENCES accounts (id) NOT VALID;`,
  (t, c) => `ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_${c}_fk;`,
  () => `SET lock_timeout = '2s';`,
  (t, c) => `COMMENT ON COLUMN ${t}.${c} IS 'Owner''s ${c}, set by the billing service';`,
  (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT 0;`,
  (t, c) => `DROP INDEX CONCURRENTLY IF EXISTS ${t}_${c}_old_idx;`,
  (t) => `GRANT SELECT, INSERT, UPDATE ON ${t} TO app_rw;`,
  (t, c) => `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.${c} := now(); -- keep ${c} fresh\n  RETURN NEW;\nEND;\n$$;`,
  (t, c) => `SELECT count(*) FROM ${t} WHERE ${c} IS NULL;`,
  (t, c) => `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${c}_old;`,
  // NOTE: the rules answer these from what earlier statements did to the column
  // (src/rules/support/statement-facts.ts), and ignore comments through an index by
  // statement (src/core/suppressions.ts): a quadratic pass there shows in the scaling rows.
  (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`,
  (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;`,
  (t, c) => `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE bigint;`,
  (t, c, n) => `-- migration-guard:ignore ban-drop-column reason: phase 3 of the ${c} rename (#${n})\nALTER TABLE ${t} DROP COLUMN ${c}_old;`,
];

/**
 * SQL text with `count` statements, comments between some of them, deterministic for
 * `seed`. About 70 bytes per statement, so 60,000 statements is about 4 MB.
 */
export function generateSql(count, seed = 1) {
  const r = prng(seed);
  const parts = [];
  for (let n = 0; n < count; n++) {
    const table = `orders_${Math.floor(r() * 400)}`;
    const column = `col_${Math.floor(r() * 60)}`;
    if (n % 50 === 0) parts.push(`-- step ${n}: expand ${table}`);
    parts.push(TEMPLATES[Math.floor(r() * TEMPLATES.length)](table, column, n, r));
  }
  return parts.join('\n') + '\n';
}

/**
 * Inputs that once took quadratic time or failed (the "worst case" rows of bench/run.mjs):
 * the same column changed over and over, a transaction touching many tables, many ignore
 * comments, and one statement with many findings. Each is about 20,000 statements.
 */
export const WORST_CASES = {
  'one column changed by 20,000 statements': () => 'ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n'.repeat(20_000),
  '20,000 tables in one transaction': () => `BEGIN;\n${Array.from({ length: 20_000 }, (_, i) => `ALTER TABLE t_${i} ALTER COLUMN c TYPE text;`).join('\n')}\nCOMMIT;\n`,
  '20,000 ignore comments': () => `${Array.from({ length: 20_000 }, (_, i) => `-- migration-guard:ignore ban-drop-column reason: phase 3 (#${i})\nALTER TABLE t_${i % 50} DROP COLUMN c_${i};`).join('\n')}\n`,
  'one ALTER TABLE with 12,000 sub-commands': () => `ALTER TABLE t ${Array.from({ length: 12_000 }, (_, i) => `ALTER COLUMN c_${i} SET NOT NULL`).join(', ')};\n`,
};

/**
 * A migration history that replays cleanly on Postgres: migration `n` (from 1) of a
 * golang-migrate folder, with about 5 statements; every fourth creates a table, the others
 * change the newest one. Its down undoes it.
 */
export function historyMigration(n) {
  const table = `t_${Math.floor((n - 1) / 4) * 4 + 1}`;
  if ((n - 1) % 4 === 0) {
    return {
      up: `CREATE TABLE ${table} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX ${table}_created_idx ON ${table} (created_at);\nCOMMENT ON TABLE ${table} IS 'history step ${n}';\nINSERT INTO ${table} (name) VALUES ('seed ${n}');\nALTER TABLE ${table} ADD COLUMN note text;\n`,
      down: `DROP TABLE ${table};\n`,
    };
  }
  const column = `c_${n}`;
  return {
    up: `ALTER TABLE ${table} ADD COLUMN ${column} integer;\nCREATE INDEX ${table}_${column}_idx ON ${table} (${column});\nUPDATE ${table} SET ${column} = id;\nALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT 0;\nCOMMENT ON COLUMN ${table}.${column} IS 'history step ${n}';\n`,
    down: `ALTER TABLE ${table} DROP COLUMN ${column};\n`,
  };
}

/**
 * The 5 migrations of a typical pull request (after a history of any length): a new table,
 * then changes to it, two of which block (a NOT NULL column without default, an index built
 * without CONCURRENTLY).
 */
export function pullRequestMigrations() {
  return [
    { name: 'create_orders', up: "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer text NOT NULL,\n  total numeric(12,2) NOT NULL DEFAULT 0\n);\n", down: 'DROP TABLE orders;\n' },
    { name: 'orders_placed_at', up: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN placed_at timestamptz;\n", down: 'ALTER TABLE orders DROP COLUMN placed_at;\n' },
    { name: 'orders_status', up: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN status text NOT NULL;\n", down: 'ALTER TABLE orders DROP COLUMN status;\n' },
    { name: 'orders_customer_idx', up: 'CREATE INDEX orders_customer_idx ON orders (customer);\n', down: 'DROP INDEX orders_customer_idx;\n' },
    { name: 'orders_note', up: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMENT ON COLUMN orders.note IS 'free text';\n", down: 'ALTER TABLE orders DROP COLUMN note;\n' },
  ];
}
