/**
 * The DEV corpus of real migrations next to the repository (../shared/corpus, see its
 * SOURCES.md). A clone of the project does not have it: tests that need it live in
 * test/corpus/ and run with `npm run test:corpus` (vitest.corpus.config.ts), never in `npm test`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');

if (!existsSync(CORPUS)) throw new Error(`the DEV corpus is not at ${CORPUS}; test/corpus/ needs it (npm test does not)`);
