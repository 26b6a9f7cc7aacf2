/**
 * The layers of ARCHITECTURE.md, proven on the real import graph of src/: every module
 * specifier a file can load, whether by a static import or export, an `import type`, a
 * dynamic `import()`, a `require()` or a function made by `createRequire(...)`, is checked
 * against its layer's forbidden arrows. A specifier that is not a string literal in a
 * dynamic import or require cannot be checked, so it is itself a violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

/** Modules that do I/O or start processes and threads: only the edges (workspace, history, parser, replay, github, cli, action) may load them. */
const IO_MODULES = ['node:fs', 'node:child_process', 'node:worker_threads', 'node:net', 'node:http', 'node:https', 'node:os', 'node:v8', 'node:vm', '@actions/', '@octokit/', 'octokit', '@electric-sql/pglite', 'pg'];
/** The edges that read the disk and git (workspace, history) and parse on threads (parser). */
const LOCAL_EDGES = ['workspace', 'history', 'parser'];
/** src/ layers (a folder, or a top-level module) each layer must never import. */
const LAYERS: Record<string, { forbidden: string[]; why: string }> = {
  core: {
    forbidden: [...IO_MODULES, ...LOCAL_EDGES, 'github', 'replay', 'cli', 'action', 'render', 'rules', 'conventions', 'engine', 'check'],
    why: 'the core is pure: file contents in, a report out; every service (discovery, rules, replay, parsing on threads) is handed in',
  },
  rules: { forbidden: [...IO_MODULES, ...LOCAL_EDGES, 'github', 'replay', 'cli', 'action', 'render', 'engine', 'check'], why: 'a rule reads the change set (and replay observations on it), never a database, the disk or GitHub' },
  conventions: { forbidden: [...IO_MODULES, ...LOCAL_EDGES, 'github', 'replay', 'cli', 'action', 'render', 'rules', 'engine', 'check'], why: 'a convention classifies file contents it is given' },
  render: { forbidden: [...IO_MODULES, ...LOCAL_EDGES, 'github', 'replay', 'cli', 'action', 'rules', 'engine', 'check'], why: 'a renderer turns a report into text; it never reaches a backend' },
  engine: { forbidden: [...IO_MODULES, ...LOCAL_EDGES, 'github', 'replay', 'cli', 'action', 'check'], why: 'the engine wires the core to conventions and rules, still without I/O' },
  replay: { forbidden: [...LOCAL_EDGES, 'github', 'cli', 'action', 'render', 'rules', 'conventions', 'engine', 'check'], why: 'replay observes; findings are the rules\' job and the pipeline calls replay as a stage' },
  workspace: { forbidden: ['history', 'parser', 'github', 'cli', 'action', 'replay', 'render', 'rules', 'engine', 'check'], why: 'the workspace reads files and git for the pipeline, whoever calls it, and nothing more' },
  history: { forbidden: ['parser', 'github', 'cli', 'action', 'replay', 'render', 'rules', 'engine', 'check'], why: 'history facts come from git and code search (through the workspace), for whoever calls' },
  parser: { forbidden: ['workspace', 'history', 'github', 'cli', 'action', 'replay', 'render', 'rules', 'conventions', 'engine', 'check'], why: 'the parser pool parses texts it is given with the core\'s parser, on threads' },
  check: { forbidden: ['github', 'cli', 'action', 'render'], why: 'the pipeline serves the CLI and the action alike' },
  github: {
    forbidden: [...LOCAL_EDGES, 'replay', 'cli', 'action', 'render', 'rules', 'conventions', 'engine', 'check'],
    why: 'src/github is the port to GitHub (the API client and the event payload) and nothing else; the action\'s orchestration lives in src/action',
  },
  action: { forbidden: ['cli'], why: 'the action never goes through the CLI' },
  cli: { forbidden: ['github', 'action'], why: 'the CLI never talks to GitHub' },
};

/** How a file loads a module. */
interface ModuleUse {
  specifier: string | undefined;
  how: string;
  line: number;
}

/** Every module `source` can load (see the header); `specifier` undefined when it is not a literal. */
function moduleUses(source: string, fileName = 'file.ts'): ModuleUse[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const uses: ModuleUse[] = [];
  const requireFunctions = new Set<string>(['require']);
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const isCreateRequire = (node: ts.Node): boolean => ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'createRequire';
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      uses.push({ specifier: literal(node.moduleSpecifier), how: ts.isImportDeclaration(node) ? 'import' : 'export ... from', line: lineOf(node) });
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      uses.push({ specifier: ts.isLiteralTypeNode(argument) ? literal(argument.literal) : undefined, how: 'import type', line: lineOf(node) });
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isCreateRequire(node.initializer)) {
      requireFunctions.add(node.name.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) uses.push({ specifier: literal(node.arguments[0]), how: 'import()', line: lineOf(node) });
      else if (isCreateRequire(callee) || (ts.isIdentifier(callee) && requireFunctions.has(callee.text))) {
        uses.push({ specifier: literal(node.arguments[0]), how: 'require', line: lineOf(node) });
      } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && (isCreateRequire(callee.expression) || (ts.isIdentifier(callee.expression) && requireFunctions.has(callee.expression.text)))) {
        // require.resolve finds a path without loading the module: not an arrow.
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}

/** The layer of a file under src/: its folder, or its name for top-level modules (engine.ts: engine). */
function layerOf(relative: string): string {
  const [first, ...rest] = relative.split('/');
  return rest.length > 0 ? first! : first!.replace(/\.[jt]s$/, '');
}

/** What a specifier names: a src/ layer for relative ones, else the package or node: module. */
function target(fromRelative: string, specifier: string): { layer?: string; module?: string } {
  if (!specifier.startsWith('.')) return { module: specifier };
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(fromRelative), specifier));
  if (resolved.startsWith('..')) return { layer: `outside src (${resolved})` };
  return { layer: layerOf(resolved) };
}

function violationsIn(relative: string, source: string): string[] {
  const rules = LAYERS[layerOf(relative)];
  if (!rules) return [];
  const found: string[] = [];
  for (const use of moduleUses(source, relative)) {
    const where = `src/${relative}:${use.line} (${use.how})`;
    if (use.specifier === undefined) {
      found.push(`${where}: the module name is not a string literal, so the layer cannot be checked`);
      continue;
    }
    const { layer, module } = target(relative, use.specifier);
    const forbidden = rules.forbidden.find((f) => (layer !== undefined ? f === layer : module === f || (f.endsWith('/') ? module!.startsWith(f) : module!.startsWith(`${f}/`))));
    if (forbidden) found.push(`${where}: imports ${use.specifier}: ${layerOf(relative)} must not reach ${forbidden} (${rules.why})`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('the import graph of src/', () => {
  const files = sourceFiles(SRC);

  it('has a layer in the table for every folder and top-level module with a rule to keep', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of Object.keys(LAYERS)) expect(layers, `layer ${layer} exists`).toContain(layer);
    expect(files.length).toBeGreaterThan(100);
  });

  it('has no forbidden arrow in any layer (static, type, dynamic and createRequire imports)', () => {
    const violations = files.flatMap((relative) => violationsIn(relative, readFileSync(path.join(SRC, relative), 'utf8')));
    expect(violations).toEqual([]);
  });
});

describe('the import-graph check', () => {
  it('sees every way of loading a module, so a violation cannot hide', () => {
    const source = [
      "import { readFile } from 'node:fs/promises';",
      "import type { Hash } from 'node:crypto';",
      "export { git } from '../workspace/git.js';",
      "import { createRequire } from 'node:module';",
      "const load = createRequire(import.meta.url);",
      "const { execFile } = load('node:child_process');",
      "const { Worker } = createRequire(import.meta.url)('node:worker_threads');",
      "const pglite = await import('@electric-sql/pglite');",
      "type Api = typeof import('@actions/core');",
      "const name = 'node:fs'; await import(name);",
      "createRequire(import.meta.url).resolve('libpg-query/wasm/libpg-query.wasm');",
    ].join('\n');
    expect(moduleUses(source).map((u) => [u.specifier, u.how, u.line])).toEqual([
      ['node:fs/promises', 'import', 1],
      ['node:crypto', 'import', 2],
      ['../workspace/git.js', 'export ... from', 3],
      ['node:module', 'import', 4],
      ['node:child_process', 'require', 6],
      ['node:worker_threads', 'require', 7],
      ['@electric-sql/pglite', 'import()', 8],
      ['@actions/core', 'import type', 9],
      [undefined, 'import()', 10],
    ]);
  });

  it('reports each of them as a forbidden arrow of the core, naming file, line and the rule', () => {
    const source = [
      "const fs = await import('node:fs/promises');",
      "import { createRequire } from 'node:module';",
      "const { execFile } = createRequire(import.meta.url)('node:child_process');",
      "import { git } from '../workspace/git.js';",
      "import { allRules } from '../rules/index.js';",
      "import { replayStage } from '../replay/replay.js';",
      "import { sha256 } from './hash.js';",
      "import { z } from 'zod/mini';",
    ].join('\n');
    const violations = violationsIn('core/example.ts', source);
    expect(violations.map((v) => v.split(': imports ')[0])).toEqual([
      'src/core/example.ts:1 (import())',
      'src/core/example.ts:3 (require)',
      'src/core/example.ts:4 (import)',
      'src/core/example.ts:5 (import)',
      'src/core/example.ts:6 (import)',
    ]);
    expect(violations[0]).toContain('core must not reach node:fs (');
    expect(violationsIn('rules/ban-x.ts', "import { replayStage } from '../replay/replay.js';")).toHaveLength(1);
    expect(violationsIn('render/x.ts', "import { openPglite } from '../replay/pglite.js';")).toHaveLength(1);
    expect(violationsIn('replay/replay.ts', "import rule from '../rules/down-not-reversible.js';")).toHaveLength(1);
    expect(violationsIn('parser/parse-pool.ts', "import { git } from '../workspace/git.js';")).toHaveLength(1);
    expect(violationsIn('workspace/git.ts', "import { gatherHistoryFacts } from '../history/gather.js';")).toHaveLength(1);
    expect(violationsIn('github/api.ts', "import { check } from '../check.js';")).toHaveLength(1);
    expect(violationsIn('history/gather.ts', "import { git } from '../workspace/git.js';")).toEqual([]);
    expect(violationsIn('rules/ban-x.ts', "import { statementLock } from '../core/statement-locks.js';")).toEqual([]);
  });
});
