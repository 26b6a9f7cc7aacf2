/**
 * The release setup (docs/releasing.md): release-please's files agree with package.json, the
 * release workflow checks the tagged dist/ and moves the major tag, and npm publishing
 * carries provenance. Read from the files, since releases only run on GitHub.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;
const workflow = (file: string) => parse(readFileSync(path.join(ROOT, '.github/workflows', file), 'utf8')) as { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { steps?: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }>; uses?: string; permissions?: Record<string, string> }> };
const runs = (job: { steps?: Array<{ run?: string }> }) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('releases', () => {
  const pkg = json('package.json') as { name: string; version: string };

  it('release-please versions the package that package.json names, from its current version', () => {
    const config = json('release-please-config.json') as { 'release-type': string; packages: Record<string, { 'package-name': string }> };
    expect(config['release-type']).toBe('node');
    expect(config.packages['.']!['package-name']).toBe(pkg.name);
    expect(json('.release-please-manifest.json')['.']).toBe(pkg.version);
  });

  it('the release workflow runs release-please, rebuilds dist/ on its pull request, checks the tag and moves the major tag', () => {
    const release = workflow('release.yml');
    const steps = Object.values(release.jobs).flatMap((job) => job.steps ?? []);
    expect(steps.find((s) => s.uses?.startsWith('googleapis/release-please-action@'))?.with).toMatchObject({ 'config-file': 'release-please-config.json', 'manifest-file': '.release-please-manifest.json' });
    expect(runs(release.jobs['rebuild-dist-on-release-pr']!)).toContain('npm run bundle');
    const tagged = runs(release.jobs.release!);
    expect(tagged).toContain('npm run check-dist');
    expect(tagged).toMatch(/git tag --force "\$MAJOR_TAG"/);
    expect(tagged).toMatch(/git push --force origin "refs\/tags\/\$MAJOR_TAG"/);
    expect(release.jobs.publish!.uses).toBe('./.github/workflows/publish.yml');
  });

  it('npm publishing checks dist/ and the tag, and signs provenance with the workflow\'s OIDC token', () => {
    const publish = workflow('publish.yml');
    expect(Object.keys(publish.on)).toEqual(expect.arrayContaining(['workflow_call', 'workflow_dispatch']));
    expect(publish.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
    const script = runs(publish.jobs.publish!);
    expect(script).toContain('npm run check-dist');
    expect(script).toMatch(/npm publish --provenance/);
  });
});
