/**
 * The layering of src/ (DESIGN.md §3.1), checked on every test run rather than left to goodwill.
 * Each rule carries its reason, as restic's depguard rules do. To add a layer, add it to LAYER_RULES
 * with the layers it may import and why.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Layer =
  | 'core'
  | 'native'
  | 'format'
  | 'storage'
  | 'catalog'
  | 'engine'
  | 'vault'
  | 'server'
  | 'client'
  | 'cli'
  | 'bench'
  | 'e2e';

interface LayerRule {
  /** Our layers this layer may import, besides itself. */
  readonly mayImport: readonly Layer[];
  readonly why: string;
  /** When set, the only packages and node builtins the layer's code may import ('node:x' or a package). */
  readonly onlyExternals?: readonly string[];
  /** Node builtins the layer's code must not import (by module name without 'node:'). */
  readonly deniedBuiltins?: readonly string[];
}

const IO_BUILTINS = [
  'fs',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'dns',
  'tls',
  'cluster',
  'worker_threads',
  'readline',
  'os',
];

const LAYER_RULES: Readonly<Record<Layer, LayerRule>> = {
  core: {
    mayImport: [],
    deniedBuiltins: IO_BUILTINS,
    why: 'core is the pure domain (rules, decisions, ids, errors): it decides from values and an injected Clock, so it is tested without disks, sockets or processes',
  },
  native: {
    mayImport: [],
    why: "bindings to Amber's native addon (native/*.c) and to libsodium: system calls and code Node lacks, used by storage, engine and format to be faster, never needed for a correct result",
  },
  format: {
    mayImport: ['core', 'native'],
    onlyExternals: ['node:crypto', 'node:buffer', 'zstd-napi'],
    why: 'the repository format is pure functions over bytes (docs/format.md); reading and writing objects belongs to storage and engine',
  },
  storage: {
    mayImport: ['core', 'native'],
    why: 'storage moves opaque objects under keys and enforces locks; it knows nothing of packs, points, catalogs or vaults',
  },
  catalog: {
    mayImport: ['core'],
    why: 'the catalog is an index the vault service fills and rebuilds from storage; it never reads storage or the format itself',
  },
  engine: {
    mayImport: ['core', 'native', 'format', 'storage'],
    why: 'the agent-side engine writes the format to a store; retention, approvals and the catalog are decided by the vault service, never by an agent',
  },
  vault: {
    mayImport: ['core', 'native', 'format', 'storage', 'catalog', 'engine'],
    why: 'use cases compose the lower layers and never depend on a transport (HTTP server or CLI)',
  },
  server: {
    mayImport: ['core', 'native', 'format', 'storage', 'catalog', 'engine', 'vault', 'bench'],
    why: 'the server is an HTTP adapter over the vault service; code shared with the CLI lives in a lower layer, so the server never loads terminal code',
  },
  client: {
    mayImport: ['core', 'native', 'format', 'storage', 'catalog', 'engine', 'vault'],
    why: 'the HTTP client is the vault service seen from another host: it runs the engine locally and talks to the server only over HTTP, never by importing it',
  },
  cli: {
    mayImport: ['core', 'native', 'format', 'storage', 'catalog', 'engine', 'vault', 'server', 'client', 'bench'],
    why: 'the CLI is the outermost edge: it builds drivers and may embed the server or its client',
  },
  bench: {
    mayImport: ['core', 'native', 'format', 'storage', 'catalog', 'engine', 'vault', 'server', 'client', 'cli'],
    why: 'benchmarks measure any layer',
  },
  e2e: {
    mayImport: [
      'core',
      'native',
      'format',
      'storage',
      'catalog',
      'engine',
      'vault',
      'server',
      'client',
      'cli',
      'bench',
    ],
    why: 'end-to-end tests drive the whole product from outside, as a user does',
  },
};

const ENV_LAYERS: readonly Layer[] = ['cli', 'server', 'bench', 'e2e'];
const ENV_WHY = 'configuration is read once at the edges (cli, server, bench, e2e tests) and passed in as values';
const CLOCK_FILE = 'core/clock.ts';
const CLOCK_WHY = 'time comes only from a Clock (core/clock.ts), so tests advance a FakeClock instead of sleeping';

const isLayer = (name: string): name is Layer => Object.hasOwn(LAYER_RULES, name);
const isTestOrFake = (file: string): boolean => file.endsWith('.test.ts') || file.split('/').includes('testing');

/** `file` is a posix path relative to src/, e.g. 'core/clock.ts'; returns its violations as sentences. */
function checkSource(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const segments = file.split('/');
  const layerName = segments.length > 1 ? (segments[0] ?? '') : '';
  if (layerName !== '' && !isLayer(layerName)) {
    return [`src/${file}: src/${layerName}/ is not a known layer; add it to LAYER_RULES in src/architecture.test.ts`];
  }
  const layer = layerName === '' ? undefined : layerName;
  const violations: string[] = [];
  const visit = (node: ts.Node): void => {
    const specifier = moduleSpecifierOf(node);
    if (specifier !== undefined) violations.push(...checkImport(file, layer, specifier));
    const use = forbiddenUseOf(node);
    if (use === 'process.env' && !(layer !== undefined && ENV_LAYERS.includes(layer))) {
      violations.push(`src/${file}: reads process.env (only ${ENV_LAYERS.join(', ')} may: ${ENV_WHY})`);
    }
    if (use !== undefined && use !== 'process.env' && file !== CLOCK_FILE) {
      violations.push(`src/${file}: calls ${use} (only src/${CLOCK_FILE} may: ${CLOCK_WHY})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return violations;
}

function checkImport(file: string, layer: Layer | undefined, specifier: string): string[] {
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target.startsWith('../'))
      return [`src/${file}: imports ${specifier} (code under src/ may not import outside src/)`];
    const targetSegments = target.split('/');
    const targetLayer = targetSegments.length > 1 ? targetSegments[0] : undefined;
    if (targetLayer === undefined) {
      return layer === undefined
        ? []
        : [`src/${file}: imports ${specifier} (files directly in src/ are tooling, not a layer)`];
    }
    if (layer === undefined || targetLayer === layer || !isLayer(targetLayer)) return [];
    if (LAYER_RULES[layer].mayImport.includes(targetLayer)) return [];
    return [
      `src/${file}: imports ${specifier} (layer ${layer} may not import layer ${targetLayer}: ${LAYER_RULES[layer].why})`,
    ];
  }
  if (layer === undefined || isTestOrFake(file)) return [];
  const rule = LAYER_RULES[layer];
  const external = externalName(specifier);
  const builtin = external.startsWith('node:') ? external.slice('node:'.length) : undefined;
  if (builtin !== undefined && rule.deniedBuiltins?.includes(builtin) === true) {
    return [`src/${file}: imports ${specifier} (layer ${layer} may not import node:${builtin}: ${rule.why})`];
  }
  if (rule.onlyExternals !== undefined && !rule.onlyExternals.includes(external)) {
    return [
      `src/${file}: imports ${specifier} (layer ${layer} may import only ${rule.onlyExternals.join(', ')}: ${rule.why})`,
    ];
  }
  return [];
}

/** 'node:fs/promises' and 'fs' → 'node:fs'; '@scope/pkg/sub' → '@scope/pkg'; 'pkg/sub' → 'pkg'. */
function externalName(specifier: string): string {
  const parts = specifier.split('/');
  if (isBuiltin(specifier)) return `node:${(parts[0] ?? '').replace(/^node:/, '')}`;
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The module named by an import/export declaration, import(), import type or require(). */
function moduleSpecifierOf(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
    return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const expression = node.moduleReference.expression;
    return ts.isStringLiteral(expression) ? expression.text : undefined;
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
    return node.argument.literal.text;
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const isImportCall = callee.kind === ts.SyntaxKind.ImportKeyword;
    const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
    const first = node.arguments[0];
    if ((isImportCall || isRequire) && first !== undefined && ts.isStringLiteralLike(first)) return first.text;
  }
  return undefined;
}

type ForbiddenUse = 'process.env' | 'Date.now()' | 'new Date()' | 'Date()';

function forbiddenUseOf(node: ts.Node): ForbiddenUse | undefined {
  if (
    ts.isPropertyAccessExpression(node) &&
    isIdentifierNamed(node.expression, 'process') &&
    node.name.text === 'env'
  ) {
    return 'process.env';
  }
  if (
    ts.isElementAccessExpression(node) &&
    isIdentifierNamed(node.expression, 'process') &&
    ts.isStringLiteralLike(node.argumentExpression) &&
    node.argumentExpression.text === 'env'
  ) {
    return 'process.env';
  }
  if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
    const takesEnv = node.name.elements.some((element) =>
      isIdentifierNamed(element.propertyName ?? element.name, 'env'),
    );
    if (takesEnv && isIdentifierNamed(node.initializer, 'process')) return 'process.env';
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const { expression, name } = node.expression;
    if (isIdentifierNamed(expression, 'Date') && name.text === 'now') return 'Date.now()';
  }
  if (ts.isNewExpression(node) && isIdentifierNamed(node.expression, 'Date') && (node.arguments?.length ?? 0) === 0) {
    return 'new Date()';
  }
  if (ts.isCallExpression(node) && isIdentifierNamed(node.expression, 'Date')) return 'Date()';
  return undefined;
}

const isIdentifierNamed = (node: ts.Node, name: string): boolean => ts.isIdentifier(node) && node.text === name;

/** src/ beside the compiled test (dist/architecture.test.js → ../src), else under the working directory. */
function locateSrc(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../src'), resolve(process.cwd(), 'src')];
  const found = candidates.find((dir) => existsSync(join(dir, 'architecture.test.ts')));
  assert.ok(found, `cannot find src/ (looked in ${candidates.join(', ')})`);
  return found;
}

function listTsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('architecture', () => {
  test('every file under src/ respects the layer, environment and clock rules', () => {
    const srcDir = locateSrc();
    const files = listTsFiles(srcDir).map((path) => relative(srcDir, path).split(sep).join('/'));
    assert.ok(files.includes(CLOCK_FILE), `the scan of ${srcDir} missed ${CLOCK_FILE}`);
    const violations = files.sort().flatMap((file) => checkSource(file, readFileSync(join(srcDir, file), 'utf8')));
    assert.equal(violations.length, 0, `layer rule violations:\n${violations.join('\n')}`);
  });

  test('reports a lower layer importing a higher one, with the rule and its reason', () => {
    const violations = checkSource('engine/walker.ts', "import { Catalog } from '../catalog/catalog.js';");
    assert.equal(violations.length, 1);
    assert.match(
      violations[0] ?? '',
      /^src\/engine\/walker\.ts: imports \.\.\/catalog\/catalog\.js \(layer engine may not import layer catalog: /,
    );
  });

  test('sees type-only, re-exported and dynamic imports too', () => {
    const text = [
      "import type { Vault } from '../vault/vault.js';",
      "export { x } from '../engine/x.js';",
      "const m = await import('../cli/main.js');",
      "type T = import('../server/app.js').App;",
    ].join('\n');
    assert.equal(checkSource('storage/local-store.ts', text).length, 4);
  });

  test('allows permitted imports and ignores commented-out code and strings', () => {
    const text = [
      "import { AmberError } from '../core/errors.js';",
      "import { put } from './put.js';",
      "import { open } from 'node:fs/promises';",
      "// import { Vault } from '../vault/vault.js'; Date.now(); process.env.X",
      "const s = 'new Date() and process.env';",
    ].join('\n');
    assert.deepEqual(checkSource('storage/local-store.ts', text), []);
  });

  test('keeps I/O out of core and limits format to its byte libraries, except in tests', () => {
    assert.equal(checkSource('core/x.ts', "import { readFile } from 'node:fs/promises';").length, 1);
    assert.equal(checkSource('core/x.ts', "import { readFile } from 'fs';").length, 1);
    assert.equal(checkSource('core/x.ts', "import { createHash } from 'node:crypto';").length, 0);
    assert.equal(checkSource('format/pack.ts', "import { compress } from 'zstd-napi';").length, 0);
    assert.equal(checkSource('format/pack.ts', "import { S3Client } from '@aws-sdk/client-s3';").length, 1);
    assert.equal(checkSource('format/pack.test.ts', "import { readFile } from 'node:fs/promises';").length, 0);
  });

  test('confines process.env to the edges and wall-clock reads to the clock', () => {
    const env = ['const a = process.env.HOME;', "const b = process['env'];", 'const { env } = process;'].join('\n');
    assert.equal(checkSource('vault/config.ts', env).length, 3);
    assert.deepEqual(checkSource('server/config.ts', env), []);
    const time = ['const a = Date.now();', 'const b = new Date();', 'const c = Date();', 'const d = new Date(0);'].join(
      '\n',
    );
    assert.equal(checkSource('vault/expiry.ts', time).length, 3);
    assert.deepEqual(checkSource(CLOCK_FILE, time), []);
  });

  test('refuses an unknown layer and imports that leave src/', () => {
    assert.match(checkSource('misc/util.ts', '')[0] ?? '', /not a known layer/);
    assert.equal(checkSource('cli/x.ts', "import '../../scripts/gen.mjs';").length, 1);
  });
});
