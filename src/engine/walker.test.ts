import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { nativeAddonUnavailable } from '../native/addon.js';
import { scanDirectory, type DirectoryScan } from '../native/dir-scan.js';
import { scanWithNodeFs, walkSources } from './walker.js';

const root = mkdtempSync(path.join(tmpdir(), 'amber-walker-'));
after(() => {
  chmodSync(path.join(root, 'locked'), 0o755);
  rmSync(root, { recursive: true, force: true });
});

/** A directory with an entry of every kind the walk meets. */
function makeTree(): string {
  const dir = path.join(root, 'tree');
  mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  writeFileSync(path.join(dir, 'file.txt'), 'some content');
  writeFileSync(path.join(dir, 'empty'), '');
  linkSync(path.join(dir, 'file.txt'), path.join(dir, 'hardlink'));
  symlinkSync('file.txt', path.join(dir, 'link'));
  symlinkSync('/nowhere/at/all', path.join(dir, 'dangling'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  writeFileSync(path.join(dir, 'sub', 'deeper', 'ünïcödé name'), 'x'.repeat(5000));
  return dir;
}

function byName(scan: DirectoryScan): Map<string, unknown> {
  assert.ok('entries' in scan, 'error' in scan ? scan.error : '');
  return new Map(scan.entries.map((e) => [e.name, e.error === undefined ? e.stat : 'error']));
}

describe('walker', () => {
  const tree = makeTree();

  it('has the native directory scanner here (Linux, built by npm install)', () => {
    assert.equal(nativeAddonUnavailable(), null);
  });

  it('lists a directory natively exactly as readdir plus lstat do, for every kind of entry', () => {
    for (const dir of [tree, path.join(tree, 'sub'), path.join(tree, 'sub', 'deeper'), '/']) {
      const native = scanDirectory(dir);
      assert.ok(native !== null);
      assert.deepEqual(byName(native), byName(scanWithNodeFs(dir)), dir);
    }
  });

  it('reports a directory it cannot open, and never follows a symlink in place of a directory', () => {
    assert.match(errorOf(scanDirectory(path.join(tree, 'missing'))), /^ENOENT: /);
    assert.match(errorOf(scanDirectory(path.join(tree, 'file.txt'))), /^ENOTDIR: /);
    symlinkSync('sub', path.join(tree, 'sub-link'));
    assert.match(errorOf(scanDirectory(path.join(tree, 'sub-link'))), /^(ELOOP|ENOTDIR): /);
  });

  it('marks a name that is not UTF-8 as unreadable (its path cannot be named in a tree)', () => {
    const dir = path.join(root, 'latin1');
    mkdirSync(dir);
    writeFileSync(Buffer.from(`${dir}/caf\xe9`, 'latin1'), 'x');
    writeFileSync(path.join(dir, 'fine'), 'y');
    const scan = scanDirectory(dir);
    assert.ok(scan !== null && 'entries' in scan);
    const bad = scan.entries.find((e) => e.name !== 'fine');
    assert.match(bad?.error ?? '', /^EILSEQ: /);
    assert.equal(scan.entries.find((e) => e.name === 'fine')?.stat?.size, 1);
  });

  it('walks a tree into one rooted at /, with warnings for what it cannot read', async () => {
    const locked = path.join(root, 'locked');
    mkdirSync(locked);
    writeFileSync(path.join(locked, 'secret'), 's');
    chmodSync(locked, 0o000);
    const walk = await walkSources([tree, locked]);
    // root reads a mode-000 directory anyway; anybody else gets a warning and an incomplete directory
    const asRoot = process.getuid?.() === 0;
    const names = walk.files.map((f) => path.relative(tree, f.path)).sort();
    const readable = ['empty', 'file.txt', 'hardlink', 'sub/deeper/ünïcödé name'];
    assert.deepEqual(names, asRoot ? ['../locked/secret', ...readable] : readable);
    assert.equal(walk.totalBytes, 0 + 12 + 12 + 5000 + (asRoot ? 1 : 0));
    assert.equal(walk.root.children.length, 1, 'one root child: the common ancestor of both sources');
    assert.equal(
      walk.warnings.some((w) => w.path === locked && w.message.startsWith('cannot read directory: EACCES')),
      !asRoot,
    );
  });
});

function errorOf(scan: DirectoryScan | null): string {
  assert.ok(scan !== null && 'error' in scan, 'the scan fails');
  return scan.error;
}
