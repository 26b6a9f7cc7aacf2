/**
 * Facts read once from the statements of a change set's files and kept in migration order
 * under a key (a table, or a table's column), so a rule can ask "what did the statements
 * before this one do to this column?" and read only that column's facts.
 * NOTE: scanning every earlier statement for each question would be quadratic in the
 * length of a file (one column changed by thousands of statements, for one).
 */
import { relationKey } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';

/** One fact with the statement it came from: the file's place in migration order, the statement's index in it. */
interface Recorded<F> {
  file: number;
  index: number;
  fact: F;
}

/** Reads the facts of one statement and records each under its key, in statement order. Called once per statement, in migration order. */
export type FactReader<F> = (statement: Statement, record: (key: string, fact: F) => void) => void;

/** How the facts of one key add up, in migration order. NOTE: `step` must return a new state, not change the one it gets: answers are kept and continued. */
export interface FactFold<F, S> {
  initial: S;
  step(state: S, fact: F): S;
}

/** The last answer for a key: where it was asked, how many of its facts it took in, and the state they add up to. */
interface Answer<S> {
  file: number;
  index: number;
  taken: number;
  state: S;
}

/**
 * The facts of a list of files in migration order, folded per key. Files are read when a
 * question first reaches them, so files after the last statement asked about are never
 * read (history files are parsed on demand, see ChangeSet.statementsOf).
 */
export class StatementFacts<F, S> {
  private readonly byKey = new Map<string, Array<Recorded<F>>>();
  private readonly answers = new Map<string, Answer<S>>();
  private readonly order: Map<AnalyzedFile, number>;
  private filesRead = 0;

  constructor(
    private readonly files: readonly AnalyzedFile[],
    private readonly statementsOf: (file: AnalyzedFile) => readonly Statement[],
    private readonly read: FactReader<F>,
    private readonly fold: FactFold<F, S>,
  ) {
    this.order = new Map(files.map((file, i) => [file, i]));
  }

  /**
   * What the facts under `key` from the statements before `statement` in `file` add up to.
   * A file that is not in the list counts as after every file.
   * NOTE: continued from the key's last answer when asked at a later statement, as the
   * engine asks (in migration order): a column changed by 20,000 statements is folded once,
   * not once per statement.
   */
  stateBefore(file: AnalyzedFile, statement: Statement, key: string): S {
    const position = this.order.get(file) ?? this.files.length;
    this.readThrough(Math.min(position, this.files.length - 1));
    const before = (at: { file: number; index: number }) => at.file < position || (at.file === position && at.index < statement.index);
    const facts = this.byKey.get(key) ?? [];
    const last = this.answers.get(key);
    const continued = last && (last.file < position || (last.file === position && last.index <= statement.index));
    let { taken, state } = continued ? last : { taken: 0, state: this.fold.initial };
    for (; taken < facts.length && before(facts[taken]!); taken++) state = this.fold.step(state, facts[taken]!.fact);
    this.answers.set(key, { file: position, index: statement.index, taken, state });
    return state;
  }

  private readThrough(last: number): void {
    while (this.filesRead <= last) {
      // NOTE: counted before reading: a file whose reading fails is not read twice (its facts would be recorded twice).
      const file = this.filesRead++;
      for (const statement of this.statementsOf(this.files[file]!)) {
        this.read(statement, (key, fact) => {
          const recorded = { file, index: statement.index, fact };
          const known = this.byKey.get(key);
          if (known) known.push(recorded);
          else this.byKey.set(key, [recorded]);
        });
      }
    }
  }
}

/** The key of a table's column for facts kept per column (any spelling of the table: relationKey; the column in lower case). */
export function columnKey(table: string, column: string): string {
  return `${relationKey(table)}\0${column.toLowerCase()}`;
}

/** `build` once per change set (ChangeSet.derived): the facts are read once per run of the rules. */
export function perChangeSet<F, S>(build: (changeSet: ChangeSet) => StatementFacts<F, S>): (changeSet: ChangeSet) => StatementFacts<F, S> {
  return (changeSet) => changeSet.derived(build);
}

/**
 * Facts of the migrations that are new (unapplied) for the statements of a file, built once
 * per change set: the up sections of the change's added files together (scope `change`), or
 * of the file alone (scope `each-file`: the files before it are its applied history). What
 * they create is new: no running code knows it (docs/scope.md).
 */
export function newMigrationFacts<F, S>(read: FactReader<F>, fold: FactFold<F, S>): (changeSet: ChangeSet, file: AnalyzedFile) => StatementFacts<F, S> {
  const readUp: FactReader<F> = (statement, record) => {
    if (statement.section === 'up') read(statement, record);
  };
  const build = (changeSet: ChangeSet) => {
    const facts = (files: readonly AnalyzedFile[]) => new StatementFacts(files.filter((f) => f.input.change === 'added'), (f) => f.statements, readUp, fold);
    const whole = changeSet.scope === 'change' ? facts(changeSet.changed) : undefined;
    const perFile = new Map<AnalyzedFile, StatementFacts<F, S>>();
    return (file: AnalyzedFile) => {
      if (whole) return whole;
      if (!perFile.has(file)) perFile.set(file, facts([file]));
      return perFile.get(file)!;
    };
  };
  return (changeSet, file) => changeSet.derived(build)(file);
}
