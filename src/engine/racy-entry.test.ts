import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRacy } from './racy-entry.js';
import type { EntryStat } from './source-tree.js';

const START = 1_800_000_000_000_000_000n; // a backup start, in ns
const ms = (n: number): bigint => BigInt(n) * 1_000_000n;

function stat(mtimeNs: bigint, ctimeNs: bigint): EntryStat {
  return { mode: 0o100644, uid: 0, gid: 0, size: 1, nlink: 1, dev: 1n, ino: 1n, mtimeNs, ctimeNs };
}

describe('racy entries (changed too close to the backup start to trust the files cache)', () => {
  it('uses a 100 ms window where timestamps are fine (a ctime with a sub-second part)', () => {
    assert.equal(isRacy(stat(START - ms(50) + 7n, START - ms(50) + 7n), START), true);
    assert.equal(isRacy(stat(START - ms(150) + 7n, START - ms(150) + 7n), START), false);
    // an old mtime (e.g. set by cp -a or touch) does not hide a recent change: the ctime tells
    assert.equal(isRacy(stat(START - ms(86_400_000), START - ms(20) + 7n), START), true);
  });

  it('uses a 2 s window where timestamps may be whole seconds', () => {
    assert.equal(isRacy(stat(START - ms(1000), START - ms(1000)), START), true);
    assert.equal(isRacy(stat(START - ms(3000), START - ms(3000)), START), false);
  });

  it('treats an entry changed after the start as racy', () => {
    assert.equal(isRacy(stat(START + ms(5) + 3n, START + ms(5) + 3n), START), true);
  });
});
