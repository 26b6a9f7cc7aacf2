/**
 * dbmate: `-- migrate:up` and `-- migrate:down` in one file, read as dbmate's parser reads them
 * (pkg/dbmate/migration.go, parseMigrationContents, https://github.com/amacneil/dbmate):
 *  - the FIRST line matching `^--\s*migrate:up(\s*$|\s+\S+)` opens the up block and the FIRST
 *    matching `^--\s*migrate:down(\s*$|\s+\S+)$` (at most one word after it) the down block;
 *    the up block runs to the down marker, the down block to the end of the file. Any other
 *    marker-like line is an ordinary comment inside whichever block holds it;
 *  - dbmate refuses a file without an up marker, without a down marker, with the down marker
 *    first, or with anything but blank and comment lines before the up marker;
 *  - options are the `key:value` words of a marker's line; `transaction:false` runs that block
 *    without dbmate's transaction.
 */
import type { InputFile, MigrationNote, Section } from '../core/migration.js';
import { LineIndex } from '../core/source.js';
import { sectionedConvention, type SectionedReading } from './sectioned.js';

// NOTE: Go's `\s` is [\t\n\f\r ] (ASCII only) and its multi-line `^`/`$` see only `\n`, where
// JavaScript's also see `\r`, U+2028 and U+2029: the patterns spell both out.
const GO_SPACE = '[\\t\\n\\f\\r ]';
const LINE_START = '(?<=^|\\n)';
const LINE_END = '(?=\\n|$)';
const UP = new RegExp(`${LINE_START}--${GO_SPACE}*migrate:up(?:${GO_SPACE}*${LINE_END}|${GO_SPACE}+[^\\t\\n\\f\\r ]+)`);
const DOWN = new RegExp(`${LINE_START}--${GO_SPACE}*migrate:down(?:${GO_SPACE}*${LINE_END}|${GO_SPACE}+[^\\t\\n\\f\\r ]+)${LINE_END}`);
/** Any line that looks like a marker: what makes a file dbmate's at all. */
const MARKER_LIKE = /^--\s*migrate:(?:up|down)\b.*$/gm;

/** dbmate's parseMigrationOptions: `key:value` words of the block's first line; the last of a key wins. */
function runsInTransaction(text: string, blockStart: number): boolean {
  const lineEnd = text.indexOf('\n', blockStart);
  const firstLine = text.slice(blockStart, lineEnd === -1 ? text.length : lineEnd);
  let transaction: string | undefined;
  for (const word of firstLine.trim().split(/[\t\n\f\r ]+/)) {
    const pair = word.split(':');
    if (pair.length === 2 && pair[0] === 'transaction') transaction = pair[1];
  }
  return transaction !== 'false';
}

/** Where a block's SQL starts: after the line that holds the end of its marker. */
function afterMarkerLine(text: string, marker: RegExpExecArray): number {
  const lineEnd = text.indexOf('\n', marker.index + marker[0].length);
  return lineEnd === -1 ? text.length : lineEnd;
}

/** dbmate's statementsPrecedeMigrateBlocks: a line before the up marker that is neither blank nor a comment. */
function statementBefore(text: string, upStart: number): number | undefined {
  let offset = 0;
  for (const line of text.slice(0, upStart).split('\n')) {
    if (!/^[\t\n\f\r ]*$/.test(line) && !/^[\t\n\f\r ]*--/.test(line)) return offset;
    offset += line.length + 1;
  }
  return undefined;
}

function read(file: InputFile): SectionedReading | undefined {
  const { text } = file;
  const lookalikes = [...text.matchAll(MARKER_LIKE)];
  if (lookalikes.length === 0) return undefined;
  const up = UP.exec(text);
  const down = DOWN.exec(text);
  const notes: MigrationNote[] = [];
  const lineOf = (offset: number) => new LineIndex(text).positionAt(offset).line;
  const refuse = (message: string) => notes.push({ severity: 'error', message: `dbmate refuses this file: "${message}"` });
  // NOTE: dbmate stops at the first of these, in this order.
  const before = up ? statementBefore(text, up.index) : undefined;
  if (!up) refuse("dbmate requires each migration to define an up block with '-- migrate:up'");
  else if (!down) refuse("dbmate requires each migration to define a down block with '-- migrate:down'");
  else if (up.index > down.index) refuse("dbmate requires '-- migrate:up' to appear before '-- migrate:down'");
  else if (before !== undefined) refuse(`dbmate does not support statements preceding the '-- migrate:up' block (line ${lineOf(before)})`);
  for (const lookalike of lookalikes) {
    if (lookalike.index === up?.index || lookalike.index === down?.index) continue;
    notes.push({
      severity: 'warning',
      message: `dbmate reads line ${lineOf(lookalike.index)} ("${lookalike[0].trim()}") as a plain comment: it takes only the first \`-- migrate:up\` and the first \`-- migrate:down\` (with at most one option after it), so the SQL after this line runs in the ${down && lookalike.index > down.index ? 'down' : 'up'} block. Remove the line or merge the blocks.`,
    });
  }
  const markers = [up && { role: 'up' as const, match: up }, down && { role: 'down' as const, match: down }].filter((m) => !!m).sort((a, b) => a.match.index - b.match.index);
  const sections: Section[] = markers.map(({ role, match }, i) => ({
    role,
    start: afterMarkerLine(text, match),
    end: markers[i + 1]?.match.index ?? text.length,
    implicitTransaction: runsInTransaction(text, match.index),
  }));
  return { sections, notes };
}

export const dbmate = sectionedConvention({ id: 'dbmate', read });
