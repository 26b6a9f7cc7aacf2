/**
 * A local HTTP server speaking (a validated subset of) GitHub's REST API, for end-to-end tests of
 * the bundled action. Every request is checked against GitHub's OpenAPI description
 * (@octokit/openapi): unknown routes, unknown query parameters, missing auth and invalid bodies are
 * recorded in `violations`, so a test can assert the action only makes requests GitHub would
 * accept. Endpoints the action needs have in-memory behaviour; other real operations answer 501.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { default as addFormatsModule } from 'ajv-formats';
import {
  issueCommentObject,
  nodeId,
  pullRequestObject,
  pullRequestSimpleObject,
  repositoryObject,
  stableId,
  toUser,
  userObject,
  type PullRequestShape,
  type Urls,
  type User,
  type UserRef,
} from './events.js';

// NOTE: ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type { User, UserRef } from './events.js';

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface PullFile {
  filename: string;
  status?: FileStatus;
  additions?: number;
  deletions?: number;
  changes?: number;
  previous_filename?: string;
  sha?: string;
  patch?: string;
}

export interface PullState {
  title?: string;
  body?: string | null;
  /** Author login (or user). Default `contributor`. */
  user?: UserRef;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  labels?: string[];
  /** `repo` is the head repository's full name; a different one than `state.repository` is a fork. */
  head: { sha: string; ref?: string; repo?: string };
  base?: { sha?: string; ref?: string };
  files?: PullFile[];
}

export interface ReactionState {
  id: number;
  content: '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';
  user: UserRef;
  created_at?: string;
}

export interface CommentState {
  id: number;
  /** The PR / issue number. */
  issue_number: number;
  body: string;
  user: UserRef;
  created_at?: string;
  updated_at?: string;
  reactions?: ReactionState[];
}

export interface StatusState {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  target_url: string | null;
  creator: UserRef;
  created_at: string;
  updated_at: string;
}

export interface AnnotationState {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  external_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: AnnotationState[] };
  /** Every request body that created/updated this run, in order. */
  updates: Array<Record<string, unknown>>;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface State {
  /** The base repository, owner/name. Repo-scoped requests for other repos get 404. */
  repository: string;
  defaultBranch: string;
  /** Web base used in html_url fields. */
  serverUrl: string;
  /** token → identity. Default `test-token` → github-actions[bot]. */
  tokens: Record<string, UserRef>;
  /** Extra known users (for the permission endpoint); authors/token users are known too. */
  users: UserRef[];
  pulls: Record<number, PullState>;
  /** Plain issue numbers (comments allowed on them besides pulls). */
  issues: number[];
  comments: CommentState[];
  statuses: StatusState[];
  checkRuns: CheckRunState[];
  /** login → role on the repository. Known users without an entry have `read`. */
  permissions: Record<string, Permission>;
  /** "org/team-slug" → member logins (or login → role). */
  teams: Record<string, string[] | Record<string, 'member' | 'maintainer'>>;
  /** ref (sha or branch) → path → file contents (text, or bytes for a file that is not UTF-8). */
  trees: Record<string, Record<string, string | Buffer>>;
  /** Next id for created objects. */
  nextId: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** Token from the authorization header (undefined when absent). */
  token: string | undefined;
  operationId: string | undefined;
  headers: Record<string, string | undefined>;
}

export interface GitHubServer {
  url: string;
  state: State;
  requests: RequestRecord[];
  violations: string[];
  /** The next `times` requests matching method (or '*') and path regex fail with `status`. */
  failNext(method: string, pathRegex: RegExp, status: number, times?: number, body?: unknown, headers?: Record<string, string>): void;
  /** On: every non-GET request answers 403 like a fork PR's read-only token. */
  forbidWrites(on: boolean): void;
  /** Requests whose method matches and whose path matches the regex. */
  requestsTo(method: string, pathRegex: RegExp): RequestRecord[];
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Also validate the server's own 2xx JSON responses against the operation's response schema. */
  validateResponses?: boolean;
}

export const DEFAULT_TOKEN = 'test-token';
export const ACTIONS_BOT: User = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export function defaultState(): State {
  return {
    repository: 'octo-org/app',
    defaultBranch: 'main',
    serverUrl: 'https://github.com',
    tokens: { [DEFAULT_TOKEN]: ACTIONS_BOT },
    users: [],
    pulls: {},
    issues: [],
    comments: [],
    statuses: [],
    checkRuns: [],
    permissions: {},
    teams: {},
    trees: {},
    nextId: 2_000_000_001,
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAPI description, route matching, schema validation
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  regex: RegExp;
  paramNames: string[];
  literalLength: number;
}

interface OpenApi {
  paths: Record<string, Record<string, Json>>;
  'x-webhooks': Record<string, Record<string, Json>>;
}

let openApi: OpenApi | undefined;
let operationsByMethod: Map<string, Operation[]> | undefined;

/** GitHub's dereferenced OpenAPI description (parsed once per process, ~1 s). */
export function loadOpenApi(): OpenApi {
  if (!openApi) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.deref.json');
    openApi = JSON.parse(readFileSync(file, 'utf8')) as OpenApi;
  }
  return openApi;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

function operations(): Map<string, Operation[]> {
  if (operationsByMethod) return operationsByMethod;
  const byMethod = new Map<string, Operation[]>();
  for (const [template, item] of Object.entries(loadOpenApi().paths)) {
    const shared = (item.parameters as unknown as Parameter[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const paramNames: string[] = [];
      const source = template.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
        if (name) {
          paramNames.push(name);
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      });
      const entry: Operation = {
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        parameters: [...shared, ...((op.parameters as Parameter[] | undefined) ?? [])],
        requestBody: op.requestBody as Operation['requestBody'],
        responses: (op.responses as Operation['responses'] | undefined) ?? {},
        regex: new RegExp(`^${source}$`),
        paramNames,
        literalLength: template.replace(/\{[^}]+\}/g, '').length,
      };
      const list = byMethod.get(entry.method) ?? [];
      list.push(entry);
      byMethod.set(entry.method, list);
    }
  }
  // Most specific first: `/pulls/comments` before `/pulls/{pull_number}`.
  for (const list of byMethod.values()) list.sort((a, b) => b.literalLength - a.literalLength);
  operationsByMethod = byMethod;
  return byMethod;
}

const SLASHY_PARAMS = new Set(['path', 'ref', 'branch', 'basehead', 'dir']);

/** Finds the operation for a method and (undecoded) path; `{path}`/`{ref}`-like params may span slashes. */
export function matchOperation(method: string, rawPath: string): { operation: Operation; params: Record<string, string> } | undefined {
  const list = operations().get(method.toUpperCase()) ?? [];
  const decode = (op: Operation, match: RegExpExecArray) => {
    const params: Record<string, string> = {};
    op.paramNames.forEach((name, i) => {
      const raw = match[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return { operation: op, params };
  };
  for (const op of list) {
    const match = op.regex.exec(rawPath);
    if (match) return decode(op, match);
  }
  // GitHub also routes unencoded slashes in file paths and git refs (e.g. /contents/db/x.sql,
  // /commits/feature/x/status); other parameters stay one segment.
  for (const op of list) {
    if (!op.paramNames.some((name) => SLASHY_PARAMS.has(name))) continue;
    const greedy = new RegExp(
      `^${op.template.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) =>
        name ? (SLASHY_PARAMS.has(name) ? '(.+?)' : '([^/]+)') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )}$`,
    );
    const match = greedy.exec(rawPath);
    if (match) return decode(op, match);
  }
  return undefined;
}

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type/alternative. Returns a new tree. */
export function toJsonSchema(schema: unknown): unknown {
  const seen = new Map<object, unknown>();
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const cached = seen.get(node);
    if (cached) return cached;
    const out: Json = {};
    seen.set(node, out);
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'discriminator') continue;
      out[key] = key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(v)]))
        : convert(value);
    }
    if ((node as Json).nullable === true) {
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      else if (Array.isArray(out.type)) {
        if (!out.type.includes('null')) out.type = [...out.type, 'null'];
      } else {
        const copy = { ...out };
        for (const key of Object.keys(out)) delete out[key];
        out.anyOf = [copy, { type: 'null' }];
      }
    }
    return out;
  };
  return convert(schema);
}

let ajvInstance: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
    addFormats(ajvInstance);
    for (const format of ['int32', 'int64', 'double', 'timestamp', 'repo.nwo', 'binary']) ajvInstance.addFormat(format, true);
  }
  return ajvInstance;
}

/** A compiled (and cached) validator for an OpenAPI schema, keyed by `key`. */
export function schemaValidator(key: string, schema: unknown): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv().compile(toJsonSchema(schema) as Json);
    validators.set(key, validate);
  }
  return validate;
}

/** Validator for a webhook payload, e.g. `webhookValidator('pull-request-opened')`. */
export function webhookValidator(name: string): ValidateFunction {
  const hook = loadOpenApi()['x-webhooks'][name];
  const schema = (hook?.post as Json | undefined)?.requestBody as { content: Record<string, { schema: Json }> } | undefined;
  if (!schema) throw new Error(`no webhook ${name} in the OpenAPI description`);
  return schemaValidator(`webhook:${name}`, schema.content['application/json']?.schema);
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined, limit = 8): string {
  return (errors ?? [])
    .slice(0, limit)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

function checkParamValue(schema: Json | undefined, value: string): boolean {
  if (!schema) return true;
  const type = schema.type;
  if (type === 'integer') return /^-?\d+$/.test(value);
  if (type === 'number') return value.trim() !== '' && Number.isFinite(Number(value));
  if (type === 'boolean') return value === 'true' || value === 'false';
  if (Array.isArray(schema.enum) && type === 'string') return schema.enum.includes(value);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  remaining: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';
const MAX_PR_FILES = 3000;

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function gitBlobSha(text: string | Buffer): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export async function startGitHubServer(initial: Partial<State> = {}, options: ServerOptions = {}): Promise<GitHubServer> {
  loadOpenApi();
  const defaults = defaultState();
  // Tokens merge with the default one (pass `tokens: { 'test-token': … }` to change its identity).
  const state: State = { ...defaults, ...initial, tokens: { ...defaults.tokens, ...initial.tokens } };
  const requests: RequestRecord[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  let writesForbidden = false;
  let remaining = 5000;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let baseUrl = '';

  const urls = (): Urls => ({ apiUrl: baseUrl, serverUrl: state.serverUrl });
  const newId = () => state.nextId++;
  const repoApi = () => `${baseUrl}/repos/${state.repository}`;
  const sameRepo = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase() === state.repository.toLowerCase();

  const knownUsers = (): Map<string, User> => {
    const map = new Map<string, User>();
    const add = (ref: UserRef | undefined) => {
      if (!ref) return;
      const user = toUser(ref);
      if (!map.has(user.login.toLowerCase())) map.set(user.login.toLowerCase(), user);
    };
    for (const ref of state.users) add(ref);
    for (const ref of Object.values(state.tokens)) add(ref);
    for (const login of Object.keys(state.permissions)) add(login);
    for (const pull of Object.values(state.pulls)) add(pull.user ?? 'contributor');
    for (const comment of state.comments) add(comment.user);
    for (const members of Object.values(state.teams)) for (const login of Array.isArray(members) ? members : Object.keys(members)) add(login);
    add(state.repository.split('/')[0]);
    return map;
  };

  const pullShape = (number: number): PullRequestShape => {
    const pull = state.pulls[number];
    if (!pull) throw new HttpError(404, 'Not Found');
    const files = pull.files ?? [];
    return {
      number,
      repository: state.repository,
      title: pull.title,
      body: pull.body,
      user: pull.user ?? 'contributor',
      state: pull.state,
      merged: pull.merged,
      draft: pull.draft,
      labels: pull.labels,
      head: { sha: pull.head.sha, ref: pull.head.ref ?? 'feature', repo: pull.head.repo ?? state.repository },
      base: { sha: pull.base?.sha ?? 'b'.repeat(40), ref: pull.base?.ref ?? state.defaultBranch },
      additions: files.reduce((n, f) => n + (f.additions ?? 0), 0),
      deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
      changedFiles: files.length,
      comments: state.comments.filter((c) => c.issue_number === number).length,
    };
  };

  const fileObject = (file: PullFile, headSha: string) => {
    const additions = file.additions ?? 0;
    const deletions = file.deletions ?? 0;
    const status = file.status ?? 'modified';
    const enc = file.filename.split('/').map(encodeURIComponent).join('/');
    const out: Json = {
      sha: file.sha ?? (status === 'removed' ? '0'.repeat(40) : gitBlobSha(`${headSha}:${file.filename}`)),
      filename: file.filename,
      status,
      additions,
      deletions,
      changes: file.changes ?? additions + deletions,
      blob_url: `${state.serverUrl}/${state.repository}/blob/${headSha}/${enc}`,
      raw_url: `${state.serverUrl}/${state.repository}/raw/${headSha}/${enc}`,
      contents_url: `${repoApi()}/contents/${enc}?ref=${headSha}`,
    };
    if (file.patch !== undefined) out.patch = file.patch;
    if (file.previous_filename !== undefined) out.previous_filename = file.previous_filename;
    return out;
  };

  const commentUser = (c: CommentState) => toUser(c.user);
  const reactionCounts = (c: CommentState) => {
    const counts: Record<string, number> = {};
    for (const r of c.reactions ?? []) counts[r.content] = (counts[r.content] ?? 0) + 1;
    return counts;
  };
  const commentObject = (c: CommentState) => {
    const user = commentUser(c);
    const association = user.type === 'Bot' ? 'NONE' : permissionOf(user.login) === 'read' || permissionOf(user.login) === 'none' ? 'CONTRIBUTOR' : 'MEMBER';
    c.created_at ??= isoNow();
    const created = c.created_at;
    const obj = issueCommentObject(
      { id: c.id, body: c.body, user, issueNumber: c.issue_number, repository: state.repository, createdAt: created, updatedAt: c.updated_at ?? created, authorAssociation: association, reactions: reactionCounts(c) },
      urls(),
    );
    if (!state.pulls[c.issue_number]) obj.html_url = String(obj.html_url).replace('/pull/', '/issues/');
    return obj;
  };

  const reactionObject = (r: ReactionState) => ({
    id: r.id,
    node_id: nodeId('REA', r.id),
    user: userObject(r.user, urls()),
    content: r.content,
    created_at: r.created_at ?? isoNow(),
  });

  function permissionOf(login: string): Permission {
    const entry = Object.entries(state.permissions).find(([k]) => k.toLowerCase() === login.toLowerCase());
    return entry ? entry[1] : 'read';
  }

  const findComment = (id: string) => {
    const comment = state.comments.find((c) => String(c.id) === id);
    if (!comment) throw new HttpError(404, 'Not Found');
    return comment;
  };

  const statusObject = (s: StatusState) => {
    const creator = userObject(s.creator, urls());
    return {
      url: `${repoApi()}/statuses/${s.sha}`,
      avatar_url: creator.avatar_url as string,
      id: s.id,
      node_id: nodeId('SC', s.id),
      state: s.state,
      description: s.description,
      target_url: s.target_url,
      context: s.context,
      created_at: s.created_at,
      updated_at: s.updated_at,
      creator,
    };
  };

  /** Branch names (pull head/base refs, default branch) resolve to shas; anything else is a sha. */
  const resolveRef = (ref: string): string => {
    const name = ref.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
    for (const pull of Object.values(state.pulls)) {
      if ((pull.head.ref ?? 'feature') === name) return pull.head.sha;
      if (pull.base?.ref === name && pull.base.sha) return pull.base.sha;
    }
    return ref;
  };

  const app = () => ({
    id: 15368,
    slug: 'github-actions',
    client_id: 'Iv1.05c79e9ad1f6bdfa',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: userObject({ login: 'github', id: 9919, type: 'Organization' }, urls()),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${state.serverUrl}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'pull_request', 'push'],
  });

  const checkRunObject = (run: CheckRunState) => {
    const pulls = Object.entries(state.pulls)
      .filter(([, p]) => p.head.sha === run.head_sha && (p.head.repo ?? state.repository).toLowerCase() === state.repository.toLowerCase())
      .map(([n, p]) => {
        const repoRef = { id: stableId(`repo:${state.repository.toLowerCase()}`), url: `${baseUrl}/repos/${state.repository}`, name: state.repository.split('/')[1] ?? '' };
        return { id: stableId(`pull:${state.repository}#${n}`), number: Number(n), url: `${repoApi()}/pulls/${n}`, head: { ref: p.head.ref ?? 'feature', sha: p.head.sha, repo: repoRef }, base: { ref: p.base?.ref ?? state.defaultBranch, sha: p.base?.sha ?? 'b'.repeat(40), repo: repoRef } };
      });
    const suiteId = stableId(`suite:${run.head_sha}`);
    return {
      id: run.id,
      head_sha: run.head_sha,
      node_id: nodeId('CR', run.id),
      external_id: run.external_id,
      url: `${repoApi()}/check-runs/${run.id}`,
      html_url: `${state.serverUrl}/${state.repository}/runs/${run.id}`,
      details_url: run.details_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: run.output.annotations.length,
        annotations_url: `${repoApi()}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: suiteId },
      app: app(),
      pull_requests: pulls,
    };
  };

  const applyCheckRun = (run: CheckRunState, body: Json) => {
    const output = body.output as Json | undefined;
    const annotations = (output?.annotations as AnnotationState[] | undefined) ?? [];
    if (annotations.length > 50) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'CheckRun', field: 'output.annotations', code: 'too_many', message: 'Only 50 annotations are allowed per request' }] });
    }
    for (const a of annotations) {
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
        throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'CheckRun', field: 'output.annotations', code: 'invalid', message: 'start_column and end_column may only be used when start_line equals end_line' }] });
      }
    }
    if (typeof body.name === 'string') run.name = body.name;
    if (typeof body.details_url === 'string') run.details_url = body.details_url;
    if (typeof body.external_id === 'string') run.external_id = body.external_id;
    if (typeof body.started_at === 'string') run.started_at = body.started_at;
    if (typeof body.status === 'string') run.status = body.status;
    if (typeof body.conclusion === 'string') {
      run.conclusion = body.conclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') run.completed_at = typeof body.completed_at === 'string' ? body.completed_at : run.completed_at ?? isoNow();
    if (output) {
      if (typeof output.title === 'string') run.output.title = output.title;
      if (typeof output.summary === 'string') run.output.summary = output.summary;
      if (typeof output.text === 'string') run.output.text = output.text;
      run.output.annotations.push(...annotations);
    }
    run.updates.push(body);
  };

  const findCheckRun = (id: string) => {
    const run = state.checkRuns.find((r) => String(r.id) === id);
    if (!run) throw new HttpError(404, 'Not Found');
    return run;
  };

  const paginate = (items: unknown[], req: { path: string; query: Record<string, string> }): Reply => {
    const perPage = Math.min(Math.max(Number(req.query.per_page ?? 30) || 30, 1), 100);
    const page = Math.max(Number(req.query.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const pageUrl = (n: number) => {
      const params = new URLSearchParams({ ...req.query, per_page: String(perPage), page: String(n) });
      return `${baseUrl}${req.path}?${params.toString()}`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  };

  interface Ctx {
    operation: Operation;
    params: Record<string, string>;
    query: Record<string, string>;
    body: Json;
    path: string;
    user: User;
    accept: string;
  }

  const handlers: Record<string, (ctx: Ctx) => Reply> = {
    'pulls/get': ({ params }) => ({ status: 200, body: pullRequestObject(pullShape(Number(params.pull_number)), urls()) }),
    'pulls/list-files': (ctx) => {
      const pull = state.pulls[Number(ctx.params.pull_number)];
      if (!pull) throw new HttpError(404, 'Not Found');
      const files = (pull.files ?? []).slice(0, MAX_PR_FILES).map((f) => fileObject(f, pull.head.sha));
      return paginate(files, ctx);
    },
    'issues/list-comments': (ctx) => {
      const number = Number(ctx.params.issue_number);
      if (!state.pulls[number] && !state.issues.includes(number)) throw new HttpError(404, 'Not Found');
      const since = ctx.query.since ? Date.parse(ctx.query.since) : undefined;
      for (const c of state.comments) c.created_at ??= isoNow();
      const list = state.comments
        .filter((c) => c.issue_number === number)
        .filter((c) => since === undefined || Date.parse(c.updated_at ?? c.created_at ?? '') >= since)
        // Oldest first, like GitHub; equal dates keep insertion order.
        .sort((a, b) => Date.parse(a.created_at ?? '') - Date.parse(b.created_at ?? ''))
        .map(commentObject);
      return paginate(list, ctx);
    },
    'issues/create-comment': ({ params, body, user }) => {
      const number = Number(params.issue_number);
      if (!state.pulls[number] && !state.issues.includes(number)) throw new HttpError(404, 'Not Found');
      if (typeof body.body !== 'string' || body.body.length === 0) throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] });
      if (body.body.length > 65536) throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
      const now = isoNow();
      const comment: CommentState = { id: newId(), issue_number: number, body: body.body, user, created_at: now, updated_at: now, reactions: [] };
      state.comments.push(comment);
      return { status: 201, body: commentObject(comment), headers: { location: `${repoApi()}/issues/comments/${comment.id}` } };
    },
    'issues/get-comment': ({ params }) => ({ status: 200, body: commentObject(findComment(params.comment_id ?? '')) }),
    'issues/update-comment': ({ params, body }) => {
      const comment = findComment(params.comment_id ?? '');
      if (typeof body.body === 'string' && body.body.length > 65536) throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
      comment.body = String(body.body);
      comment.updated_at = isoNow();
      return { status: 200, body: commentObject(comment) };
    },
    'issues/delete-comment': ({ params }) => {
      const comment = findComment(params.comment_id ?? '');
      state.comments.splice(state.comments.indexOf(comment), 1);
      return { status: 204 };
    },
    'reactions/create-for-issue-comment': ({ params, body, user }) => {
      const comment = findComment(params.comment_id ?? '');
      comment.reactions ??= [];
      const existing = comment.reactions.find((r) => r.content === body.content && toUser(r.user).login === user.login);
      if (existing) return { status: 200, body: reactionObject(existing) };
      const reaction: ReactionState = { id: newId(), content: body.content as ReactionState['content'], user, created_at: isoNow() };
      comment.reactions.push(reaction);
      return { status: 201, body: reactionObject(reaction) };
    },
    'reactions/list-for-issue-comment': (ctx) => {
      const comment = findComment(ctx.params.comment_id ?? '');
      const list = (comment.reactions ?? []).filter((r) => !ctx.query.content || r.content === ctx.query.content).map(reactionObject);
      return paginate(list, ctx);
    },
    'repos/create-commit-status': ({ params, body, user }) => {
      const sha = params.sha ?? '';
      if (!/^[0-9a-f]{40}$/i.test(sha)) throw new HttpError(422, `No commit found for SHA: ${sha}`);
      const now = isoNow();
      const status: StatusState = {
        id: newId(),
        sha,
        state: body.state as StatusState['state'],
        context: typeof body.context === 'string' ? body.context : 'default',
        description: typeof body.description === 'string' ? body.description : null,
        target_url: typeof body.target_url === 'string' ? body.target_url : null,
        creator: user,
        created_at: now,
        updated_at: now,
      };
      if (status.description && status.description.length > 140) {
        throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Status', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' }] });
      }
      state.statuses.push(status);
      return { status: 201, body: statusObject(status) };
    },
    'repos/list-commit-statuses-for-ref': (ctx) => {
      const sha = resolveRef(ctx.params.ref ?? '');
      const list = state.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id).map(statusObject);
      return paginate(list, ctx);
    },
    'repos/get-combined-status-for-ref': ({ params }) => {
      const sha = resolveRef(params.ref ?? '');
      const latest = new Map<string, StatusState>();
      for (const s of [...state.statuses].filter((s) => s.sha === sha).sort((a, b) => b.id - a.id)) {
        if (!latest.has(s.context.toLowerCase())) latest.set(s.context.toLowerCase(), s);
      }
      const statuses = [...latest.values()];
      const combined = statuses.some((s) => s.state === 'error' || s.state === 'failure')
        ? 'failure'
        : statuses.length === 0 || statuses.some((s) => s.state === 'pending')
          ? 'pending'
          : 'success';
      return {
        status: 200,
        body: {
          state: combined,
          statuses: statuses.map((s) => {
            const { creator: _creator, ...rest } = statusObject(s);
            return rest;
          }),
          sha,
          total_count: statuses.length,
          repository: minimalRepository(),
          commit_url: `${repoApi()}/commits/${sha}`,
          url: `${repoApi()}/commits/${sha}/status`,
        },
      };
    },
    'checks/create': ({ body }) => {
      const run: CheckRunState = {
        id: newId(),
        name: String(body.name),
        head_sha: String(body.head_sha),
        status: 'queued',
        conclusion: null,
        details_url: null,
        external_id: null,
        started_at: isoNow(),
        completed_at: null,
        output: { title: null, summary: null, text: null, annotations: [] },
        updates: [],
      };
      applyCheckRun(run, body);
      state.checkRuns.push(run);
      return { status: 201, body: checkRunObject(run) };
    },
    'checks/update': ({ params, body }) => {
      const run = findCheckRun(params.check_run_id ?? '');
      applyCheckRun(run, body);
      return { status: 200, body: checkRunObject(run) };
    },
    'checks/get': ({ params }) => ({ status: 200, body: checkRunObject(findCheckRun(params.check_run_id ?? '')) }),
    'checks/list-for-ref': (ctx) => {
      const sha = resolveRef(ctx.params.ref ?? '');
      const runs = state.checkRuns.filter((r) => r.head_sha === sha && (!ctx.query.check_name || r.name === ctx.query.check_name));
      const page = paginate(runs.map(checkRunObject), ctx);
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    },
    'checks/list-annotations': (ctx) => {
      const run = findCheckRun(ctx.params.check_run_id ?? '');
      const list = run.output.annotations.map((a) => ({
        path: a.path,
        start_line: a.start_line,
        end_line: a.end_line,
        start_column: a.start_column ?? null,
        end_column: a.end_column ?? null,
        annotation_level: a.annotation_level,
        title: a.title ?? null,
        message: a.message,
        raw_details: a.raw_details ?? null,
        blob_href: `${state.serverUrl}/${state.repository}/blob/${run.head_sha}/${a.path}`,
      }));
      return paginate(list, ctx);
    },
    'repos/get-collaborator-permission-level': ({ params }) => {
      const user = knownUsers().get((params.username ?? '').toLowerCase());
      if (!user) throw new HttpError(404, 'Not Found');
      const role = permissionOf(user.login);
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return {
        status: 200,
        body: {
          permission,
          role_name: role,
          user: {
            ...userObject(user, urls()),
            permissions: { admin: role === 'admin', maintain: role === 'admin' || role === 'maintain', push: ['admin', 'maintain', 'write'].includes(role), triage: role !== 'read' && role !== 'none', pull: role !== 'none' },
            role_name: role,
          },
        },
      };
    },
    'teams/get-membership-for-user-in-org': ({ params }) => {
      const key = `${params.org}/${params.team_slug}`.toLowerCase();
      const entry = Object.entries(state.teams).find(([k]) => k.toLowerCase() === key || k.toLowerCase() === (params.team_slug ?? '').toLowerCase());
      const members = entry?.[1];
      const login = (params.username ?? '').toLowerCase();
      const role = Array.isArray(members)
        ? members.some((m) => m.toLowerCase() === login) ? 'member' : undefined
        : Object.entries(members ?? {}).find(([m]) => m.toLowerCase() === login)?.[1];
      if (!role) throw new HttpError(404, 'Not Found');
      return { status: 200, body: { url: `${baseUrl}/teams/${stableId(`team:${key}`)}/memberships/${params.username}`, role, state: 'active' } };
    },
    'repos/get-content': ({ params, query, accept }) => {
      const ref = query.ref ?? state.defaultBranch;
      const tree = state.trees[ref] ?? state.trees[resolveRef(ref)];
      const path = (params.path ?? '').replace(/^\/+|\/+$/g, '');
      if (!tree) throw new HttpError(404, `No commit found for the ref ${ref}`);
      const contentsUrl = (p: string) => `${repoApi()}/contents/${p}?ref=${encodeURIComponent(ref)}`;
      const text = tree[path];
      if (text === undefined) {
        const prefix = path === '' ? '' : `${path}/`;
        const children = new Map<string, 'file' | 'dir'>();
        for (const file of Object.keys(tree)) {
          if (!file.startsWith(prefix)) continue;
          const rest = file.slice(prefix.length).split('/');
          children.set(rest[0] ?? '', rest.length > 1 ? 'dir' : 'file');
        }
        if (children.size === 0) throw new HttpError(404, 'Not Found');
        const list = [...children.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, type]) => {
          const p = `${prefix}${name}`;
          const sha = type === 'file' ? gitBlobSha(tree[p] ?? '') : createHash('sha1').update(`tree:${ref}:${p}`).digest('hex');
          return {
            type, name, path: p, sha, size: type === 'file' ? Buffer.byteLength(tree[p] ?? '') : 0,
            url: contentsUrl(p), git_url: `${repoApi()}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`,
            html_url: `${state.serverUrl}/${state.repository}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${p}`,
            download_url: type === 'file' ? `https://raw.githubusercontent.com/${state.repository}/${ref}/${p}` : null,
            _links: { self: contentsUrl(p), git: `${repoApi()}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`, html: `${state.serverUrl}/${state.repository}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${p}` },
          };
        });
        return { status: 200, body: list };
      }
      // NOTE: bytes given as a Buffer (a file that is not UTF-8 text) come without a charset.
      if (/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, raw: text, headers: { 'content-type': typeof text === 'string' ? 'application/vnd.github.raw; charset=utf-8' : 'application/vnd.github.raw' } };
      const bytes = Buffer.from(text);
      const sha = gitBlobSha(text);
      const tooLarge = bytes.length > 1024 * 1024;
      const name = path.split('/').pop() ?? path;
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: tooLarge ? 'none' : 'base64',
          size: bytes.length,
          name,
          path,
          content: tooLarge ? '' : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
          sha,
          url: contentsUrl(path),
          git_url: `${repoApi()}/git/blobs/${sha}`,
          html_url: `${state.serverUrl}/${state.repository}/blob/${ref}/${path}`,
          download_url: `https://raw.githubusercontent.com/${state.repository}/${ref}/${path}`,
          _links: { self: contentsUrl(path), git: `${repoApi()}/git/blobs/${sha}`, html: `${state.serverUrl}/${state.repository}/blob/${ref}/${path}` },
        },
      };
    },
    'repos/list-pull-requests-associated-with-commit': (ctx) => {
      const sha = ctx.params.commit_sha ?? '';
      const list = Object.keys(state.pulls)
        .map(Number)
        .filter((n) => state.pulls[n]?.head.sha === sha)
        .sort((a, b) => b - a)
        .map((n) => pullRequestSimpleObject(pullShape(n), urls()));
      return paginate(list, ctx);
    },
  };

  /** GitHub's `minimal-repository` (the full object minus the counters and settings). */
  const minimalRepository = () => {
    const repo = repositoryObject({ fullName: state.repository, defaultBranch: state.defaultBranch }, urls());
    for (const key of ['clone_url', 'default_branch', 'forks', 'forks_count', 'git_url', 'has_downloads', 'has_issues', 'has_projects', 'has_wiki', 'has_pages', 'homepage', 'language', 'archived', 'disabled', 'mirror_url', 'open_issues', 'open_issues_count', 'license', 'pushed_at', 'size', 'ssh_url', 'stargazers_count', 'svn_url', 'watchers', 'watchers_count', 'created_at', 'updated_at', 'topics', 'visibility', 'is_template', 'has_discussions', 'allow_forking', 'web_commit_signoff_required']) {
      delete repo[key];
    }
    return repo;
  };

  const REPO_SCOPED = /^\/repos\/[^/]+\/[^/]+/;

  const handle = (method: string, rawPath: string, query: Record<string, string>, rawBody: string, headers: http.IncomingHttpHeaders, record: RequestRecord): Reply => {
    const authHeader = headers.authorization;
    const tokenMatch = authHeader ? /^(?:token|bearer)\s+(.+)$/i.exec(authHeader.trim()) : null;
    record.token = tokenMatch?.[1];
    const match = matchOperation(method, rawPath);
    if (!match) {
      violations.push(`${method} ${rawPath}: no such GitHub REST operation`);
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    }
    const { operation, params } = match;
    record.operationId = operation.operationId;
    const where = `${method} ${rawPath} (${operation.operationId})`;

    // Parameters: path params typed, query params known and typed.
    for (const p of operation.parameters) {
      if (p.in === 'path' && (params[p.name] === undefined || params[p.name] === '')) violations.push(`${where}: missing path parameter ${p.name}`);
      if (p.in === 'path' && params[p.name] !== undefined && !checkParamValue(p.schema, params[p.name] ?? '')) violations.push(`${where}: path parameter ${p.name}=${params[p.name]} is not a valid ${String(p.schema?.type)}`);
    }
    for (const [name, value] of Object.entries(query)) {
      const p = operation.parameters.find((x) => x.in === 'query' && x.name === name);
      if (!p) violations.push(`${where}: unknown query parameter ${name}`);
      else if (!checkParamValue(p.schema, value)) violations.push(`${where}: query parameter ${name}=${value} does not match ${JSON.stringify(p.schema)}`);
    }
    for (const p of operation.parameters) {
      if (p.in === 'query' && p.required && query[p.name] === undefined) violations.push(`${where}: missing required query parameter ${p.name}`);
    }

    // Body.
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        violations.push(`${where}: body is not JSON`);
        return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' } };
      }
    }
    record.body = body;

    // Auth.
    if (!tokenMatch) {
      violations.push(`${where}: no authorization header`);
      return { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } };
    }
    const identity = state.tokens[tokenMatch[1] ?? ''];
    if (!identity) return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };

    const jsonSchema = operation.requestBody?.content?.['application/json']?.schema;
    if (jsonSchema) {
      if (body === undefined && operation.requestBody?.required) {
        violations.push(`${where}: request body required`);
        return { status: 422, body: { message: 'Invalid request.\n\nRequest body is required.', documentation_url: DOCS, status: '422' } };
      }
      if (body !== undefined) {
        const validate = schemaValidator(`body:${operation.operationId}`, jsonSchema);
        if (!validate(body)) {
          const detail = formatAjvErrors(validate.errors);
          violations.push(`${where}: invalid request body: ${detail}`);
          return { status: 422, body: { message: `Invalid request.\n\n${detail}`, documentation_url: DOCS, status: '422' } };
        }
      }
    }

    if (writesForbidden && method !== 'GET' && method !== 'HEAD') {
      return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    }

    const fault = faults.find((f) => f.remaining > 0 && (f.method === '*' || f.method === method) && f.path.test(rawPath));
    if (fault) {
      fault.remaining -= 1;
      return {
        status: fault.status,
        body: fault.body ?? { message: http.STATUS_CODES[fault.status] ?? 'Error', documentation_url: DOCS, status: String(fault.status) },
        headers: fault.headers,
      };
    }

    const handler = handlers[operation.operationId];
    if (!handler) {
      violations.push(`${where}: not implemented in the test server`);
      return { status: 501, body: { message: `${operation.operationId} is not implemented in the test server`, documentation_url: DOCS } };
    }
    if (REPO_SCOPED.test(operation.template) && !sameRepo(params.owner ?? '', params.repo ?? '')) {
      const headRepos = Object.values(state.pulls).map((p) => (p.head.repo ?? '').toLowerCase());
      if (!(operation.operationId === 'repos/get-content' && headRepos.includes(`${params.owner}/${params.repo}`.toLowerCase()))) {
        return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
      }
    }
    try {
      const reply = handler({
        operation,
        params,
        query,
        body: (body ?? {}) as Json,
        path: rawPath,
        user: toUser(identity),
        accept: String(headers.accept ?? ''),
      });
      if (options.validateResponses && reply.status < 300 && reply.body !== undefined && reply.raw === undefined) {
        const schema = operation.responses[String(reply.status)]?.content?.['application/json']?.schema;
        if (!schema) violations.push(`${where}: server bug: no ${reply.status} response documented`);
        else {
          const validate = schemaValidator(`response:${operation.operationId}:${reply.status}`, schema);
          if (!validate(reply.body)) violations.push(`${where}: server bug: response does not match the schema: ${formatAjvErrors(validate.errors)}`);
        }
      }
      return reply;
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 422) violations.push(`${where}: ${error.message} ${JSON.stringify(error.extra)}`);
        return { status: error.status, body: { message: error.message, ...error.extra, documentation_url: DOCS, status: String(error.status) } };
      }
      throw error;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const record: RequestRecord = {
        method,
        path: url.pathname,
        query,
        body: undefined,
        status: 0,
        token: undefined,
        operationId: undefined,
        headers: {
          accept: req.headers.accept,
          'user-agent': req.headers['user-agent'],
          'content-type': req.headers['content-type'],
          'x-github-api-version': req.headers['x-github-api-version'] as string | undefined,
        },
      };
      requests.push(record);
      let reply: Reply;
      try {
        reply = handle(method, url.pathname, query, Buffer.concat(chunks).toString('utf8'), req.headers, record);
      } catch (error) {
        violations.push(`${method} ${url.pathname}: server error ${String((error as Error).stack ?? error)}`);
        reply = { status: 500, body: { message: 'Server Error', documentation_url: DOCS } };
      }
      record.status = reply.status;
      remaining = Math.max(remaining - 1, 0);
      const headers: Record<string, string> = {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(resetAt),
        'x-ratelimit-used': String(5000 - remaining),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': `TEST:${requests.length}`,
        'x-github-media-type': 'github.v3; format=json',
      };
      if (reply.raw !== undefined) {
        res.writeHead(reply.status, { ...headers, 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
        res.end(reply.raw);
        return;
      }
      if (reply.status === 204 || reply.body === undefined) {
        res.writeHead(reply.status, { ...headers, ...reply.headers });
        res.end();
        return;
      }
      res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    state,
    requests,
    violations,
    failNext(method, pathRegex, status, times = 1, body, headers) {
      faults.push({ method: method.toUpperCase(), path: pathRegex, status, remaining: times, body, headers });
    },
    forbidWrites(on) {
      writesForbidden = on;
    },
    requestsTo(method, pathRegex) {
      return requests.filter((r) => (method === '*' || r.method === method.toUpperCase()) && pathRegex.test(r.path));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
