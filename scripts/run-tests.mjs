#!/usr/bin/env node
// Runs every compiled test (*.test.js) under the given directories (default: dist) with node --test.
// Node 20's test runner does not expand glob patterns such as 'dist/**/*.test.js' (Node 21+ does),
// so the files are listed here. Usage: node scripts/run-tests.mjs [dir…]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['dist'];
const files = dirs
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)))
  .filter((file) => file.endsWith('.test.js'))
  .sort();
if (files.length === 0) {
  process.stderr.write(`run-tests: no *.test.js files under ${dirs.join(', ')}; run the build first\n`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
