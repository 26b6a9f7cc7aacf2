/**
 * The GitHub Action's entry point (bundled into dist/index.js): reads the runner's
 * environment and runs the action.
 */
import { applyV8Flags } from '../v8-flags.js';
import { runAction } from './run.js';

applyV8Flags();

const env = process.env;
process.exitCode = await runAction({
  eventName: env.GITHUB_EVENT_NAME ?? '',
  eventPath: env.GITHUB_EVENT_PATH ?? '',
  repository: env.GITHUB_REPOSITORY ?? '',
  workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  runnerTemp: env.RUNNER_TEMP ?? (await import('node:os')).tmpdir(),
  apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
  serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
  runId: env.GITHUB_RUN_ID ?? '0',
});
