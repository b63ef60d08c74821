import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { setFileTime, writeFileAt } from './corpus-files.js';
import { diffTrees } from './tree-diff.js';

describe('diffTrees', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'amber-bench-diff-'));
  const source = path.join(root, 'source');
  const restored = path.join(root, 'restored');
  after(() => rmSync(root, { recursive: true, force: true }));

  beforeEach(() => {
    rmSync(source, { recursive: true, force: true });
    rmSync(restored, { recursive: true, force: true });
    writeFileAt(path.join(source, 'a', 'one.txt'), Buffer.from('first file'), 1_700_000_000_000);
    writeFileAt(path.join(source, 'a', 'b', 'run.sh'), Buffer.from('#!/bin/sh\n'), 1_700_000_001_000, 0o755);
    writeFileAt(path.join(source, 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 7), 1_700_000_002_000);
    mkdirSync(path.join(source, 'empty'));
    symlinkSync('a/one.txt', path.join(source, 'link'));
    assert.equal(spawnSync('cp', ['-a', source, restored]).status, 0);
  });

  it('finds a faithful copy identical', () => {
    const diff = diffTrees(source, restored);
    assert.equal(diff.identical, true, diff.differences.join('\n'));
    assert.equal(diff.filesCompared, 3);
    assert.equal(diff.bytesCompared, 9 * 1024 * 1024 + 10 + 10);
  });

  it('reports same-size content changes, lost modes, wrong mtimes, missing and extra entries', () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    big[8 * 1024 * 1024 + 5] = 8; // beyond the first read chunk
    writeFileAt(path.join(restored, 'big.bin'), big, 1_700_000_002_000);
    chmodSync(path.join(restored, 'a', 'b', 'run.sh'), 0o644);
    setFileTime(path.join(restored, 'a', 'one.txt'), 1_700_000_000_500);
    unlinkSync(path.join(restored, 'link'));
    writeFileSync(path.join(restored, 'empty', 'stray'), 'x');
    const diff = diffTrees(source, restored);
    assert.equal(diff.identical, false);
    assert.deepEqual([...diff.differences].sort(), [
      'content differs: big.bin',
      'extra: empty/stray',
      'missing: link',
      'mode 644 instead of 755: a/b/run.sh',
      'mtime 1700000000500 instead of 1700000000000: a/one.txt',
    ]);
  });

  it('keeps counting past the reported differences', () => {
    for (let i = 0; i < 5; i++) writeFileSync(path.join(restored, `extra-${i}`), 'x');
    const diff = diffTrees(source, restored, 2);
    assert.equal(diff.differences.length, 2);
    assert.equal(diff.differenceCount, 5);
  });
});
