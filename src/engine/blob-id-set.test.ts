import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { asBlobId, type BlobId } from '../core/ids.js';
import { idWords, SharedBlobIdSet } from './blob-id-set.js';

const id = (n: number): BlobId => asBlobId(createHash('sha256').update(String(n)).digest('hex'));

/** A set of the ids, kept at most half full (as the index keeps its own). */
function build(ids: readonly BlobId[]): SharedBlobIdSet {
  const set = SharedBlobIdSet.withSlots(SharedBlobIdSet.slotsFor(ids.length));
  const words = new Uint32Array(8);
  for (const blob of ids) {
    assert.ok(idWords(blob, words));
    set.insertWords(words);
  }
  return set;
}

describe('SharedBlobIdSet', () => {
  it('answers membership for every inserted id and rejects others', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => id(i));
    const set = build(ids);
    for (const x of ids) assert.equal(set.has(x), true);
    for (let i = 5000; i < 10_000; i++) assert.equal(set.has(id(i)), false);
  });

  it('is readable through another view of the same shared memory (as a worker sees it)', () => {
    const set = build([id(1), id(2)]);
    const view = SharedBlobIdSet.attach(set.buffer);
    assert.equal(view.has(id(2)), true);
    assert.equal(view.has(id(3)), false);
  });

  it('gives a copy that later inserts do not change', () => {
    const set = build([id(1)]);
    const copy = SharedBlobIdSet.attach(set.copyBuffer());
    const words = new Uint32Array(8);
    idWords(id(2), words);
    assert.ok(set.insertWords(words) >= 0);
    assert.equal(set.has(id(2)), true);
    assert.equal(copy.has(id(2)), false);
    assert.equal(copy.has(id(1)), true);
  });

  it('reports an id inserted twice by a negative slot', () => {
    const set = SharedBlobIdSet.withSlots(16);
    const words = new Uint32Array(8);
    idWords(id(7), words);
    const slot = set.insertWords(words);
    assert.ok(slot >= 0);
    assert.equal(set.insertWords(words), -(slot + 1));
  });

  it('works when empty, and answers false for strings that are not blob ids', () => {
    const set = build([]);
    assert.equal(set.has(id(0)), false);
    const full = build([id(1)]);
    assert.equal(full.has(id(1).toUpperCase() as BlobId), false);
    assert.equal(full.has(id(1).slice(1) as BlobId), false);
  });

  it('parses hex ids into the bytes Buffer.from(hex) gives', () => {
    const words = new Uint32Array(8);
    for (let i = 0; i < 50; i++) {
      assert.equal(idWords(id(i), words), true);
      assert.deepEqual(Buffer.from(words.buffer), Buffer.from(id(i), 'hex'));
    }
    assert.equal(idWords('g'.repeat(64), words), false);
    assert.equal(idWords('', words), false);
  });
});
