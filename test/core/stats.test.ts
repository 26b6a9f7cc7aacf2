/**
 * Stats and calibration files (src/core/stats.ts): how a table name a migration writes maps
 * to the catalog's, and the errors for files that cannot be used, naming the file, the field
 * and how to produce the file again.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_COEFFICIENTS } from '../../src/core/estimate.js';
import { catalogName, parseCoefficients, parseStatsSnapshot, StatsFileError, statsJsonSchema } from '../../src/core/stats.js';

function refusal(read: () => unknown): StatsFileError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(StatsFileError);
    expect((error as Error).name).toBe('StatsFileError');
    return error as StatsFileError;
  }
  throw new Error('the file was accepted');
}

describe('catalogName', () => {
  it('keeps doubled quotes of a quoted name as one, and the last two parts of a longer name', () => {
    expect(catalogName('"say ""hi"""')).toBe('public.say "hi"');
    expect(catalogName('app.Billing."Invoices"')).toBe('billing.Invoices');
    expect(catalogName(' Users ')).toBe('public.users');
  });
});

describe('calibration files', () => {
  it('reads a valid file', () => {
    expect(parseCoefficients(JSON.stringify(DEFAULT_COEFFICIENTS), 'c.json')).toEqual(DEFAULT_COEFFICIENTS);
  });

  it('refuses text that is not JSON, and a malformed file, naming the field and how to produce it again', () => {
    expect(refusal(() => parseCoefficients('{', 'c.json')).message).toMatch(/^c\.json: not valid JSON \(.+\); produce it again with "migration-guard calibrate --database-url URL --output c\.json"$/);
    expect(refusal(() => parseCoefficients('{"measuredOn": 3}', 'c.json')).message).toMatch(/^c\.json: field "measuredOn": .+; produce it again with "migration-guard calibrate/);
    expect(refusal(() => parseCoefficients('[]', 'c.json')).message).toMatch(/^c\.json: field "\(top level\)": /);
  });
});

describe('stats files', () => {
  it('refuses a file without a version, saying which version it reads and how to produce it', () => {
    expect(refusal(() => parseStatsSnapshot('null', 's.json')).message).toMatch(/^s\.json: unsupported stats snapshot version undefined \(this migration-guard reads version \d+\)/);
    expect(refusal(() => parseStatsSnapshot('{', 's.json')).message).toContain('produce it again with "migration-guard stats --database-url URL > s.json"');
  });

  it('publishes a JSON Schema of the file, for editors', () => {
    expect(statsJsonSchema()).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { tables: { type: 'array' } } });
  });

  it('describes in its JSON Schema what the reader accepts: a calibration copy may carry keys of its own, a table may not', () => {
    const snapshot = { version: 1, takenAt: '2026-12-01T00:00:00Z', serverVersion: 16, hashedNames: false, activityWindowSeconds: null, statementsWindowSeconds: null, tables: [] };
    expect(parseStatsSnapshot(JSON.stringify({ ...snapshot, coefficients: { ...DEFAULT_COEFFICIENTS, calibratedBy: 'ci' } }), 's.json').coefficients).toEqual(DEFAULT_COEFFICIENTS);
    const schema = statsJsonSchema() as { additionalProperties?: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(schema.properties.coefficients?.additionalProperties).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
  });
});
