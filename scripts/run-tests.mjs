#!/usr/bin/env node
// Runs every compiled test (*.test.js) under the given directories (default: dist) with node --test.
// Node 20's test runner does not expand glob patterns such as 'dist/**/*.test.js' (Node 21+ does),
// so the files are listed here. Tests that need a real Ceph RGW (*.ceph.test.js) are left out; with
// --only-ceph only they run (`npm run test:s3`, after `.ci/ceph-rgw.sh up`).
// Usage: node scripts/run-tests.mjs [--only-ceph] [dir…]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyCeph = args.includes('--only-ceph');
const named = args.filter((arg) => arg !== '--only-ceph');
const dirs = named.length > 0 ? named : ['dist'];
const wanted = onlyCeph ? '.ceph.test.js' : '.test.js';
const files = dirs
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)))
  .filter((file) => file.endsWith(wanted) && (onlyCeph || !file.endsWith('.ceph.test.js')))
  .sort();
if (files.length === 0) {
  process.stderr.write(`run-tests: no *${wanted} files under ${dirs.join(', ')}; run the build first\n`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
