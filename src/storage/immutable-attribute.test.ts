import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { IMMUTABLE_BATCH_SIZE, ImmutableAttribute } from './immutable-attribute.js';
import { countImmutable, makeTempRoot, removeTempRoot } from './testing/temp-root.js';

let dir = '';

before(async () => {
  dir = await makeTempRoot('immutable');
});

after(() => removeTempRoot(dir));

async function detectOrSkip(
  t: TestContext,
  sub: string,
): Promise<{ attribute: ImmutableAttribute; files: string } | undefined> {
  const files = path.join(dir, sub);
  await fs.mkdir(files);
  const attribute = await ImmutableAttribute.detect(files, { flushDelayMs: 60_000 });
  if (attribute.supported) return { attribute, files };
  assert.ok(
    process.getuid?.() !== 0 || process.platform !== 'linux',
    `root on Linux, yet unsupported: ${attribute.detail}`,
  );
  t.skip(`immutable attribute unsupported here: ${attribute.detail}`);
  return undefined;
}

describe('ImmutableAttribute', () => {
  it('hands a full batch to chattr at once, without waiting for the timer', async (t) => {
    const setup = await detectOrSkip(t, 'batch');
    if (setup === undefined) return;
    const { attribute, files } = setup;
    const paths = Array.from({ length: IMMUTABLE_BATCH_SIZE + 3 }, (_, i) => path.join(files, `f${String(i)}`));
    await Promise.all(paths.map((p) => fs.writeFile(p, 'x')));
    for (const p of paths.slice(0, IMMUTABLE_BATCH_SIZE - 1)) attribute.queue(p);
    assert.equal(attribute.pendingCount, IMMUTABLE_BATCH_SIZE - 1);
    attribute.queue(paths[IMMUTABLE_BATCH_SIZE - 1] ?? '');
    assert.equal(attribute.pendingCount, 0, 'the full batch left the queue');
    for (const p of paths.slice(IMMUTABLE_BATCH_SIZE)) attribute.queue(p);
    assert.equal(attribute.pendingCount, 3);
    await attribute.close();
    assert.equal(countImmutable(paths), paths.length);
    assert.deepEqual(attribute.failures, []);
  });

  it('drops a queued path that is about to be deleted, so chattr never meets it', async (t) => {
    const setup = await detectOrSkip(t, 'settle');
    if (setup === undefined) return;
    const { attribute, files } = setup;
    const doomed = path.join(files, 'doomed');
    await fs.writeFile(doomed, 'x');
    attribute.queue(doomed);
    await attribute.settle(doomed);
    await fs.unlink(doomed);
    await attribute.close();
    assert.deepEqual(attribute.failures, []);
  });

  it('records a failed batch instead of throwing', async (t) => {
    const setup = await detectOrSkip(t, 'fail');
    if (setup === undefined) return;
    const { attribute, files } = setup;
    attribute.queue(path.join(files, 'vanished'));
    await attribute.close();
    assert.equal(attribute.failures.length, 1);
    assert.match(attribute.failures[0] ?? '', /vanished/);
  });

  it('clears the attribute so the file can be removed', async (t) => {
    const setup = await detectOrSkip(t, 'clear');
    if (setup === undefined) return;
    const { attribute, files } = setup;
    const filePath = path.join(files, 'f');
    await fs.writeFile(filePath, 'x');
    attribute.queue(filePath);
    await attribute.flush();
    await assert.rejects(fs.unlink(filePath), (error: NodeJS.ErrnoException) => error.code === 'EPERM');
    assert.equal(await attribute.clear(filePath), undefined);
    await fs.unlink(filePath);
  });
});
