/** libpg-query's emscripten loader (the package's wasm/libpg-query.js), which ships no types. */
declare module 'libpg-query/wasm/libpg-query.js' {
  /** Instantiates the parser; `options` are emscripten Module settings (e.g. instantiateWasm). */
  const createModule: (options?: object) => Promise<unknown>;
  export default createModule;
}
