import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_MODES } from '../src/core/locks.js';
import { allRules } from '../src/rules/index.js';

const rulesDir = path.resolve(import.meta.dirname, '../src/rules');

describe('rule registry', () => {
  it('is sorted by id, with unique ids', () => {
    const ids = allRules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('registers every rule file, and each file is named after its rule id', async () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(allRules.map((r) => r.id).sort());
    for (const id of files) {
      const mod = (await import(path.join(rulesDir, `${id}.ts`))) as { default: { id: string } };
      expect(mod.default.id, `src/rules/${id}.ts exports the rule "${mod.default.id}"`).toBe(id);
    }
  });

  it.each(allRules.map((r) => [r.id, r] as const))('%s has complete metadata', (_id, rule) => {
    expect(rule.id, 'ids are kebab-case').toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    expect(rule.summary.length).toBeGreaterThan(10);
    expect(rule.why.length).toBeGreaterThan(20);
    expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
    expect(rule.examples.valid.length, 'every rule needs at least one valid example').toBeGreaterThan(0);
    expect(rule.examples.invalid.length, 'every rule needs at least one invalid example').toBeGreaterThan(0);
    if (rule.lock !== null) expect(LOCK_MODES).toContain(rule.lock);
    expect(rule.references.length, 'link the Postgres docs').toBeGreaterThan(0);
  });
});
