import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  amberJson,
  amberOk,
  describeRun,
  runAmber,
  stackLines,
  type AmberRunOptions,
  type CliRun,
} from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';

const NOBODY = 65534;
/** Root reads every file; the unreadable-file case runs the CLI as nobody, which only root may do. */
const NEEDS_ROOT = process.getuid?.() === 0 ? false : 'needs root to run the CLI as another user';

/** Asserts the exit code, the stable error code in brackets after a sentence, and no stack trace. */
function assertFailure(args: readonly string[], run: CliRun, exitCode: number, errorCode?: string): void {
  const account = describeRun(args, run);
  assert.equal(run.code, exitCode, account);
  if (errorCode !== undefined) {
    assert.match(run.stderr, new RegExp(`^amber: .+\\. \\[${errorCode}\\]$`, 'm'), account);
  }
  assert.deepEqual(stackLines(run.stderr), [], `a stack trace without --debug:\n${account}`);
}

describe('amber CLI errors and exit codes', () => {
  let base: string;
  let vault: string;
  let src: string;
  let run: AmberRunOptions;

  const fail = async (
    args: string[],
    exitCode: number,
    errorCode?: string,
    options: AmberRunOptions = run,
  ): Promise<CliRun> => {
    const result = await runAmber(args, options);
    assertFailure(args, result, exitCode, errorCode);
    return result;
  };
  const withEnv = (env: Record<string, string | undefined>): AmberRunOptions => ({ env: { ...run.env, ...env } });
  const pointCount = async (): Promise<number> =>
    (await amberJson<unknown[]>(['points', '--vault', vault, '--json'], run)).length;

  before(async () => {
    base = await makeTempDir('errors');
    vault = path.join(base, 'vault');
    src = path.join(base, 'src');
    await mkdir(path.join(src, 'docs'), { recursive: true });
    await writeFile(path.join(src, 'docs', 'a.txt'), 'alpha\n');
    await writeFile(path.join(src, 'b.txt'), 'beta\n');
    run = {
      env: {
        AMBER_PASSWORD: 'the right passphrase',
        AMBER_CACHE_DIR: path.join(base, 'cache'),
        AMBER_VAULT: undefined,
      },
    };
    await amberOk(['init', vault], run);
    await amberOk(['backup', '--vault', vault, src], run);
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('an unknown option is a usage error (exit 2) that names the option', async () => {
    const result = await fail(['points', '--vault', vault, '--no-such-option'], 2);
    assert.match(result.stderr, /unknown option '--no-such-option'/);
  });

  test('a command without --vault and without AMBER_VAULT is a usage error (exit 2)', async () => {
    const result = await fail(['points'], 2, 'USAGE');
    assert.match(result.stderr, /--vault/);
  });

  test('a wrong passphrase exits 11 with a sentence and no stack trace', async () => {
    await fail(['verify', '--vault', vault], 11, 'WRONG_PASSWORD', withEnv({ AMBER_PASSWORD: 'not the passphrase' }));
  });

  test('a backup with a wrong passphrase exits 11, its workers started ahead stopped', async () => {
    const source = path.join(base, 'wrong-passphrase-source');
    await mkdir(source);
    await writeFile(path.join(source, 'file.txt'), 'to be read\n');
    // The process ends: workers started while the KDF ran do not keep it alive after the refusal.
    await fail(['backup', '--vault', vault, source], 11, 'WRONG_PASSWORD', withEnv({ AMBER_PASSWORD: 'wrong' }));
  });

  test('without a passphrase and without a terminal a command exits 2 with PASSWORD_REQUIRED', async () => {
    const result = await fail(
      ['verify', '--vault', vault],
      2,
      'PASSWORD_REQUIRED',
      withEnv({ AMBER_PASSWORD: undefined }),
    );
    assert.match(result.stderr, /AMBER_PASSWORD/);
  });

  test('a directory that holds no vault, or none at all, is VAULT_NOT_FOUND (exit 1)', async () => {
    const empty = path.join(base, 'not-a-vault');
    await mkdir(empty);
    await writeFile(path.join(empty, 'notes.txt'), 'just a file\n');
    await fail(['points', '--vault', empty], 1, 'VAULT_NOT_FOUND');
    await fail(['points', '--vault', path.join(base, 'no-such-dir')], 1, 'VAULT_NOT_FOUND');
  });

  test('looking for a vault in an empty directory leaves it empty, so init still works there', async () => {
    const empty = path.join(base, 'empty-then-init');
    await mkdir(empty);
    await fail(['points', '--vault', empty], 1, 'VAULT_NOT_FOUND');
    const listed = await readdir(empty);
    const init = await runAmber(['init', empty], run);
    assert.equal(init.code, 0, `init after a failed open: ${describeRun(['init', empty], init)}`);
    assert.deepEqual(listed, [], 'a failed open left files behind');
  });

  test('init into a non-empty directory is refused with VAULT_EXISTS (exit 1) and touches nothing', async () => {
    const busy = path.join(base, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'keep.txt'), 'keep me\n');
    await fail(['init', busy], 1, 'VAULT_EXISTS');
    assert.deepEqual(await readdir(busy), ['keep.txt']);
    await fail(['init', vault], 1, 'VAULT_EXISTS');
  });

  test('an unknown point id is POINT_NOT_FOUND (exit 1)', async () => {
    const target = path.join(base, 'never-restored');
    await fail(['restore', '--vault', vault, '0123456789abcdef', '--target', target], 1, 'POINT_NOT_FOUND');
    await fail(['ls', '--vault', vault, 'fedcba9876543210'], 1, 'POINT_NOT_FOUND');
  });

  test('restore into a non-empty target is refused (exit 1) and leaves the target as it was', async () => {
    const target = path.join(base, 'occupied');
    await mkdir(target);
    await writeFile(path.join(target, 'mine.txt'), 'mine\n');
    const result = await fail(['restore', '--vault', vault, 'latest', '--target', target], 1, 'INVALID_ARGUMENT');
    assert.match(result.stderr, /not empty/);
    assert.deepEqual(await readdir(target), ['mine.txt']);
    assert.equal(await readFile(path.join(target, 'mine.txt'), 'utf8'), 'mine\n');
  });

  test('a backup path that does not exist is SOURCE_UNREADABLE (exit 1) and commits no point', async () => {
    const before = await pointCount();
    const missing = path.join(base, 'no-such-source');
    const result = await fail(['backup', '--vault', vault, src, missing], 1, 'SOURCE_UNREADABLE');
    assert.ok(result.stderr.includes(missing), result.stderr);
    assert.equal(await pointCount(), before);
  });

  test(
    'a file unreadable during backup gives exit 3, a warning, and a committed point without that file',
    { skip: NEEDS_ROOT },
    async () => {
      const home = await makeTempDir('errors-nobody');
      try {
        await chmod(home, 0o777);
        const theirs = path.join(home, 'src');
        await mkdir(path.join(theirs, 'sub'), { recursive: true });
        await writeFile(path.join(theirs, 'readable.txt'), 'anyone may read this\n');
        await writeFile(path.join(theirs, 'sub', 'also-readable.txt'), 'and this\n');
        const locked = path.join(theirs, 'sub', 'locked.txt');
        await writeFile(path.join(locked), 'nobody may read this\n');
        await chmod(locked, 0o000);
        const asNobody: AmberRunOptions = {
          uid: NOBODY,
          gid: NOBODY,
          env: { ...run.env, HOME: home, AMBER_CACHE_DIR: path.join(home, 'cache') },
        };
        const theirVault = path.join(home, 'vault');
        await amberOk(['init', theirVault], asNobody);
        const args = ['backup', '--vault', theirVault, '--json', theirs];
        const result = await runAmber(args, asNobody);
        assertFailure(args, result, 3);
        const warned = result.stderr.split('\n').some((line) => line.startsWith(`warning: ${locked}: `));
        assert.ok(warned, `no warning names ${locked}: ${describeRun(args, result)}`);
        const outcome = JSON.parse(result.stdout) as {
          id: string;
          stats: { files: number };
          warnings: { path: string }[];
        };
        assert.equal(outcome.stats.files, 2);
        assert.deepEqual(
          outcome.warnings.map((w) => w.path),
          [locked],
        );
        const points = await amberJson<{ id: string }[]>(['points', '--vault', theirVault, '--json'], asNobody);
        assert.deepEqual(
          points.map((p) => p.id),
          [outcome.id],
          'the point was not committed',
        );
        const listed = (await amberOk(['ls', '--vault', theirVault, outcome.id, theirs], asNobody)).stdout.split('\n');
        assert.ok(listed.includes(path.join(theirs, 'sub', 'also-readable.txt')), listed.join('\n'));
        assert.ok(!listed.includes(locked), 'the unreadable file is listed in the point');
      } finally {
        await removeTree(home);
      }
    },
  );

  test('--debug adds the stack trace that is otherwise never shown', async () => {
    const args = ['--debug', 'verify', '--vault', vault];
    const result = await runAmber(args, withEnv({ AMBER_PASSWORD: 'not the passphrase' }));
    assert.equal(result.code, 11, describeRun(args, result));
    assert.match(result.stderr, /\[WRONG_PASSWORD\]/);
    assert.ok(stackLines(result.stderr).length > 0, `no stack with --debug:\n${result.stderr}`);
  });
});
