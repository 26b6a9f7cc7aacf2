/**
 * A thin binding to libpg-query's WebAssembly build of the real PostgreSQL parser, used
 * instead of the package's JavaScript wrapper. Returns the parse tree as libpg-query's
 * JSON text, so the caller decides where to turn it into objects (on this thread, or after
 * a worker thread parsed it: src/parser/parse-pool.ts).
 *
 * NOTE: the wrapper converts strings to and from UTF-8 in JavaScript, one character at a
 * time; TextEncoder.encodeInto and TextDecoder do it natively, and the encoder tells for
 * free whether the text is ASCII (then byte offsets are character offsets): a large part of
 * the parse time on large inputs.
 *
 * Every detail of libpg-query's build this binding relies on is in PG_QUERY_BINDING, read
 * from the version it names; test/core/pg-query.test.ts fails when another version is
 * installed, and says what to re-check.
 */
import PgQueryModule from 'libpg-query/wasm/libpg-query.js';

/** The parser's error for text that does not parse. */
export interface SqlErrorLike {
  message: string;
  /** 0-based byte offset into the UTF-8 text where the parser stopped. */
  sqlDetails?: { cursorPosition?: number };
}

/** The outcome of parsing one piece of text. */
export type RawParse = { ok: true; json: string; ascii: boolean } | { ok: false; error: SqlErrorLike };

/**
 * What this binding assumes about libpg-query's WebAssembly build. NOTE: the offsets are
 * those of the C structs of libpg-query's pg_query.h compiled for wasm32 (4-byte pointers
 * and ints), the same the package's own wrapper reads (wasm/index.js, `getValue(resultPtr
 * + 8, 'i32')`); the `_wasm_*` functions are its wasm_wrapper.c. Keep every such detail
 * here.
 */
export const PG_QUERY_BINDING = {
  /** The libpg-query version (package-lock.json) these details were checked against. */
  version: '18.1.5',
  /** The WebAssembly file, as a package path (the emscripten loader is imported above). */
  wasmFile: 'libpg-query/wasm/libpg-query.wasm',
  /** Byte offsets in `PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }`. */
  parseResult: { parseTree: 0, error: 8 },
  /** Byte offsets in `PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; ... }`. */
  error: { message: 0, cursorPosition: 16 },
  /** The module's exports this binding calls or reads (PgQueryWasm). */
  exports: ['HEAPU8', 'HEAPU32', '_malloc', '_free', '_wasm_parse_query_raw', '_wasm_free_parse_result', '_wasm_parse_plpgsql', '_wasm_free_string'],
} as const satisfies { exports: ReadonlyArray<keyof PgQueryWasm> } & Record<string, unknown>;

/** The part of the emscripten module this binding uses (PG_QUERY_BINDING.exports). */
interface PgQueryWasm {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  /** Returns a `PgQueryParseResult *` (PG_QUERY_BINDING.parseResult). */
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  /** Returns a string: the JSON tree, or the error message. */
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(pointer: number): void;
}

/** The WebAssembly functions used to load the parser (the project's TypeScript libs have no DOM types). */
export const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module>; instantiate(module: WebAssembly.Module, imports: object): Promise<object> } }).WebAssembly;

let instance: PgQueryWasm | undefined;
let loading: Promise<void> | undefined;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Loads the parser once. `compiled` reuses a WebAssembly.Module compiled elsewhere (the
 * worker threads get the main thread's, so nothing compiles twice); without it the module
 * loads libpg-query.wasm itself.
 */
export function loadPgQuery(compiled?: WebAssembly.Module): Promise<void> {
  loading ??= (async () => {
    const options = compiled
      ? {
          instantiateWasm(imports: object, done: (instance: object) => void) {
            void wasmApi.instantiate(compiled, imports).then(done);
            return {};
          },
        }
      : {};
    instance = (await PgQueryModule(options)) as PgQueryWasm;
  })();
  return loading;
}

/**
 * Runs `use` with `sql` copied to the parser's heap as a NUL-terminated UTF-8 string
 * (`written` bytes before the NUL), and frees it afterwards. Requires loadPgQuery().
 */
function withQueryString<T>(sql: string, use: (wasm: PgQueryWasm, query: number, written: number) => T): T {
  const wasm = instance;
  if (!wasm) throw new Error('the SQL parser is not loaded: await loadPgQuery() first');
  // NOTE: UTF-8 takes at most 3 bytes per UTF-16 unit; +1 for the C string's NUL.
  const capacity = sql.length * 3 + 1;
  const query = wasm._malloc(capacity);
  try {
    const { written } = encoder.encodeInto(sql, wasm.HEAPU8.subarray(query, query + capacity - 1));
    wasm.HEAPU8[query + written] = 0;
    return use(wasm, query, written);
  } finally {
    wasm._free(query);
  }
}

/** Parses SQL text (one or many statements) to libpg-query's JSON. Requires loadPgQuery(). */
export function parseToJson(sql: string): RawParse {
  return withQueryString(sql, (wasm, query, written) => {
    const result = wasm._wasm_parse_query_raw(query);
    if (!result) throw new Error('the SQL parser ran out of memory');
    try {
      // NOTE: the heap views are replaced when the parser grows its memory: read them afresh.
      const word = (address: number) => wasm.HEAPU32[address >> 2]!;
      const { parseResult, error: errorFields } = PG_QUERY_BINDING;
      const tree = word(result + parseResult.parseTree);
      const error = word(result + parseResult.error);
      if (error) {
        const message = cString(wasm, word(error + errorFields.message)) || 'syntax error';
        // NOTE: cursorpos is a 1-based C int (0 when unknown).
        const cursor = word(error + errorFields.cursorPosition) | 0;
        return { ok: false, error: { message, sqlDetails: { cursorPosition: cursor > 0 ? cursor - 1 : 0 } } };
      }
      return { ok: true, json: cString(wasm, tree), ascii: written === sql.length };
    } finally {
      wasm._wasm_free_parse_result(result);
    }
  });
}

/**
 * Parses a `CREATE FUNCTION ... LANGUAGE plpgsql` statement's body with PostgreSQL's
 * PL/pgSQL parser: libpg-query's JSON (`{"plpgsql_funcs": [...]}`), or the parser's error
 * message. Requires loadPgQuery().
 */
export function parsePlpgsqlToJson(sql: string): { ok: true; json: string } | { ok: false; message: string } {
  return withQueryString(sql, (wasm, query) => {
    const result = wasm._wasm_parse_plpgsql(query);
    try {
      const text = cString(wasm, result);
      // NOTE: libpg-query returns either the JSON tree (an object) or an error message.
      return text.startsWith('{') ? { ok: true, json: text } : { ok: false, message: text || 'PL/pgSQL syntax error' };
    } finally {
      if (result) wasm._wasm_free_string(result);
    }
  });
}

/** The NUL-terminated UTF-8 string at `pointer` ('' for a null pointer). */
function cString(wasm: PgQueryWasm, pointer: number): string {
  if (!pointer) return '';
  const heap = wasm.HEAPU8;
  return decoder.decode(heap.subarray(pointer, heap.indexOf(0, pointer)));
}
