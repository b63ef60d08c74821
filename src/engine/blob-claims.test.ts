import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { BlobClaims } from './blob-claims.js';

const id = (n: number): string => createHash('sha256').update(String(n)).digest('hex');

describe('BlobClaims', () => {
  it('gives each blob to the first claim only', () => {
    const buffer = BlobClaims.create(100);
    const mine = BlobClaims.attach(buffer);
    const theirs = BlobClaims.attach(buffer);
    assert.equal(mine.claim(id(1)), true);
    assert.equal(theirs.claim(id(1)), false);
    assert.equal(mine.claim(id(1)), false);
    assert.equal(theirs.claim(id(2)), true);
  });

  it('lets every claim store when the table is full (a duplicate at worst, never a loss)', () => {
    const claims = BlobClaims.attach(BlobClaims.create(1)); // 16 slots
    for (let n = 0; n < 16; n++) assert.equal(claims.claim(id(n)), true);
    assert.equal(claims.claim(id(100)), true);
    assert.equal(claims.claim(id(100)), true);
    assert.equal(claims.claim(id(3)), false);
  });

  it('gives each blob to exactly one of several threads claiming the same blobs at once', async () => {
    const ids = Array.from({ length: 20_000 }, (_, n) => id(n));
    const buffer = BlobClaims.create(ids.length);
    const moduleUrl = new URL('./blob-claims.js', import.meta.url).href;
    const source = `
      const { workerData, parentPort } = await import('node:worker_threads');
      const { BlobClaims } = await import(${JSON.stringify(moduleUrl)});
      const claims = BlobClaims.attach(workerData.buffer);
      const won = [];
      for (const blob of workerData.ids) if (claims.claim(blob)) won.push(blob);
      parentPort.postMessage(won);
    `;
    const threads = [0, 1, 2, 3].map((t) => {
      // Each thread claims all the ids, in its own order.
      const order = t % 2 === 0 ? ids : [...ids].reverse();
      return new Promise<string[]>((resolve, reject) => {
        const worker = new Worker(source, { eval: true, workerData: { buffer, ids: order } });
        worker.once('message', (won: string[]) => {
          resolve(won);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    });
    const won = (await Promise.all(threads)).flat();
    assert.equal(won.length, ids.length, 'every blob claimed once in all');
    assert.deepEqual(new Set(won), new Set(ids));
  });
});
