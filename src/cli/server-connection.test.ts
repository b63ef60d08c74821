import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { parseIso } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import {
  agentConfigPath,
  agentNameFromHostname,
  assertNoAgentConfig,
  readAgentConfig,
  writeAgentConfig,
} from './agent-config.js';
import type { CliContext } from './cli-context.js';
import { credentialsPath, readCredentials, writeCredentials } from './credentials.js';
import type { CliEnvironment } from './environment.js';
import { apiClientFor, serverApi, serverUrlOf } from './server-connection.js';

const SERVER = 'http://127.0.0.1:8420';

function contextWith(configDir: string, env: Partial<CliEnvironment> = {}): CliContext {
  return {
    env: {
      vault: undefined,
      password: undefined,
      cacheDir: path.join(configDir, 'cache'),
      isTty: false,
      minCoolingOff: undefined,
      newPassword: undefined,
      server: undefined,
      token: undefined,
      loginPassword: undefined,
      s3: {},
      configDir,
      ...env,
    },
    clock: new FakeClock(parseIso('2030-01-01T00:00:00Z') ?? 0),
    exitCode: 0,
  };
}

/** A command as commander hands it to an action, after parsing the global options. */
function parsed(args: readonly string[]): Command {
  let seen: Command | undefined;
  const program = new Command('amber').option('--server <url>').option('--token <token>').exitOverride();
  program.command('x').action((_options: unknown, command: Command) => {
    seen = command;
  });
  program.parse(['node', 'amber', 'x', ...args]);
  assert.ok(seen !== undefined);
  return seen;
}

const isCode = (code: string) => (error: unknown) => isAmberError(error) && error.code === code;

describe('choosing the server and the token', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'amber-cli-conn-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--server wins over AMBER_SERVER; neither means embedded mode', () => {
    const ctx = contextWith(dir, { server: 'http://env.example:1/' });
    assert.equal(serverUrlOf(ctx, parsed(['--server', `${SERVER}/`])), SERVER);
    assert.equal(serverUrlOf(ctx, parsed([])), 'http://env.example:1');
    assert.equal(serverUrlOf(contextWith(dir), parsed([])), undefined);
  });

  test('the token is --token, else AMBER_TOKEN, else the saved sign-in of that very server', async () => {
    const saved = path.join(dir, 'a');
    await writeCredentials(saved, {
      server: `${SERVER}/`,
      token: 'saved',
      user: 'ann',
      expiresAt: '2030-01-02T00:00:00Z',
    });
    assert.equal((await stat(credentialsPath(saved))).mode & 0o777, 0o600);
    const ctx = contextWith(saved, { token: 'from-env' });
    const bearer = async (c: CliContext, args: readonly string[]) => {
      const api = await apiClientFor(c, parsed(args), SERVER);
      return api.authenticated;
    };
    assert.equal(await bearer(ctx, ['--token', 'flag']), true);
    assert.equal(await bearer(contextWith(saved), []), true);
    await assert.rejects(apiClientFor(contextWith(saved), parsed([]), 'http://other:1'), isCode('UNAUTHENTICATED'));
    await assert.rejects(
      apiClientFor(contextWith(path.join(dir, 'none')), parsed([]), SERVER),
      isCode('UNAUTHENTICATED'),
    );
  });

  test('an expired sign-in is refused with a hint to sign in again', async () => {
    const old = path.join(dir, 'old');
    await writeCredentials(old, { server: SERVER, token: 't', user: 'ann', expiresAt: '2029-12-31T23:59:59Z' });
    await assert.rejects(apiClientFor(contextWith(old), parsed([]), SERVER), (e: unknown) => {
      assert.ok(isAmberError(e, 'UNAUTHENTICATED'));
      assert.match(e.message, /expired .*amber login --server/);
      return true;
    });
  });

  test('server-only commands fall back to the server of the saved sign-in', async () => {
    const saved = path.join(dir, 'b');
    await writeCredentials(saved, { server: SERVER, token: 'saved', user: 'ann', expiresAt: '2030-01-02T00:00:00Z' });
    assert.equal((await serverApi(contextWith(saved), parsed([]))).baseUrl, SERVER);
    await assert.rejects(serverApi(contextWith(path.join(dir, 'none')), parsed([])), isCode('USAGE'));
    assert.equal(await readCredentials(path.join(dir, 'none')), undefined);
  });
});

describe('the agent configuration', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'amber-cli-agent-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('is written 0600, read back, and an existing one is never replaced unasked', async () => {
    const file = agentConfigPath(dir, undefined);
    await assertNoAgentConfig(file);
    const config = { server: SERVER, vault: 'default', agent: 'web-01', token: 't', keyPassphrase: 'k' };
    await writeAgentConfig(file, config);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readAgentConfig(file), config);
    await assert.rejects(assertNoAgentConfig(file), isCode('ALREADY_EXISTS'));
    await assert.rejects(readAgentConfig(path.join(dir, 'missing.json')), isCode('USAGE'));
  });

  test('names an agent after its host as the server requires', () => {
    assert.equal(agentNameFromHostname('Web-01.Example.com'), 'web-01.example.com');
    assert.equal(agentNameFromHostname('7host'), 'agent-7host');
    assert.equal(agentNameFromHostname('a b'), 'a-b');
    assert.match(agentNameFromHostname('x'.repeat(100)), /^[a-z][a-z0-9._-]{0,63}$/);
  });
});
