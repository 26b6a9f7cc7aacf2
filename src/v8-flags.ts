/**
 * The V8 flags migration-guard's processes run with, set by the entry points (src/cli,
 * src/action) before any WebAssembly is compiled, and given to the test workers
 * (vitest.config.ts) so tests run the runtime users get.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * NOTE (tier-up): V8 tiers hot WebAssembly functions up to TurboFan. libpg-query's parser
 * function is so large that this one compilation costs ~300 ms and ~550 MB of memory as soon
 * as a file has a few list items, and makes parsing no faster (BENCHMARKS.md): keep the
 * baseline (Liftoff) code.
 *
 * NOTE (code GC): Node 24's V8 aborts the process now and then when it frees WebAssembly code
 * while many PGlite databases open and close in one process (`Check failed:
 * jit_page_->allocations_.erase(addr) == 1` in ThreadIsolation::UnregisterWasmAllocation;
 * nodejs/node#64500). Without wasm code GC no code is freed before the process exits; the
 * memory it keeps is the dead code of one run. `npm run stress -- --only test-file --bare`
 * reproduces the abort without these flags (BENCHMARKS.md, Stress).
 */
export const V8_FLAGS = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--no-wasm-code-gc'] as const;

/** Applies V8_FLAGS to this process. Must run before the first WebAssembly module compiles. */
export function applyV8Flags(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
