import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MS_PER_DAY } from '../core/clock.js';
import { corpusManifest, type ManifestEntry } from './corpus-manifest.js';
import { CORPUS_BASE_AT, generateCorpus, mutateCorpus } from './corpus.js';

describe('bench corpus', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'amber-bench-corpus-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('generates the same files, sizes, modes, mtimes and bytes for the same seed', () => {
    const first = generateCorpus(path.join(root, 'a'), { seed: 7, scale: 0.002 });
    const second = generateCorpus(path.join(root, 'b'), { seed: 7, scale: 0.002 });
    assert.deepEqual(second, first);
    const manifest = corpusManifest(path.join(root, 'a'));
    assert.deepEqual(corpusManifest(path.join(root, 'b')), manifest);
    assert.equal(manifest.length, first.fileCount);
    assert.equal(sum(manifest), first.sizeBytes);
    assert.ok(manifest.some((e) => e.path.startsWith('src/')) && manifest.some((e) => e.path.startsWith('data/')));
    assert.equal(manifest.filter((e) => e.path.startsWith('images/')).length, 3);
  });

  it('generates different content for another seed', () => {
    generateCorpus(path.join(root, 'c'), { seed: 8, scale: 0.002 });
    const hashes = new Set(corpusManifest(path.join(root, 'a')).map((e) => e.sha256));
    const other = corpusManifest(path.join(root, 'c'));
    assert.ok(other.filter((e) => hashes.has(e.sha256)).length < other.length / 10);
  });

  it('refuses to generate into a directory that is not empty', () => {
    assert.throws(() => generateCorpus(path.join(root, 'a'), { seed: 7, scale: 0.002 }), { code: 'INVALID_ARGUMENT' });
  });

  it('changes pct % of the files outside images/, adds new files and overwrites blocks of one image', () => {
    const dir = path.join(root, 'm');
    generateCorpus(dir, { seed: 3, scale: 0.005 });
    const before = byPath(corpusManifest(dir));
    const others = [...before.keys()].filter((p) => !p.startsWith('images/'));
    const summary = mutateCorpus(dir, { seed: 3, day: 2, pct: 10 });
    const afterMutation = byPath(corpusManifest(dir));

    assert.equal(summary.selected, Math.round(others.length * 0.1));
    const touched = others.filter((p) => afterMutation.get(p)?.sha256 !== before.get(p)?.sha256);
    assert.equal(touched.length, summary.selected);
    assert.equal(summary.edited + summary.appended + summary.renamed + summary.deleted, summary.selected);
    const added = [...afterMutation.keys()].filter((p) => !before.has(p));
    assert.equal(added.length, summary.renamed + summary.created);
    assert.equal(summary.created, Math.max(1, Math.round(summary.selected * 0.2)) + 1);
    const changedImages = [...before.keys()].filter(
      (p) => p.startsWith('images/') && afterMutation.get(p)?.sha256 !== before.get(p)?.sha256,
    );
    assert.equal(changedImages.length, 1);
    assert.equal(summary.imageBlocks, 16);
    const day2At = CORPUS_BASE_AT + 2 * MS_PER_DAY;
    for (const p of [...touched, ...added, ...changedImages]) {
      const entry = afterMutation.get(p);
      if (entry !== undefined && !entry.path.includes('/renamed-d2-')) assert.equal(entry.mtimeMs, day2At, p);
    }
  });

  it('applies the same mutation to identical trees', () => {
    generateCorpus(path.join(root, 'x'), { seed: 4, scale: 0.002 });
    generateCorpus(path.join(root, 'y'), { seed: 4, scale: 0.002 });
    const x = mutateCorpus(path.join(root, 'x'), { seed: 4, day: 1, pct: 20 });
    const y = mutateCorpus(path.join(root, 'y'), { seed: 4, day: 1, pct: 20 });
    assert.deepEqual(y, x);
    assert.deepEqual(corpusManifest(path.join(root, 'y')), corpusManifest(path.join(root, 'x')));
  });
});

function byPath(entries: readonly ManifestEntry[]): Map<string, ManifestEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

function sum(entries: readonly ManifestEntry[]): number {
  return entries.reduce((total, e) => total + e.sizeBytes, 0);
}
