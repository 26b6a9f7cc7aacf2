// Escaping user text for GitHub Markdown (src/render/escape.ts), output pinned character by
// character: CommonMark backslash escapes (spec 2.4: any ASCII punctuation may be escaped),
// code spans opened and closed by equal backtick runs, padded when the content starts or
// ends with a backtick (spec 6.1), fences longer than any run inside (spec 4.5).
import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan, escapeInline } from '../../src/render/escape.js';

const ZWSP = '\u200b';

describe('escapeInline', () => {
  it('puts the text on one line', () => {
    expect(escapeInline('a\r\nb\nc')).toBe('a b c');
  });

  it('writes &, < and > as entities', () => {
    expect(escapeInline('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('backslash-escapes every Markdown-active character', () => {
    for (const c of '\\`*_{}[]()#+!|~') expect(escapeInline(`a${c}b`), c).toBe(`a\\${c}b`);
    expect(escapeInline('plain text, 1.5 - ok')).toBe('plain text, 1.5 - ok');
  });

  it('defuses @-mentions of users and teams with a zero-width space, leaving a lone @', () => {
    expect(escapeInline('@octocat @org/team @-x @ end@')).toBe(`@${ZWSP}octocat @${ZWSP}org/team @${ZWSP}-x @ end@`);
  });
});

describe('codeSpan', () => {
  it('joins lines, and fences with one backtick more than the longest run inside', () => {
    expect(codeSpan('SELECT 1\n   FROM t\r\n  WHERE x')).toBe('`SELECT 1 FROM t WHERE x`');
    expect(codeSpan('a`b``c')).toBe('```a`b``c```');
  });

  it('pads content that starts or ends with a backtick', () => {
    expect(codeSpan('`a')).toBe('`` `a ``');
    expect(codeSpan('a`')).toBe('`` a` ``');
    expect(codeSpan('a')).toBe('`a`');
  });

  it('cuts long text with an ellipsis at the limit', () => {
    expect(codeSpan('x'.repeat(121))).toBe(`\`${'x'.repeat(119)}…\``);
    expect(codeSpan('x'.repeat(120))).toBe(`\`${'x'.repeat(120)}\``);
    expect(codeSpan('abcdef', 4)).toBe('`abc…`');
  });

  it('breaks HTML comment delimiters, so no user text opens or closes a hidden marker', () => {
    expect(codeSpan('<!-- x -->')).toBe(`\`<!${ZWSP}-- x --${ZWSP}>\``);
  });

  it('leaves pipes alone outside tables', () => {
    expect(codeSpan('a|b')).toBe('`a|b`');
  });
});

describe('codeBlock', () => {
  it('fences with three backticks, or one more than the longest backtick or tilde fence inside, with the language', () => {
    expect(codeBlock('SELECT 1;', 'sql')).toBe('```sql\nSELECT 1;\n```');
    expect(codeBlock('a ``b`` c')).toBe('```\na ``b`` c\n```');
    expect(codeBlock('````\nx')).toBe('`````\n````\nx\n`````');
    expect(codeBlock('~~~~~~\nx')).toBe('```````\n~~~~~~\nx\n```````');
  });

  it('breaks HTML comment delimiters inside', () => {
    expect(codeBlock('<!-- a -->')).toBe(`\`\`\`\n<!${ZWSP}-- a --${ZWSP}>\n\`\`\``);
  });
});
