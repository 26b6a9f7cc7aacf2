/**
 * The workflow examples in README.md and docs/ are what users copy: each must be a valid
 * workflow that triggers, holds least privilege and withdraws commands at once. Every YAML
 * block that defines a workflow (has `on:` and `jobs:`) is parsed and checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/run-action.js';

interface Workflow {
  name?: string;
  on: Record<string, { types?: string[]; workflows?: string[] } | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps: Array<{ uses?: string }> }>;
}

const documents = ['README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const workflows = documents.flatMap((doc) =>
  [...readFileSync(path.join(REPO_ROOT, doc), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((m) => parse(m[1]!) as unknown)
    .filter((y): y is Workflow => typeof y === 'object' && y !== null && 'on' in y && 'jobs' in y)
    .map((workflow) => ({ doc, workflow })),
);
const guard = workflows.filter(({ workflow }) => Object.values(workflow.jobs).some((job) => job.steps.some((step) => step.uses?.startsWith('migration-guard/migration-guard@'))));

describe('the documented workflows', () => {
  it('are found (README.md and docs/github-action.md each hold the main workflow)', () => {
    expect(new Set(guard.map((g) => g.doc))).toEqual(new Set(['README.md', 'docs/github-action.md']));
    expect(guard.length).toBeGreaterThanOrEqual(3);
  });

  it('name, in every workflow_run trigger, a workflow defined in the same document', () => {
    const triggers = workflows.filter(({ workflow }) => workflow.on.workflow_run);
    expect(triggers.length).toBeGreaterThan(0);
    for (const { doc, workflow } of triggers) {
      const defined = workflows.filter((w) => w.doc === doc && w.workflow !== workflow).map((w) => w.workflow.name);
      for (const name of workflow.on.workflow_run!.workflows ?? []) expect(defined, `${doc}: workflow_run names "${name}"`).toContain(name);
    }
  });

  it('grant no permission at the top and least privilege per job', () => {
    const allowed: Record<string, string[]> = { contents: ['read'], 'pull-requests': ['write'], statuses: ['write'], checks: ['write'], actions: ['read'] };
    for (const { doc, workflow } of guard) {
      expect(workflow.permissions, `${doc}: ${workflow.name}`).toEqual({});
      for (const [id, job] of Object.entries(workflow.jobs)) {
        expect(job.permissions, `${doc}: job ${id}`).toBeDefined();
        for (const [scope, level] of Object.entries(job.permissions!)) expect(allowed[scope], `${doc}: ${scope}: ${level}`).toContain(level);
      }
    }
  });

  it('run one job at a time per pull request, and start no job for comments outside pull requests or without a command', () => {
    for (const { doc, workflow } of guard) {
      expect(workflow.concurrency?.['cancel-in-progress'], doc).toBe(false);
      if (!workflow.on.issue_comment) continue;
      expect(workflow.concurrency!.group, doc).toContain('github.event.issue.number');
      expect(workflow.on.issue_comment.types, `${doc}: deleted and edited commands withdraw at once`).toEqual(['created', 'edited', 'deleted']);
      for (const [id, job] of Object.entries(workflow.jobs)) {
        expect(job.if, `${doc}: job ${id}`).toContain('github.event.issue.pull_request');
        for (const command of ['/approve-maintenance', '/revoke-maintenance', '/acknowledge']) {
          expect(job.if).toContain(`contains(github.event.comment.body, '${command}')`);
          expect(job.if).toContain(`contains(github.event.changes.body.from, '${command}')`);
        }
      }
    }
  });

  it('never use pull_request_target', () => {
    for (const { doc, workflow } of workflows) expect(Object.keys(workflow.on), doc).not.toContain('pull_request_target');
  });
});
