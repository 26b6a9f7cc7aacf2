// `npm run test:corpus`: the tests that need the DEV corpus next to the repository
// (../shared/corpus). `npm test` leaves them out (vitest.config.ts), so a clone passes alone;
// .ci/run runs them too when the corpus is there.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({ test: { ...base.test, include: ['test/corpus/**/*.test.ts'], exclude: ['node_modules/**'] } });
