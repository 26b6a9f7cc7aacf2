/**
 * Ignore comments read from the text, without the parser: syntax, positions, reasons and
 * squawk's comments; and which statement an ignore covers (applySuppressions over spans).
 * The end-to-end behaviour through the engine is test/suppressions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { Statement } from '../../src/core/parse.js';
import { LineIndex } from '../../src/core/source.js';
import { applySuppressions, findIgnoreComments, SQUAWK_REASON, unknownRules } from '../../src/core/suppressions.js';

const read = (text: string, squawk = false) => findIgnoreComments(new LineIndex(text), { squawk });

describe('findIgnoreComments', () => {
  it('reads scope, rules (spaces or commas), the reason after `reason:` in any case, and where the comment is', () => {
    const text = 'SELECT 1;\n  --   migration-guard:ignore ban-drop-column,  ban-rename-column REASON :  phase 3\r\nSELECT 2;';
    const [comment, ...rest] = read(text);
    expect(rest).toEqual([]);
    const start = text.indexOf('--');
    expect(comment).toEqual({
      scope: 'statement',
      syntax: 'migration-guard',
      rules: ['ban-drop-column', 'ban-rename-column'],
      reason: 'phase 3',
      line: 2,
      column: 3,
      startOffset: start,
      endOffset: text.indexOf('\n', start),
      used: 0,
    });
  });

  it('tells ignore-file from ignore, and a missing reason from an empty one', () => {
    expect(read('-- migration-guard:ignore-file all reason: window').map((c) => [c.scope, c.rules, c.reason])).toEqual([['file', ['all'], 'window']]);
    expect(read('-- migration-guard:ignore ban-drop-column').map((c) => [c.rules, c.reason])).toEqual([[['ban-drop-column'], '']]);
    expect(read('-- migration-guard:ignore reason: x').map((c) => [c.rules, c.reason])).toEqual([[[], 'x']]);
    expect(read('-- migration-guard:ignored ban-drop-column reason: x')).toEqual([]);
    expect(read('-- migration-guard:note ban-drop-column reason: x')).toEqual([]);
  });

  it('reads squawk comments only when asked, with squawk rule names mapped and in file order', () => {
    const text = '-- squawk-ignore renaming-column, ban-drop-column\n-- migration-guard:ignore ban-drop-column reason: x\n-- squawk-ignore-file\n-- squawk-ignored x\n';
    expect(read(text).map((c) => c.syntax)).toEqual(['migration-guard']);
    const comments = read(text, true);
    expect(comments.map((c) => [c.syntax, c.scope, c.rules, c.line])).toEqual([
      ['squawk', 'statement', ['ban-rename-column', 'ban-drop-column'], 1],
      ['migration-guard', 'statement', ['ban-drop-column'], 2],
      ['squawk', 'file', ['all'], 3],
    ]);
    expect(comments[0]).toMatchObject({ reason: SQUAWK_REASON, column: 1, startOffset: 0, endOffset: text.indexOf('\n'), used: 0 });
    expect(read('-- squawk-ignore\r\n', true).map((c) => c.rules)).toEqual([[]]);
    expect(read('-- migration-guard:ignore all reason: x', true).map((c) => c.syntax)).toEqual(['migration-guard']);
  });
});

describe('unknownRules', () => {
  it('names each rule that is not one, with the closest rule, and never `all`', () => {
    const [comment] = read('-- migration-guard:ignore all ban-drop-colum ban-drop-column zzzz reason: x');
    expect(unknownRules(comment!, ['ban-drop-column', 'ban-rename-column'])).toEqual([
      { name: 'ban-drop-colum', suggestion: ' (did you mean "ban-drop-column"?)' },
      { name: 'zzzz', suggestion: '' },
    ]);
  });
});

describe('applySuppressions', () => {
  /** One statement per line that starts with ALTER, up to its semicolon. */
  function statementsOf(lines: LineIndex): Statement[] {
    const statements: Statement[] = [];
    let offset = 0;
    for (const line of lines.text.split('\n')) {
      if (line.startsWith('ALTER')) {
        const end = offset + line.indexOf(';');
        statements.push({ index: statements.length, kind: 'AlterTableStmt', text: line, span: lines.span(offset, end) } as unknown as Statement);
      }
      offset += line.length + 1;
    }
    return statements;
  }
  function findingsOn(statements: Statement[], ruleId = 'ban-drop-column'): Finding[] {
    return statements.map((statement) => ({ ruleId, span: statement.span }) as unknown as Finding);
  }
  function apply(text: string, ruleId = 'ban-drop-column', unsuppressible: string[] = [], reversed = false) {
    const lines = new LineIndex(text);
    const statements = statementsOf(lines);
    const findings = findingsOn(statements, ruleId);
    const ignores = findIgnoreComments(lines);
    // NOTE: statements inside DO blocks follow their block in the list: the order is not the text's.
    applySuppressions(findings, ignores, reversed ? [...statements].reverse() : statements, new Set(unsuppressible));
    return { findings: findings.map((f) => f.suppression && `${f.suppression.kind}@${f.suppression.line}`), used: ignores.map((i) => i.used) };
  }

  it('covers the next statement only, wherever in the file the comment is', () => {
    expect(apply('ALTER a;\n-- migration-guard:ignore ban-drop-column reason: x\n\nALTER b;\nALTER c;')).toEqual({ findings: [undefined, 'inline@2', undefined], used: [1] });
    expect(apply('-- migration-guard:ignore ban-drop-column reason: x\nALTER a;\nALTER b;\nALTER c;')).toEqual({ findings: ['inline@1', undefined, undefined], used: [1] });
    expect(apply('ALTER a;\nALTER b;\n-- migration-guard:ignore ban-drop-column reason: x\nALTER c;')).toEqual({ findings: [undefined, undefined, 'inline@3'], used: [1] });
    expect(apply('ALTER a;\n-- migration-guard:ignore ban-drop-column reason: x')).toEqual({ findings: [undefined], used: [0] });
  });

  it('finds the covered statement whatever the order of the statement list', () => {
    const text = 'ALTER a;\n-- migration-guard:ignore ban-drop-column reason: x\nALTER b;\nALTER c;\n-- migration-guard:ignore ban-drop-column reason: y\nALTER d;';
    expect(apply(text, 'ban-drop-column', [], true)).toEqual({ findings: [undefined, 'inline@2', undefined, 'inline@5'], used: [1, 1] });
  });

  it('lets the first comment in the file take a finding two comments cover, and counts each use', () => {
    const text = '-- migration-guard:ignore-file ban-drop-column reason: file\n-- migration-guard:ignore all reason: one\nALTER a;\nALTER b;';
    expect(apply(text)).toEqual({ findings: ['file@1', 'file@1'], used: [2, 0] });
    const inlineFirst = '-- migration-guard:ignore all reason: one\nALTER a;\n-- migration-guard:ignore-file ban-drop-column reason: file\nALTER b;';
    expect(apply(inlineFirst)).toEqual({ findings: ['inline@1', 'file@3'], used: [1, 1] });
  });

  it('covers with a trailing comment the statement on its own line, not the next', () => {
    expect(apply('ALTER a; -- migration-guard:ignore ban-drop-column reason: x\nALTER b;')).toEqual({ findings: ['inline@1', undefined], used: [1] });
  });

  it('suppresses nothing for another rule, without a reason, or for an unsuppressible rule', () => {
    expect(apply('-- migration-guard:ignore ban-rename-column reason: x\nALTER a;')).toEqual({ findings: [undefined], used: [0] });
    expect(apply('-- migration-guard:ignore ban-drop-column\nALTER a;')).toEqual({ findings: [undefined], used: [0] });
    expect(apply('-- migration-guard:ignore-file all reason: x\nALTER a;', 'require-ignore-reason', ['require-ignore-reason'])).toEqual({ findings: [undefined], used: [0] });
  });
});
