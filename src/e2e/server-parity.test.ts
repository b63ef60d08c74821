import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeRun, runAmber, type CliRun } from './testing/amber-cli.js';
import { startServerProcess, type ServerProcess } from './testing/amber-server.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { diffTrees, snapshotTree, subtree } from './testing/tree-snapshot.js';

const PASSPHRASE = 'parity passphrase for this host';

/**
 * "Every command works against the server as in embedded mode: same output, same --json, same exit
 * codes." One script of commands runs against a local vault directory and against a server's vault;
 * their answers are compared once ids, times and locations (which differ by nature) are masked.
 */
describe('the CLI against a server behaves as in embedded mode', () => {
  let root: string;
  let server: ServerProcess;
  let source: string;
  const runs: { embedded: CliRun[]; server: CliRun[] } = { embedded: [], server: [] };
  const script: readonly (readonly string[])[] = [
    ['policy', 'create', 'p5', '--keep', '5'],
    ['policy', 'list', '--json'],
    ['item', 'add', 'web', '--policy', 'p5', '--path', '<source>'],
    ['item', 'list', '--json'],
    ['backup', '--item', 'web', '--json'],
    ['points', '--json'],
    ['points'],
    ['ls', 'latest', '--json'],
    ['vault', 'immutability', 'enable', '--json'],
    ['points', 'delete', 'latest'],
    ['policy', 'update', 'p5', '--keep', '1'],
    ['hold', 'set', 'latest', '--reason', 'case 42'],
    ['points', '--json'],
    ['hold', 'release', 'latest'],
    ['vault', 'show', '--json'],
    ['verify', '--read-data', '--json'],
    ['maintenance', 'run', '--dry-run', '--json'],
    ['points', 'delete', 'no-such-point'],
    ['restore', 'latest', '--target', '<target>'],
  ];

  before(async () => {
    root = await makeTempDir('server-parity');
    source = path.join(root, 'source');
    await mkdir(path.join(source, 'dir'), { recursive: true });
    await writeFile(path.join(source, 'a.txt'), 'alpha\n');
    await writeFile(path.join(source, 'dir', 'b.txt'), 'beta\n'.repeat(1000));
    server = await startServerProcess({ dataDir: path.join(root, 'server-data') });
    const common = { AMBER_PASSWORD: PASSPHRASE, XDG_CONFIG_HOME: path.join(root, 'config') };
    const modes = {
      embedded: { ...common, AMBER_VAULT: path.join(root, 'vault'), AMBER_CACHE_DIR: path.join(root, 'cache-e') },
      server: {
        ...common,
        AMBER_SERVER: server.url,
        AMBER_TOKEN: server.adminToken,
        AMBER_CACHE_DIR: path.join(root, 'cache-s'),
      },
    };
    const init = await runAmber(['init', path.join(root, 'vault')], { env: modes.embedded });
    assert.equal(init.code, 0, describeRun(['init'], init));
    const key = await runAmber(['key', 'add', '--label', 'this-host'], {
      env: { ...modes.server, AMBER_NEW_PASSWORD: PASSPHRASE },
    });
    assert.equal(key.code, 0, describeRun(['key', 'add'], key));
    for (const mode of ['embedded', 'server'] as const) {
      for (const step of script) {
        const args = step.map((a) =>
          a === '<source>' ? source : a === '<target>' ? path.join(root, `target-${mode}`) : a,
        );
        runs[mode].push(await runAmber(args, { env: modes[mode] }));
      }
    }
  });

  after(async () => {
    await server.stop();
    await removeTree(root);
  });

  /** Masks what differs by nature between two vaults: ids, times, durations, sizes of encrypted data, places. */
  const mask = (text: string): string =>
    text
      .replaceAll(root, '<root>')
      .replace(/<root>\/(vault|server-data\/vaults\/default)/g, '<vault>')
      .replace(/<root>\/target-(embedded|server)/g, '<target>')
      .replace(/\b[0-9a-f]{12,64}\b/g, '<id>')
      .replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?Z?)?/g, '<time>')
      .replace(
        /"(durationMs|createdAt|updatedAt|retainUntil|lockRequestedAt|lockEffectiveAt|at|setAt)": ?[\d.]+/g,
        '"$1": <n>',
      )
      .replace(/"(addedStoredBytes|bytesRead|storedBytes)": ?\d+/g, '"$1": <n>')
      .replace(/\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
      .replace(/local:\w+|user:admin/g, '<actor>')
      .replace(/^amber: /gm, '');

  for (const [index, step] of script.entries()) {
    it(`amber ${step.join(' ')}`, () => {
      const embedded = runs.embedded[index] as CliRun;
      const remote = runs.server[index] as CliRun;
      assert.equal(
        remote.code,
        embedded.code,
        `exit codes differ\n${describeRun(step, embedded)}\n${describeRun(step, remote)}`,
      );
      assert.equal(mask(remote.stdout), mask(embedded.stdout), 'standard output differs');
      assert.equal(mask(remote.stderr), mask(embedded.stderr), 'error output differs');
    });
  }

  it('restores the same tree in both modes', async () => {
    const rel = path.relative('/', source);
    const embedded = subtree(await snapshotTree(path.join(root, 'target-embedded')), rel);
    const remote = subtree(await snapshotTree(path.join(root, 'target-server')), rel);
    assert.deepEqual(diffTrees(embedded, remote), []);
    assert.deepEqual(diffTrees(await snapshotTree(source), remote), []);
  });

  it('ran the script it meant to: refusals refused, the rest succeeded', () => {
    const codes = runs.server.map((run) => run.code);
    // delete of a retained point in an immutable vault: 10; a reduction while immutable: 10; no such point: 1.
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 0, 0, 0, 0, 0, 0, 1, 0]);
  });
});
