/**
 * StatementFacts answers "what did the statements before this one do to this key?" in
 * migration order, continuing from its last answer; newMigrationFacts reads only the up
 * sections of the change's new migrations (per file with scope each-file). The class is
 * driven here with statements whose text names their facts (`key=fact`); the scopes are
 * seen through require-constraint-pre-check, whose null-column facts are new-migration facts.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type Scope } from '../../src/core/analyze.js';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import type { Statement } from '../../src/core/parse.js';
import type { AnalyzedFile } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { findRule } from '../../src/rules/index.js';
import { columnKey, StatementFacts } from '../../src/rules/support/statement-facts.js';

/** A statement of a test file: its index, and facts written `key=fact` in its text. */
const statement = (index: number, text = ''): Statement => ({ index, text, node: {}, kind: 'Unknown', section: 'up' }) as unknown as Statement;

/** A file of the list: only its statements matter to StatementFacts (files are told apart by identity). */
const fileWith = (...texts: string[]) => ({ statements: texts.map((text, index) => statement(index, text)) }) as unknown as AnalyzedFile;

/** The facts of each key in order: the state is the list of facts taken in. */
function factsOf(files: AnalyzedFile[]): StatementFacts<string, string[]> {
  return new StatementFacts<string, string[]>(
    files,
    (file) => file.statements,
    (read, record) => {
      for (const pair of read.text.split(' ').filter(Boolean)) {
        const [key, fact] = pair.split('=');
        record(key!, fact!);
      }
    },
    { initial: [], step: (state, fact) => [...state, fact] },
  );
}

describe('StatementFacts', () => {
  const first = fileWith('x=1', 'y=1', 'x=2', '');
  const second = fileWith('x=3', 'x=4');

  it('takes the facts of earlier files and of earlier statements of the same file', () => {
    const facts = factsOf([first, second]);
    expect(facts.stateBefore(first, first.statements[2]!, 'x')).toEqual(['1']);
    expect(facts.stateBefore(second, second.statements[1]!, 'x')).toEqual(['1', '2', '3']);
    expect(facts.stateBefore(second, second.statements[1]!, 'z')).toEqual([]);
  });

  it('answers a question about an earlier place after a later one: a later file\'s facts never count, whatever their statement index', () => {
    const facts = factsOf([first, second]);
    expect(facts.stateBefore(second, second.statements[1]!, 'x')).toEqual(['1', '2', '3']);
    expect(facts.stateBefore(first, first.statements[3]!, 'x')).toEqual(['1', '2']);
  });

  it('counts a file that is not in the list as after every file', () => {
    const facts = factsOf([first, second]);
    const elsewhere = fileWith('');
    expect(facts.stateBefore(elsewhere, elsewhere.statements[0]!, 'x')).toEqual(['1', '2', '3', '4']);
    expect(factsOf([]).stateBefore(elsewhere, elsewhere.statements[0]!, 'x')).toEqual([]);
  });
});

describe('columnKey', () => {
  it('folds the table as relationKey does and the column to lower case', () => {
    expect(columnKey('Public.Users', 'Email')).toBe(columnKey('users', 'email'));
  });

  it('keeps apart columns whose names only meet when upper-cased (ß and ss)', () => {
    expect(columnKey('streets', 'straße')).not.toBe(columnKey('streets', 'strasse'));
  });
});

describe('new-migration facts (seen through the null columns of require-constraint-pre-check)', () => {
  const rule = findRule('require-constraint-pre-check')!;
  const addHandle = 'ALTER TABLE users ADD COLUMN handle text;';
  const indexHandle = 'CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);';
  const preChecks = async (files: InputFile[], scope: Scope) => {
    const report = await analyze({ files, config: defaultConfig(), rules: [rule], discover: discoverMigrations, scope });
    return report.findings.filter((f) => f.ruleId === rule.id).map((f) => `${f.file}: ${f.messageId}`);
  };

  it('with scope each-file, reads the file itself: its new column holds only NULLs', async () => {
    expect(await preChecks([{ path: 'migrations/20260101000000_handle.up.sql', text: `${addHandle}\n${indexHandle}`, change: 'added' }], 'each-file')).toEqual([]);
  });

  it('with scope each-file, the files before are applied history, not new', async () => {
    const files: InputFile[] = [
      { path: 'migrations/20260101000000_handle.up.sql', text: addHandle, change: 'added' },
      { path: 'migrations/20260101000001_handle_key.up.sql', text: indexHandle, change: 'added' },
    ];
    expect(await preChecks(files, 'each-file')).toEqual(['migrations/20260101000001_handle_key.up.sql: duplicates']);
    expect(await preChecks(files, 'change')).toEqual([]);
  });

  it('reads only the migrations the change adds: an edited applied migration is not new', async () => {
    const files: InputFile[] = [
      { path: 'migrations/20250101000000_handle.up.sql', text: addHandle, change: 'modified', baseText: 'SELECT 1;' },
      { path: 'migrations/20260101000000_handle_key.up.sql', text: indexHandle, change: 'added' },
    ];
    expect(await preChecks(files, 'change')).toContain('migrations/20260101000000_handle_key.up.sql: duplicates');
  });

  it('reads only up sections: a Down section written first is not run by the up migration', async () => {
    const goose = '-- +goose Down\nALTER TABLE users DROP COLUMN handle;\nALTER TABLE users ADD COLUMN handle text;\n-- +goose Up\n' + indexHandle;
    expect(await preChecks([{ path: 'migrations/20260101000000_handle_key.sql', text: goose, change: 'added' }], 'change')).toEqual(['migrations/20260101000000_handle_key.sql: duplicates']);
  });
});
