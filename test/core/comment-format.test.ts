import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockingItemLine, COMMENT_MARKER, formatCommand, type GateCommand, listedItems, parseCommands, startsWithMarker } from '../../src/core/comment-format.js';
import { codeSpan, escapeInline } from '../../src/render/escape.js';

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const word = fc.stringMatching(/^[A-Za-z0-9.,:()#'-]{1,12}$/);
const reason = fc.array(word, { maxLength: 6 }).map((words) => words.join(' '));
const command: fc.Arbitrary<GateCommand> = fc.oneof(
  fc.record({ kind: fc.constant('approve-maintenance' as const), digest: hex(16), reason }).chain((c) =>
    fc.option(fc.stringMatching(/^20\d\d-\d\d-\d\dT\d\d:\d\dZ$/), { nil: undefined }).map((window) => (window ? { ...c, window } : c)),
  ),
  fc.record({ kind: fc.constant('revoke-maintenance' as const), reason }),
  fc.record({ kind: fc.constant('acknowledge' as const), keys: fc.array(fc.oneof(hex(16), hex(10).map((h) => `check-${h}`)), { minLength: 1, maxLength: 4 }), reason }),
);

describe('commands: written and read back', () => {
  it('parseCommands reads back what formatCommand writes, one command per line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 4 }), async (commands) => {
        const reasonsThatLookLikeKeys = commands.some((c) => c.kind === 'acknowledge' && /^(?:[0-9a-f]{16}|check-[0-9a-f]{10})\b/.test(c.reason));
        fc.pre(!reasonsThatLookLikeKeys && commands.every((c) => !(c.kind === 'approve-maintenance' && /^window=/.test(c.reason))));
        expect(await parseCommands(commands.map(formatCommand).join('\n'))).toEqual(commands);
      }),
    );
  });

  it('reads the digest in any case and a reason that starts with a non-hex word', async () => {
    expect(await parseCommands('/approve-maintenance 3F9A2C1B4D5E6F70 window=2026-12-06T02:00Z Saturday, DBA on call')).toEqual([
      { kind: 'approve-maintenance', digest: '3f9a2c1b4d5e6f70', window: '2026-12-06T02:00Z', reason: 'Saturday, DBA on call' },
    ]);
    expect(await parseCommands('/approve-maintenance looks good')).toEqual([{ kind: 'approve-maintenance', digest: '', reason: 'looks good' }]);
  });
});

describe('commands count only where GitHub renders them as a line of a top-level paragraph', () => {
  const c = '/approve-maintenance 3f9a2c1b4d5e6f70 ok';
  it.each([
    ['a paragraph line', `Looks good.\n${c}`],
    ['after a blank line following a quote', `> quoted\n\n${c}`],
    ['after an HTML block that closes', `<!-- note -->\n\n${c}`],
    ['after a <details> block that closed', `<details>\n\nx\n\n</details>\n\n${c}`],
    ['with a hard break before it', `Looks good.  \n${c}`],
  ])('counts %s', async (_, body) => {
    expect(await parseCommands(body)).toHaveLength(1);
  });

  it.each([
    ['a block quote', `> ${c}`],
    ['a lazy block quote continuation line', `> quoted\n${c}`],
    ['a fenced block', `\`\`\`\n${c}\n\`\`\``],
    ['a fence "closed" by a line with an info string', `\`\`\`\nx\n\`\`\` sql\n${c}\n\`\`\``],
    ['a tilde fence', `~~~~\n${c}\n~~~~`],
    ['an indented code block', `    ${c}`],
    ['an HTML comment', `<!--\n${c}\n-->`],
    ['an inline HTML comment spanning lines', `note <!--\n${c}\n-->`],
    ['<pre>', `<pre>\n${c}\n</pre>`],
    ['<details> with blank lines', `<details>\n\n${c}\n\n</details>`],
    ['<details> opened inline', `Summary <details>\n\n${c}\n\n</details>`],
    ['a list item', `- ${c}`],
    ['a numbered list item', `1. ${c}`],
    ['a heading', `# ${c}`],
    ['a setext heading', `${c}\n---`],
    ['the middle of a line', `please ${c}`],
    ['a code span', `\`${c}\``],
    ['a link', `[${c}](https://example.com)`],
    ['emphasis', `*${c}*`],
    ['a table', `| a |\n| - |\n| ${c} |`],
    ['a longer word', '/approve-maintenancex 3f9a2c1b4d5e6f70'],
  ])('ignores a command in %s', async (_, body) => {
    expect(await parseCommands(body)).toEqual([]);
  });
});

describe('the sticky comment and its items', () => {
  it('is recognised only by its marker as the first line', () => {
    expect(startsWithMarker(`${COMMENT_MARKER}\n## migration-guard`, COMMENT_MARKER)).toBe(true);
    expect(startsWithMarker(`quoted:\n${COMMENT_MARKER}`, COMMENT_MARKER)).toBe(false);
    expect(startsWithMarker(`${COMMENT_MARKER} and more`, COMMENT_MARKER)).toBe(false);
  });

  it('reads back the blocking items it writes (and nothing that only looks like one)', () => {
    const items = [
      { location: 'db/migrations/002_drop.sql:1', ruleId: 'ban-drop-column', key: '0123456789abcdef' },
      { location: 'db/migrations/003 a|b.sql:12', ruleId: 'require-concurrent-index-creation', key: 'fedcba9876543210' },
    ];
    const body = [
      COMMENT_MARKER,
      ...items.map((i) => blockingItemLine(codeSpan(i.location), i.ruleId, escapeInline('Dropping a column <!-- x -->'), i.key)),
      '> - `x.sql:1` **ban-drop-column**: quoted <!-- mg:key=1111111111111111 -->',
    ].join('\n');
    expect(listedItems(body)).toEqual(items.map((i) => ({ ...i, location: codeSpan(i.location).slice(1, -1) })));
  });
});

describe('what the command reader keeps', () => {
  const c = '/approve-maintenance 3f9a2c1b4d5e6f70 ok';
  it.each([
    ['an HTML comment that holds an element', `<!-- <details> -->\n\n${c}`],
    ['a void element', `<img src="x.png">\n\n${c}`],
    ['a void element in upper case', `<BR>\n\n${c}`],
    ['a self-closed element', `<span/>\n\n${c}`],
    ['an element opened in a paragraph and closed by a later block', `Summary <details>\n\nx\n\n</details>\n\n${c}`],
    ['a paragraph that names an element as text', `Use &lt;details&gt; for long output.\n${c}`],
  ])('counts a command after %s', async (_, body) => {
    expect(await parseCommands(body)).toHaveLength(1);
  });

  it('ignores a command inside an element with attributes, or opened earlier in its paragraph', async () => {
    expect(await parseCommands(`<details open>\n\n${c}\n\n</details>`)).toEqual([]);
    expect(await parseCommands(`Note <details>\n${c}\n</details>`)).toEqual([]);
  });

  it('needs the command word to end the line or be followed by a space', async () => {
    expect(await parseCommands('/approve-maintenance!')).toEqual([]);
    expect(await parseCommands('/acknowledge: 0123456789abcdef')).toEqual([]);
  });

  it('takes the first word as the digest only when all of it is hex', async () => {
    expect(await parseCommands('/approve-maintenance deadline tomorrow')).toEqual([{ kind: 'approve-maintenance', digest: '', reason: 'deadline tomorrow' }]);
    expect(await parseCommands('/approve-maintenance bad1dea')).toEqual([{ kind: 'approve-maintenance', digest: 'bad1dea', reason: '' }]);
  });

  it('keeps the text of code spans and emphasis in the reason, and drops inline HTML tags', async () => {
    expect(await parseCommands('/revoke-maintenance see `db/1.sql` and *this* <b>now</b>')).toEqual([{ kind: 'revoke-maintenance', reason: 'see db/1.sql and this now' }]);
  });
});

describe('the markers and listed items, in detail', () => {
  it('recognises a marker alone, or followed by a CRLF line', () => {
    expect(startsWithMarker(COMMENT_MARKER, COMMENT_MARKER)).toBe(true);
    expect(startsWithMarker(`${COMMENT_MARKER}\r\nbody`, COMMENT_MARKER)).toBe(true);
    expect(startsWithMarker(`body\r\n${COMMENT_MARKER}\r\n`, COMMENT_MARKER)).toBe(false);
  });

  it('reads back an item whose location links to the file', () => {
    const line = blockingItemLine(`[${codeSpan('db/1.sql:3')}](https://github.com/o/r/blob/abc/db/1.sql#L3)`, 'ban-drop-column', 'text', '0123456789abcdef');
    expect(listedItems(line)).toEqual([{ location: 'db/1.sql:3', ruleId: 'ban-drop-column', key: '0123456789abcdef' }]);
    expect(listedItems(line.replace('(https', '(bad url https'))).toEqual([]);
    expect(listedItems(`${line} and more`)).toEqual([]);
  });
});
