/**
 * Facts read once from the statements of a change set's files and kept in migration order
 * under a key (a table, or a table's column), so a rule can ask "what happened to this
 * column before this statement?" and read only that column's facts.
 * NOTE: the rules used to scan every earlier statement for each question. A file of 8,000
 * SET NOT NULL, DROP DEFAULT and ALTER COLUMN TYPE statements took 29 s (bench/).
 */
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';

/** One fact with the statement it came from: the file's place in migration order, the statement's index in it. */
interface Recorded<F> {
  file: number;
  index: number;
  fact: F;
}

/** Reads the facts of one statement and records each under its key, in statement order. */
export type FactReader<F> = (statement: Statement, record: (key: string, fact: F) => void) => void;

/**
 * The facts of a list of files in migration order. Files are read when a question first
 * reaches them, so files after the last statement asked about are never read (history
 * files are parsed on demand, see `statementsOf` in breaking-ast.ts).
 */
export class StatementFacts<F> {
  private readonly byKey = new Map<string, Array<Recorded<F>>>();
  private readonly order: Map<AnalyzedFile, number>;
  private filesRead = 0;

  constructor(
    private readonly files: readonly AnalyzedFile[],
    private readonly statementsOf: (file: AnalyzedFile) => readonly Statement[],
    private readonly read: FactReader<F>,
  ) {
    this.order = new Map(files.map((file, i) => [file, i]));
  }

  /**
   * The facts under `key` from the statements before `statement` in `file`, in migration
   * order. A file that is not in the list counts as after every file.
   */
  *before(file: AnalyzedFile, statement: Statement, key: string): Generator<F> {
    const position = this.order.get(file) ?? this.files.length;
    this.readThrough(Math.min(position, this.files.length - 1));
    for (const recorded of this.byKey.get(key) ?? []) {
      if (recorded.file > position || (recorded.file === position && recorded.index >= statement.index)) return;
      yield recorded.fact;
    }
  }

  private readThrough(last: number): void {
    for (; this.filesRead <= last; this.filesRead++) {
      const file = this.filesRead;
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

/** `build` memoised per change set: the facts are read once per run of the rules. */
export function perChangeSet<F>(build: (changeSet: ChangeSet) => StatementFacts<F>): (changeSet: ChangeSet) => StatementFacts<F> {
  const cache = new WeakMap<ChangeSet, StatementFacts<F>>();
  return (changeSet) => {
    let facts = cache.get(changeSet);
    if (!facts) cache.set(changeSet, (facts = build(changeSet)));
    return facts;
  };
}
