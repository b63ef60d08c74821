import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { asBlobId, type BlobId } from '../core/ids.js';
import { SharedBlobIdSet } from './blob-id-set.js';

const id = (n: number): BlobId => asBlobId(createHash('sha256').update(String(n)).digest('hex'));

describe('SharedBlobIdSet', () => {
  it('answers membership for every inserted id and rejects others', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => id(i));
    const set = SharedBlobIdSet.build(ids, ids.length);
    for (const x of ids) assert.equal(set.has(x), true);
    for (let i = 5000; i < 10_000; i++) assert.equal(set.has(id(i)), false);
  });

  it('is readable through another view of the same shared memory (as a worker sees it)', () => {
    const set = SharedBlobIdSet.build([id(1), id(2)], 2);
    const view = SharedBlobIdSet.attach(set.buffer);
    assert.equal(view.has(id(2)), true);
    assert.equal(view.has(id(3)), false);
  });

  it('works when empty', () => {
    assert.equal(SharedBlobIdSet.build([], 0).has(id(0)), false);
  });
});
