import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_MODES } from '../src/core/locks.js';
import { allRules } from '../src/rules/index.js';

const rulesDir = path.resolve(import.meta.dirname, '../src/rules');

/** The modules of src/rules that are not rules: the registry and what is derived from it. */
const NOT_RULES = ['index.ts', 'registry.ts'];

describe('rule registry', () => {
  it('is one line per rule in src/rules/registry.ts, sorted by id, each exported under its id in camelCase', () => {
    const lines = readFileSync(path.join(rulesDir, 'registry.ts'), 'utf8').split('\n').filter((line) => line.startsWith('export'));
    const listed = lines.map((line) => /^export \{ default as (\w+) \} from '\.\/([a-z0-9-]+)\.js';$/.exec(line));
    expect(listed.filter((match) => !match), 'every export line re-exports one rule file').toEqual([]);
    const ids = listed.map((match) => match![2]!);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const match of listed) expect(match![1], `the export name of ${match![2]}`).toBe(match![2]!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    expect(allRules.map((r) => r.id)).toEqual(ids);
  });

  it('registers every rule file, and each file is named after its rule id', async () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && !NOT_RULES.includes(f)).map((f) => f.replace(/\.ts$/, ''));
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
