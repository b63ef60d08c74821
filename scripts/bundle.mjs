#!/usr/bin/env node
// Bundles the compiled CLI and its worker entry points into dist/bundle/ (one file each), so that a
// command loads a handful of files instead of ~400 modules: Node 20 spends ~200 ms resolving and
// compiling Kysely's and our module graph at every start, a quarter of a no-change backup.
// Native addons (better-sqlite3, zstd-napi, sodium-native) stay external. Tests keep using the unbundled dist/.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

// Chunk names carry content hashes: clear the old ones so that dist/bundle holds one build only.
await rm('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: {
    cli: 'dist/cli/main.js',
    'archive-worker': 'dist/engine/archive-worker.js',
    'restore-worker': 'dist/engine/restore-worker.js',
  },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  // Native addons, and the server's and S3 driver's dependencies (loaded only by `amber server` and
  // S3 vaults; @fastify/swagger-ui serves files from its own package directory), and undici (loaded only
  // in server mode; bundled, its CommonJS exports lose their names).
  external: [
    'better-sqlite3',
    'zstd-napi',
    'zstd-napi/*',
    'sodium-native',
    'sodium-native/*',
    'fastify',
    '@fastify/*',
    '@aws-sdk/*',
    'typebox',
    'croner',
    'undici',
  ],
  // esbuild's ESM output for CommonJS dependencies needs a require function.
  banner: {
    js: "import { createRequire as __amberCreateRequire } from 'node:module'; const require = __amberCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
