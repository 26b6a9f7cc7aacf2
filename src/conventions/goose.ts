/**
 * goose: `-- +goose Up` and `-- +goose Down` in one file, read line by line as goose's parser
 * does (internal/sqlparser/parser.go of pressly/goose v3.27, https://github.com/pressly/goose):
 *  - a line whose trimmed text starts with `--` and contains `+goose` is an annotation: `Up`,
 *    `Down`, `StatementBegin`, `StatementEnd`, `NO TRANSACTION`, `ENVSUB ON|OFF`, in any case
 *    (since v3.19.0; before, only the exact spelling was one and any other line a comment).
 *    Leading blanks, a second `+goose` or any other word make goose refuse the file;
 *  - one Up first, at most one Down after it; nothing but blank and comment lines before Up;
 *  - `NO TRANSACTION` anywhere runs both directions without goose's transaction;
 *  - outside StatementBegin/StatementEnd, goose cuts a statement after each line whose last
 *    word (before a `--` word) ends with `;`, and refuses a section that ends mid-statement.
 * A file goose refuses gets an error note; its sections are still read, so its SQL is linted.
 */
import type { InputFile, MigrationNote, Section } from '../core/migration.js';
import { LineIndex } from '../core/source.js';
import { splitStatements } from '../core/split.js';
import { sectionedConvention, type SectionedReading } from './sectioned.js';

const ANNOTATIONS = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION', 'ENVSUB ON', 'ENVSUB OFF'] as const;
type Annotation = (typeof ANNOTATIONS)[number];
type State = 'start' | 'up' | 'down';

interface Line {
  /** 1-based. */
  number: number;
  text: string;
  start: number;
  /** Offset just after the line's `\n` (or the end of the file). */
  next: number;
}

/** bufio.ScanLines: lines split at `\n`, a trailing `\r` dropped, no empty last line. */
function linesOf(text: string): Line[] {
  const index = new LineIndex(text);
  const lines: Line[] = [];
  for (let number = 1; number <= index.lineCount && index.lineStart(number) < text.length; number++) {
    const next = number < index.lineCount ? index.lineStart(number + 1) : text.length;
    lines.push({ number, text: index.lineText(number), start: index.lineStart(number), next });
  }
  return lines;
}

/** goose's extractAnnotation: the annotation a line names, or why goose refuses the line. */
function annotationOf(line: string): Annotation | { refused: string } {
  if (line.startsWith(' ') || line.startsWith('\t')) return { refused: 'contains leading whitespace' };
  const rest = line.replaceAll('--', '').replace('+goose', '');
  if (rest.includes('+goose')) return { refused: "contains multiple '+goose' annotations" };
  const command = rest.trim();
  if (command === '') return { refused: 'empty annotation' };
  return ANNOTATIONS.find((a) => a.toLowerCase() === command.toLowerCase()) ?? { refused: `"${command}" not supported` };
}

/** goose's endsWithSemicolon: where the `;` ending the line's last word (before a `--` word) is, if any. */
function statementEnd(line: Line): number | undefined {
  let last: RegExpExecArray | undefined;
  for (const word of line.text.matchAll(/\S+/g)) {
    if (word[0].startsWith('--')) break;
    last = word;
  }
  return last?.[0].endsWith(';') ? line.start + last.index + last[0].length : undefined;
}

/** Whether goose before v3.19.0, which compared annotations exactly, reads the line as `annotation`. */
function exactBeforeV319(line: string, annotation: Annotation): boolean {
  return line.startsWith('--') && line.slice(2).trim() === `+goose ${annotation}`;
}

function read(file: InputFile): SectionedReading | undefined {
  const { text } = file;
  if (!/^\s*--\s*\+goose\s+(?:up|down)\b/im.test(text)) return undefined;
  const notes: MigrationNote[] = [];
  const fail = (where: Line | undefined, why: string, direction?: 'up' | 'down') => {
    if (notes.some((n) => n.severity === 'error')) return;
    const at = where ? ` at line ${where.number}` : '';
    notes.push({ severity: 'error', message: direction ? `goose ${direction} fails on this file${at}: ${why}` : `goose refuses this file${at}: ${why}` });
  };
  const markers: Array<{ role: 'up' | 'down'; line: Line }> = [];
  let inTransaction = true;
  let state: State = 'start';
  let inBlock = false;
  /** The first line of what goose has collected for its next statement (its buffer), if any. */
  let pending: Line | undefined;
  const unfinished = (to: number) => pending !== undefined && text.slice(pending.start, to).trim() !== '';
  const missingSemicolon = () => `the statement at line ${pending!.number} does not end with ';' on its last line ("unexpected unfinished SQL query: missing semicolon?")`;
  for (const line of linesOf(text)) {
    if (state === 'start' && line.text.trim() === '') continue;
    if (line.text.trim().startsWith('--') && line.text.includes('+goose')) {
      const annotation = annotationOf(line.text);
      if (typeof annotation === 'object') {
        fail(line, `failed to parse annotation line "${line.text}": ${annotation.refused}`);
        continue;
      }
      if (!annotation.startsWith('ENVSUB') && !exactBeforeV319(line.text, annotation)) {
        notes.push({ severity: 'warning', message: `goose before v3.19.0 reads line ${line.number} ("${line.text.trim()}") as a plain comment: write \`-- +goose ${annotation}\`.` });
      }
      if (annotation === 'Up' || annotation === 'Down') {
        if (annotation === 'Up' && state !== 'start') fail(line, "duplicate '-- +goose Up' annotations");
        else if (annotation === 'Down' && (state !== 'up' || inBlock)) fail(line, "it must start with '-- +goose Up', with one '-- +goose Down' after it, outside StatementBegin/StatementEnd");
        else {
          // NOTE: `goose up` collects the up section only (it empties its buffer on down lines and the reverse).
          if (unfinished(line.start)) fail(line, missingSemicolon(), 'up');
          pending = undefined;
          state = annotation === 'Up' ? 'up' : 'down';
          markers.push({ role: state, line });
        }
        continue;
      }
      if (annotation === 'StatementBegin') {
        if (state === 'start' || inBlock) fail(line, "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' annotation");
        inBlock = true;
        continue;
      }
      if (annotation === 'StatementEnd') {
        if (!inBlock) fail(line, "'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'");
        inBlock = false;
        pending = undefined;
        continue;
      }
      if (annotation === 'NO TRANSACTION') inTransaction = false;
      continue;
    }
    // NOTE: goose skips comment lines and empty lines only while its buffer is empty; a line
    // of blanks is not empty, so it starts a statement (of white space).
    if (!pending && (line.text.trim().startsWith('--') || line.text === '')) continue;
    if (state === 'start') {
      fail(line, `SQL before '-- +goose Up': ${line.text.trim()}`);
      continue;
    }
    pending ??= line;
    if (inBlock) continue;
    const end = statementEnd(line);
    if (end === undefined) continue;
    // NOTE: goose sends what it collected as one statement; a `;` that Postgres reads inside a
    // string, dollar quote or comment (a function body) ends goose's statement too early.
    // (A newline after the text tells a chunk ended by that `;` from one the text's end cuts.)
    const collected = text.slice(pending.start, end);
    if (!splitStatements(`${collected}\n`).some((chunk) => chunk.end === collected.length)) {
      fail(line, `goose cuts the statement that starts at line ${pending.number} after this line (its ';' is inside a string, dollar quote or comment), so Postgres gets half of it. Wrap the statement in '-- +goose StatementBegin' and '-- +goose StatementEnd'.`);
    }
    pending = undefined;
  }
  // NOTE: goose also refuses a file that never leaves the start state; a file read here has an
  // Up or Down annotation line, which goose either reads (Up leaves the start state, Down
  // before Up is refused above) or refuses, so that check would never fire.
  if (inBlock) fail(undefined, "missing '-- +goose StatementEnd' annotation");
  // (`pending` is only ever set after the start state is left.)
  if (unfinished(text.length)) fail(undefined, missingSemicolon(), state === 'down' ? 'down' : 'up');
  const sections: Section[] = markers.map(({ role, line }, i) => ({ role, start: line.next, end: markers[i + 1]?.line.start ?? text.length, implicitTransaction: inTransaction }));
  return { sections, notes };
}

export const goose = sectionedConvention({ id: 'goose', read });
