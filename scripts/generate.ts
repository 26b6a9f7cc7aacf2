// Writes the files derived from the rule registry: docs/rules/*.md, schema/config.schema.json
// and the README rule table. Stale docs fail test/generated.test.ts.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedFiles, readmeWithRuleTable } from './generated-files.js';

const root = path.resolve(import.meta.dirname, '..');
const files = generatedFiles();
await mkdir(path.join(root, 'docs/rules'), { recursive: true });
await mkdir(path.join(root, 'schema'), { recursive: true });
for (const existing of await readdir(path.join(root, 'docs/rules'))) {
  if (!files.has(`docs/rules/${existing}`)) await rm(path.join(root, 'docs/rules', existing));
}
for (const [file, text] of files) await writeFile(path.join(root, file), text);
const readmePath = path.join(root, 'README.md');
await writeFile(readmePath, readmeWithRuleTable(await readFile(readmePath, 'utf8')));
console.log(`wrote ${files.size} generated files and the README rule table`);
