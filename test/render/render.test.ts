import { Ajv } from 'ajv';
import { default as addFormatsModule } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { checklistKey } from '../../src/core/gate.js';
import type { InputFile } from '../../src/core/migration.js';
import { adviseStrategy } from '../../src/core/strategy.js';
import { checkMigrations } from '../../src/engine.js';
import { codeBlock, codeSpan, escapeInline } from '../../src/render/escape.js';
import { COMMENT_MARKER, renderMarkdown } from '../../src/render/markdown.js';
import { renderJson, renderJsonPieces, toJsonReport } from '../../src/render/json.js';
import { toSarif } from '../../src/render/sarif.js';
import { allRules } from '../../src/rules/index.js';

// NOTE: ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const config = defaultConfig();
const added = (files: Record<string, string>): InputFile[] => Object.entries(files).map(([path, text]) => ({ path, text, change: 'added' }));
const SQL = "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n-- migration-guard:ignore ban-drop-table reason: table was never used\nDROP TABLE scratch;\nSELEC 1;\n";

/**
 * The SARIF 2.1.0 constraints that matter to consumers (GitHub code scanning), written from
 * the OASIS specification (sections 3.13 sarifLog, 3.14 run, 3.19 toolComponent, 3.27
 * result, 3.30 region, 3.49 reportingDescriptor). NOTE: a subset, not the full published
 * schema (which this repository does not vendor).
 */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    $schema: { type: 'string', format: 'uri' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id'],
                      properties: {
                        id: { type: 'string' },
                        helpUri: { type: 'string', format: 'uri' },
                        shortDescription: { type: 'object', required: ['text'] },
                        defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message'],
              properties: {
                ruleIndex: { type: 'integer', minimum: -1 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        properties: {
                          artifactLocation: { type: 'object', properties: { uri: { type: 'string', format: 'uri-reference' } } },
                          region: {
                            type: 'object',
                            properties: {
                              startLine: { type: 'integer', minimum: 1 },
                              startColumn: { type: 'integer', minimum: 1 },
                              endLine: { type: 'integer', minimum: 1 },
                              endColumn: { type: 'integer', minimum: 1 },
                            },
                          },
                        },
                      },
                    },
                  },
                },
                suppressions: { type: 'array', items: { type: 'object', required: ['kind'], properties: { kind: { enum: ['inSource', 'external'] } } } },
              },
            },
          },
        },
      },
    },
  },
};

describe('JSON report', () => {
  it('in pieces is exactly the whole report as one line, with or without files, findings and replay', async () => {
    const report = await checkMigrations(added({ 'migrations/001_a.up.sql': SQL, 'migrations/002_b.up.sql': 'SELECT 1;', 'migrations/003_é.up.sql': "COMMENT ON TABLE t IS 'ünïcode 😀';" }), config);
    const empty = await checkMigrations([], config);
    const replayed = { ...report, replay: { database: 'pglite', serverVersion: 170004, statements: 3, failures: 0, migrations: [] } } as unknown as typeof report;
    for (const r of [report, empty, replayed]) {
      const whole = `${JSON.stringify(toJsonReport(r))}\n`;
      expect(renderJsonPieces(r).join('')).toBe(whole);
      expect(renderJson(r)).toBe(whole);
      expect(JSON.parse(renderJson(r))).toEqual(toJsonReport(r));
    }
    expect(renderJsonPieces(report).length).toBe(2 + 3 + report.findings.length + 1);
    expect(JSON.parse(renderJson(replayed)).replay.serverVersion).toBe(170004);
  });
});

describe('SARIF', () => {
  it('is valid SARIF 2.1.0, with a rule list from the registry and ruleIndex pointing into it', async () => {
    const report = await checkMigrations(added({ 'db/001_x.up.sql': SQL }), config);
    const log = toSarif(report, { rules: allRules, toolVersion: '1.2.3' });
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const valid = ajv.validate(SARIF_SUBSET, log);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
    for (const result of run.results!) expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
    const drop = run.results!.find((r) => r.ruleId === 'ban-drop-column')!;
    expect(drop.locations![0]!.physicalLocation!.region).toMatchObject({ startLine: 2, startColumn: 1 });
    const suppressed = run.results!.find((r) => r.ruleId === 'ban-drop-table')!;
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', justification: 'table was never used' }]);
    expect(run.results!.some((r) => r.ruleId === 'parse-error' && r.level === 'error')).toBe(true);
  });
});

describe('markdown comment', () => {
  it('has the marker, verdict, blocking checklist items with keys, statement tables and how to resolve', async () => {
    const report = await checkMigrations(added({ 'db/001_x.up.sql': SQL, 'db/001_x.down.sql': 'SELECT 1;' }), config);
    const body = renderMarkdown(report, { advice: adviseStrategy(report, config, allRules) });
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toMatch(/## migration-guard: ❌ blocked: \d+ blocking findings to resolve/);
    const drop = report.blocking.find((f) => f.ruleId === 'ban-drop-column')!;
    expect(body).toContain(`**ban-drop-column**: Dropping column email of users`);
    expect(body).toContain(`<!-- mg:key=${checklistKey(drop)} -->`);
    expect(body).toContain('| 2 | `ALTER TABLE users DROP COLUMN email` | ACCESS EXCLUSIVE on `users` | reads, writes, ddl |  | ❌ blocking |');
    expect(body).toContain('| 4 | `DROP TABLE scratch` | ACCESS EXCLUSIVE on `scratch` | reads, writes, ddl |  | suppressed |');
    expect(body).toContain('rollback: down: `db/001_x.down.sql`');
    expect(body).toContain('### How to resolve');
    expect(body).toContain('<details><summary><b>Phase plan: drop users.email</b></summary>');
  });

  it('says so when no migration changed', async () => {
    const report = await checkMigrations([], config);
    expect(renderMarkdown(report)).toContain('no migration files changed');
  });

  it('cuts whole sections to stay under the limit and points to the full report', async () => {
    const sql = Array.from({ length: 2000 }, (_, i) => `ALTER TABLE t${i} DROP COLUMN c${i};`).join('\n');
    const report = await checkMigrations(added({ 'db/001_many.up.sql': sql }), config);
    const body = renderMarkdown(report, { fullReportUrl: 'https://example.test/run/1' });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('[full report](https://example.test/run/1)');
    expect((body.match(/<details>/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
    // The blocking section alone is too long: it is cut after its last whole item, not dropped.
    const kept = body.match(/^- `[^`]+` \*\*ban-drop-column\*\*/gm) ?? [];
    expect(kept.length).toBeGreaterThan(50);
    expect(kept.length).toBeLessThan(2000);
    expect(body.trimEnd().endsWith('_')).toBe(true);
  });
});

describe('escaping user-controlled text', () => {
  const hostile = 'evil`|<img src=x>@org/team-->\n# heading';
  it('inline text cannot inject HTML, tables, headings or mentions', () => {
    const out = escapeInline(hostile);
    expect(out).not.toMatch(/<img/);
    expect(out).not.toContain('\n');
    expect(out).not.toMatch(/(^|[^\\])\|/);
    expect(out).not.toMatch(/@org/);
    expect(out).not.toContain('-->');
  });
  it('code spans cannot be closed early and keep tables intact', () => {
    expect(codeSpan('a``b|c')).toBe('```a``b|c```');
    // in a table cell the pipe is escaped (GitHub shows it as |); after a backslash it becomes a look-alike
    expect(codeSpan('a``b|c', 120, true)).toBe('```a``b\\|c```');
    expect(codeSpan('a\\|b', 120, true)).toBe('`a\\\u2223b`');
  });
  it('code blocks cannot be closed early or close a hidden marker', () => {
    const block = codeBlock('```\n<!-- x -->');
    expect(block.startsWith('````')).toBe(true);
    expect(block).not.toContain('-->');
  });
  it('hostile file names in a real report stay inside code spans', async () => {
    const report = await checkMigrations(added({ [`db/${hostile.replace('\n', '')}.sql`]: 'ALTER TABLE users DROP COLUMN email;' }), config);
    // NOTE: inside code spans HTML and mentions are inert; outside them nothing may remain.
    const body = renderMarkdown(report);
    const outsideCode = body.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<img/);
    expect(outsideCode).not.toMatch(/@org/);
    expect(body).not.toMatch(/^# heading/m);
    expect(body.split(COMMENT_MARKER)).toHaveLength(2);
  });
});
