#!/usr/bin/env node
// migration-guard CLI. Enables the compile cache (Node 22.1+; NODE_DISABLE_COMPILE_CACHE=1 turns it off), then runs cli-main.js.
import module from 'node:module';
try {
  module.enableCompileCache?.();
} catch {
  // NOTE: an unwritable cache directory only costs speed.
}
await import('./cli-main.js');
