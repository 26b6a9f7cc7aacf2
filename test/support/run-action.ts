/**
 * Runs the bundled action (`node dist/index.js`) the way the GitHub runner does: event payload in
 * GITHUB_EVENT_PATH, inputs as INPUT_* variables, file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * GITHUB_STATE) in temp files, and the REST API pointed at a test server.
 *
 *   const server = await startGitHubServer({ pulls: { 7: { head: { sha }, base: { sha: baseSha }, files } } });
 *   const result = await runAction({ server, event: 'pull_request', payload: pullRequestEvent({ number: 7, headSha: sha, baseSha }), inputs: { mode: 'lint' } });
 *   expect(result.code).toBe(0);
 *   expect(server.violations).toEqual([]);
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TOKEN, type GitHubServer } from './github-server.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js');

export type EventName = 'pull_request' | 'pull_request_target' | 'issue_comment' | 'workflow_run' | 'merge_group' | 'push' | 'workflow_dispatch' | (string & {});

export interface RunActionOptions {
  server: Pick<GitHubServer, 'url'> & Partial<Pick<GitHubServer, 'state'>>;
  event: EventName;
  payload: Record<string, unknown>;
  /** Action inputs by their action.yml name, e.g. { 'github-token': 'test-token', mode: 'lint' }. */
  inputs?: Record<string, string>;
  /** GITHUB_WORKSPACE (default: a fresh temp dir, removed afterwards). */
  workspace?: string;
  /** Extra / overriding environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Sets INPUT_GITHUB-TOKEN (unless inputs has it) and GITHUB_TOKEN. Default `test-token`. */
  token?: string;
  /** Script to run (default <repo>/dist/index.js). */
  entry?: string;
  /** Milliseconds before the process is killed (default 60 000). */
  timeout?: number;
  /** Keep the temp dir (event file, output files) for debugging. */
  keepTemp?: boolean;
}

export interface WorkflowAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

export interface ActionResult {
  /** Exit code (null when killed). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** From GITHUB_OUTPUT (and legacy `::set-output` commands). */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY contents. */
  summary: string;
  /** GITHUB_STATE values. */
  state: Record<string, string>;
  /** ::error / ::warning / ::notice workflow commands on stdout. */
  annotations: WorkflowAnnotation[];
  /** Variables written to GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  /** ::add-mask:: values. */
  masks: string[];
  /** The environment the action ran with. */
  env: Record<string, string>;
}

/** Parses the file-command format @actions/core writes: `name=value` lines and `name<<DELIM` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] ?? '');
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name} (delimiter ${delimiter})`);
      result[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed file-command line: ${JSON.stringify(line)}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** Undoes @actions/core's escaping of workflow-command data and properties. */
function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** Parses `::command key=value,...::message` lines. */
export function parseWorkflowCommands(stdout: string): Array<{ command: string; properties: Record<string, string>; message: string }> {
  const commands: Array<{ command: string; properties: Record<string, string>; message: string }> = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command = '', props = '', message = ''] = match;
    const properties: Record<string, string> = {};
    for (const pair of props.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command, properties, message: unescapeData(message) });
  }
  return commands;
}

export function parseAnnotations(stdout: string): WorkflowAnnotation[] {
  const annotations: WorkflowAnnotation[] = [];
  for (const { command, properties, message } of parseWorkflowCommands(stdout)) {
    if (command !== 'error' && command !== 'warning' && command !== 'notice') continue;
    const annotation: WorkflowAnnotation = { level: command, message };
    const num = (key: string) => (properties[key] !== undefined ? Number(properties[key]) : undefined);
    if (properties.file !== undefined) annotation.file = properties.file;
    if (properties.title !== undefined) annotation.title = properties.title;
    const line = num('line');
    const endLine = num('endLine');
    const col = num('col');
    const endColumn = num('endColumn');
    if (line !== undefined) annotation.line = line;
    if (endLine !== undefined) annotation.endLine = endLine;
    if (col !== undefined) annotation.col = col;
    if (endColumn !== undefined) annotation.endColumn = endColumn;
    annotations.push(annotation);
  }
  return annotations;
}

/** `INPUT_<NAME>` as @actions/core reads it: spaces → `_`, upper case, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

interface EventDefaults {
  sha: string;
  ref: string;
  headRef?: string;
  baseRef?: string;
}

function get(obj: unknown, ...keys: string[]): unknown {
  let cur = obj;
  for (const key of keys) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** GITHUB_SHA / GITHUB_REF the runner sets for each event. */
function eventDefaults(event: string, payload: Record<string, unknown>, defaultBranch: string): EventDefaults {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const defaultSha = '0123456789abcdef0123456789abcdef01234567';
  switch (event) {
    case 'pull_request':
      return {
        sha: str(get(payload, 'pull_request', 'merge_commit_sha')) ?? str(get(payload, 'pull_request', 'head', 'sha')) ?? defaultSha,
        ref: `refs/pull/${String(payload.number ?? get(payload, 'pull_request', 'number'))}/merge`,
        headRef: str(get(payload, 'pull_request', 'head', 'ref')),
        baseRef: str(get(payload, 'pull_request', 'base', 'ref')),
      };
    case 'pull_request_target':
      return {
        sha: str(get(payload, 'pull_request', 'base', 'sha')) ?? defaultSha,
        ref: `refs/heads/${str(get(payload, 'pull_request', 'base', 'ref')) ?? defaultBranch}`,
        headRef: str(get(payload, 'pull_request', 'head', 'ref')),
        baseRef: str(get(payload, 'pull_request', 'base', 'ref')),
      };
    case 'merge_group':
      return { sha: str(get(payload, 'merge_group', 'head_sha')) ?? defaultSha, ref: str(get(payload, 'merge_group', 'head_ref')) ?? `refs/heads/${defaultBranch}` };
    case 'push':
      return { sha: str(payload.after) ?? defaultSha, ref: str(payload.ref) ?? `refs/heads/${defaultBranch}` };
    default:
      // issue_comment, workflow_run, workflow_dispatch, schedule: the default branch's head.
      return { sha: defaultSha, ref: `refs/heads/${defaultBranch}` };
  }
}

export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'mg-action-'));
  try {
    const runnerTemp = path.join(temp, 'runner-temp');
    const home = path.join(temp, 'home');
    const fileCommands = path.join(temp, 'file-commands');
    for (const dir of [runnerTemp, home, fileCommands]) mkdirSync(dir, { recursive: true });
    const workspace = options.workspace ?? path.join(temp, 'workspace');
    mkdirSync(workspace, { recursive: true });

    const eventPath = path.join(temp, 'event.json');
    writeFileSync(eventPath, JSON.stringify(options.payload, null, 2));
    const files = {
      GITHUB_OUTPUT: path.join(fileCommands, 'set_output'),
      GITHUB_STEP_SUMMARY: path.join(fileCommands, 'step_summary'),
      GITHUB_STATE: path.join(fileCommands, 'save_state'),
      GITHUB_ENV: path.join(fileCommands, 'set_env'),
      GITHUB_PATH: path.join(fileCommands, 'add_path'),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');

    const repository =
      (get(options.payload, 'repository', 'full_name') as string | undefined) ?? options.server.state?.repository ?? 'octo-org/app';
    const defaultBranch = (get(options.payload, 'repository', 'default_branch') as string | undefined) ?? options.server.state?.defaultBranch ?? 'main';
    const defaults = eventDefaults(options.event, options.payload, defaultBranch);
    const token = options.token ?? DEFAULT_TOKEN;
    const actor = (get(options.payload, 'sender', 'login') as string | undefined) ?? 'contributor';

    const env: Record<string, string> = {
      PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
      HOME: home,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'GitHub Actions 1',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: path.join(temp, 'toolcache'),
      RUNNER_DEBUG: '',
      GITHUB_API_URL: options.server.url,
      GITHUB_GRAPHQL_URL: `${options.server.url}/graphql`,
      GITHUB_SERVER_URL: options.server.state?.serverUrl ?? 'https://github.com',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
      GITHUB_REPOSITORY_ID: String(get(options.payload, 'repository', 'id') ?? '1'),
      GITHUB_SHA: defaults.sha,
      GITHUB_REF: defaults.ref,
      GITHUB_REF_NAME: defaults.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\/(\d+)\/merge$/, '$1/merge'),
      GITHUB_REF_TYPE: 'branch',
      GITHUB_HEAD_REF: defaults.headRef ?? '',
      GITHUB_BASE_REF: defaults.baseRef ?? '',
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: '9000000001',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'migrations',
      GITHUB_WORKFLOW: 'Migrations',
      GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/migrations.yml@${defaults.ref}`,
      GITHUB_ACTION: '__migration-guard',
      GITHUB_ACTION_PATH: REPO_ROOT,
      GITHUB_ACTION_REPOSITORY: 'migration-guard/migration-guard',
      GITHUB_ACTOR: actor,
      GITHUB_TRIGGERING_ACTOR: actor,
      GITHUB_RETENTION_DAYS: '90',
      GITHUB_TOKEN: token,
      ...files,
    };
    const inputs = { ...options.inputs };
    if (!Object.keys(inputs).some((k) => k.toLowerCase() === 'github-token')) inputs['github-token'] = token;
    for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }

    const entry = options.entry ?? DEFAULT_ENTRY;
    if (!existsSync(entry)) throw new Error(`runAction: ${entry} does not exist (run the bundle first)`);
    const timeout = options.timeout ?? 60_000;
    const { code, signal, stdout, stderr, timedOut } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>((resolve, reject) => {
      const child = spawn(process.execPath, [entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeout);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
      });
    });

    const read = (file: string) => readFileSync(file, 'utf8');
    const outputs = parseFileCommands(read(files.GITHUB_OUTPUT));
    const commands = parseWorkflowCommands(stdout);
    for (const c of commands) if (c.command === 'set-output' && c.properties.name) outputs[c.properties.name] ??= c.message;
    return {
      code,
      signal,
      timedOut,
      stdout,
      stderr,
      outputs,
      summary: read(files.GITHUB_STEP_SUMMARY),
      state: parseFileCommands(read(files.GITHUB_STATE)),
      exportedEnv: parseFileCommands(read(files.GITHUB_ENV)),
      annotations: parseAnnotations(stdout),
      masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
      env,
    };
  } finally {
    if (!options.keepTemp) rmSync(temp, { recursive: true, force: true });
  }
}
