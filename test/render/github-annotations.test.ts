// `--format github`: workflow commands as the runner reads them
// (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions, "Setting an
// error message": `::error file={name},line={line},endLine={endLine},title={title}::{message}`,
// col/endColumn on one line), with values escaped as @actions/core's command.ts escapes them.
import { describe, expect, it } from 'vitest';
import { lockInfo } from '../../src/core/locks.js';
import { escapeData, escapeProperty, renderGithubAnnotations } from '../../src/render/github-annotations.js';
import { findingOf as finding, reportOf as report } from '../support/findings.js';

describe('escaping (@actions/core command.ts)', () => {
  it('data: %, CR and LF', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
  });

  it('properties: also : and , (they separate properties)', () => {
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

describe('renderGithubAnnotations', () => {
  it('one command per finding: its severity, file, lines, columns on one line, the rule as title, message and docs', () => {
    expect(renderGithubAnnotations(report([finding()]))).toBe('::error file=db/001_drop.sql,line=3,endLine=3,col=5,endColumn=40,title=ban-drop-column::Dropping column "email" breaks running code%0A%0ADocs: https://example.test/ban-drop-column.md\n');
  });

  it('no columns across lines; the lock in the title; the safe alternative in the message; warning and notice commands', () => {
    const multiLine = { startOffset: 0, endOffset: 50, start: { line: 2, column: 1 }, end: { line: 4, column: 3 } };
    const out = renderGithubAnnotations(
      report([
        finding({ severity: 'warning', span: multiLine, lock: lockInfo('ACCESS EXCLUSIVE'), fix: 'SET lock_timeout = 1000;\nALTER TABLE ...;' }),
        finding({ severity: 'notice', file: 'db/a,b:c.sql' }),
      ]),
    );
    expect(out.split('\n')).toEqual([
      '::warning file=db/001_drop.sql,line=2,endLine=4,title=ban-drop-column (ACCESS EXCLUSIVE)::Dropping column "email" breaks running code%0A%0ASafe alternative:%0ASET lock_timeout = 1000;%0AALTER TABLE ...;%0A%0ADocs: https://example.test/ban-drop-column.md',
      '::notice file=db/a%2Cb%3Ac.sql,line=3,endLine=3,col=5,endColumn=40,title=ban-drop-column::Dropping column "email" breaks running code%0A%0ADocs: https://example.test/ban-drop-column.md',
      '',
    ]);
  });

  it('leaves suppressed findings out', () => {
    expect(renderGithubAnnotations(report([finding({ suppression: { kind: 'inline', reason: 'deliberate', line: 2 } })]))).toBe('');
  });
});
