import { defineRule } from '../core/rule.js';

/** NAMEDATALEN - 1: the longest identifier in bytes. */
const MAX_IDENTIFIER_BYTES = 63;

export default defineRule({
  id: 'identifier-too-long',
  severity: 'error',
  category: 'locking',
  summary: 'Identifiers longer than 63 bytes are silently truncated',
  lock: null,
  rewrites: false,
  messages: { tooLong: 'Identifier "{{name}}" is {{bytes}} bytes; Postgres truncates it to 63 bytes ("{{truncated}}").' },
  why: 'Postgres truncates identifiers to 63 bytes (NAMEDATALEN - 1) with only a NOTICE; the object gets a different name than the code expects, and two names sharing a prefix collide.',
  fix: 'Rename "{{name}}" to at most 63 bytes (UTF-8: non-ASCII letters take 2-4 bytes each).',
  references: ['https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS'],
  examples: {
    invalid: [
      {
        sql: 'ALTER TABLE users ADD COLUMN "préférence_de_notification_par_courriel_électronique_éééé" text;',
        why: '57 characters but 64 bytes in UTF-8; the last é is cut in half, so the name keeps 62 bytes',
        messages: ['Identifier "préférence_de_notification_par_courriel_électronique_éééé" is 64 bytes; Postgres truncates it to 63 bytes ("préférence_de_notification_par_courriel_électronique_ééé").'],
      },
      { sql: 'CREATE INDEX CONCURRENTLY index_on_users_email_and_created_at_and_status_and_region_and_tenant_idx ON users (email);', messageIds: ['tooLong'] },
      { sql: 'ALTER TABLE "orders" RENAME COLUMN "customer" TO "the customer who placed this order, as the web shop recorded it!";', why: 'a quoted identifier with spaces, 64 bytes', messageIds: ['tooLong'] },
      { sql: 'CREATE TABLE "a ""quoted"" name that goes on and on until it is too long to keep" (id int);', why: 'escaped quotes count as one byte each', messageIds: ['tooLong'] },
      {
        sql: 'ALTER TABLE orders ADD COLUMN delivery_estimate_from_the_carrier_tracking_api_in_the_local_time date,\n  ADD CONSTRAINT orders_delivery_after_order CHECK (delivery_estimate_from_the_carrier_tracking_api_in_the_local_time >= created_at::date);',
        why: 'a name used twice in one statement is reported once',
        messageIds: ['tooLong'],
      },
    ],
    valid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
      { sql: "COMMENT ON TABLE users IS 'a long comment is a string literal and not an identifier, so it may be long';", why: 'string literals are not identifiers' },
      { sql: 'CREATE TABLE "Order" ("id" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "total" INTEGER);', why: 'many short quoted names' },
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_customer_created_idx -- Rails would name it index_orders_on_customer_id_and_created_at_and_status_and_region\n  ON orders (customer_id, created_at);',
        why: 'a long name in a line comment is not an identifier',
      },
      {
        sql: 'CREATE TABLE invoices (\n  id bigint PRIMARY KEY,\n  /* the API field total_amount_including_taxes_and_discounts_in_the_invoice_currency */\n  total_cents bigint NOT NULL\n);',
        why: 'nor is one in a block comment',
      },
      {
        sql: "INSERT INTO api_keys (name, key_sha256) VALUES ('ci', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');",
        why: 'a SHA-256 digest in a string literal is 64 characters of letters and digits, not an identifier',
      },
      {
        sql: "COMMENT ON COLUMN users.email IS $doc$The user's login, lower-cased like the app's normalizeEmailAddressBeforeTheLookupAndTheUniquenessCheckOfAnAccount did.$doc$;",
        why: 'nor is a long word in a dollar-quoted string',
      },
    ],
  },
  statement({ statement, report }) {
    // NOTE: fast path: most statements cannot hold a long identifier at all.
    if (!mayHaveLongIdentifier(statement.text)) return;
    // NOTE: the Postgres lexer already truncates identifiers, so the AST holds the short
    // name; the original has to be read from the statement text.
    const code = statement.text.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$/g, ' ');
    const seen = new Set<string>();
    for (const match of code.matchAll(/"((?:[^"]|"")+)"|([\p{L}_][\p{L}\p{N}_$]*)/gu)) {
      const name = match[1]?.replace(/""/g, '"') ?? match[2]!;
      const bytes = Buffer.byteLength(name, 'utf8');
      if (bytes <= MAX_IDENTIFIER_BYTES || seen.has(name)) continue;
      seen.add(name);
      const truncated = Buffer.from(name, 'utf8').subarray(0, MAX_IDENTIFIER_BYTES).toString('utf8').replace(/\uFFFD$/, '');
      report({ messageId: 'tooLong', data: { name, bytes, truncated } });
    }
  },
});

/**
 * False when no identifier in the text can be longer than MAX_IDENTIFIER_BYTES: there is
 * no run of more bytes of identifier characters (any non-ASCII character counts as one),
 * no more bytes between two runs of an odd number of `"` (a quoted identifier starts
 * with such a run, `"` plus escaped `""` pairs, and ends with one), and no even run long
 * enough to be a whole name of quotes only. Conservative: text that
 * passes may still hold no long identifier. NOTE: one pass, no regex; quoted identifiers
 * are common (Prisma quotes every name), and the full check is the costly part of this rule.
 */
function mayHaveLongIdentifier(text: string): boolean {
  let run = 0;
  let sinceQuote = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let quotes = 1;
      while (text.charCodeAt(i + 1) === 34) {
        quotes++;
        i++;
      }
      // NOTE: an odd run ends or starts a quoted name; its escaped pairs may belong to
      // either side, so they count on both.
      if (quotes % 2 === 1) {
        if (sinceQuote >= 0 && sinceQuote + quotes - 1 > MAX_IDENTIFIER_BYTES) return true;
        sinceQuote = quotes - 1;
      } else {
        // NOTE: an even run may also be a whole name made of quotes only: `"`, escaped pairs, `"`.
        if (quotes / 2 - 1 > MAX_IDENTIFIER_BYTES) return true;
        if (sinceQuote >= 0) sinceQuote += quotes;
      }
      run = 0;
      continue;
    }
    // NOTE: UTF-8 bytes of a UTF-16 unit, rounded up (a surrogate pair counts 6, not 4).
    const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (sinceQuote >= 0) sinceQuote += bytes;
    const identifierChar = c > 127 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
    run = identifierChar ? run + bytes : 0;
    if (run > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}
