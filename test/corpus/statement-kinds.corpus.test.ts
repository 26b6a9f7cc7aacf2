/**
 * statementKinds on the whole DEV corpus (see test/statement-kinds.test.ts): the same
 * findings with the declarations and without them. Needs ../shared/corpus, so it runs in
 * `npm run test:corpus` (and .ci/run when the corpus is there), not in `npm test`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { collectPaths } from '../../src/workspace/files.js';
import { allRules } from '../../src/rules/index.js';
import { CORPUS } from '../support/corpus.js';
import { findings, undispatched } from '../support/dispatch.js';

it('statementKinds change no finding on the DEV corpus', async () => {
  for (const repo of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const { files } = await collectPaths([path.join(CORPUS, repo.name)], CORPUS);
    const expected = await findings(undispatched, files);
    expect(expected.length, `${repo.name} gives findings`).toBeGreaterThan(0);
    expect(await findings(allRules, files), repo.name).toEqual(expected);
  }
}, 120_000);
