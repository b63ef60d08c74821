import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { amberJson, amberOk, startAmber } from './amber-cli.js';

/** libfaketime (Debian's faketime package): moves the wall clock of one process, not its monotonic clock. */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  /** The bootstrap admin token (first start only; read from the data directory). */
  readonly adminToken: string;
  /** Moves the server's wall clock by an offset such as '+48h' or '-3d' from the real time (faketime). */
  setClockOffset(offset: string): Promise<void>;
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL): no clean-up of any kind runs. */
  crash(): Promise<void>;
  readonly stderr: () => string;
}

export interface ServerProcessOptions {
  readonly dataDir: string;
  /** Extra keys of the server's JSON configuration file. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run under libfaketime so the test can jump the server's wall clock. */
  readonly fakeTime?: boolean;
}

/** Starts `amber server` on 127.0.0.1 with a free port and waits until it listens. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const configFile = path.join(options.dataDir, '..', `${path.basename(options.dataDir)}-config.json`);
  await writeFile(
    configFile,
    JSON.stringify({
      listen: '127.0.0.1:0',
      logLevel: 'warn',
      schedulerEvery: '1s',
      clockSampleEvery: '1s',
      ...options.config,
    }),
  );
  if (options.fakeTime === true) {
    assert.ok(
      existsSync(LIBFAKETIME),
      `${LIBFAKETIME} is missing: install Debian's faketime package (apt-get install faketime); .ci/run does`,
    );
  }
  const clockFile = `${configFile}.faketime`;
  await writeFile(clockFile, '+0\n');
  const child = startAmber(['server', '--data', options.dataDir, '--config', configFile], {
    env: {
      AMBER_MIN_COOLING_OFF: '0s',
      ...(options.fakeTime === true
        ? {
            LD_PRELOAD: LIBFAKETIME,
            FAKETIME_TIMESTAMP_FILE: clockFile,
            FAKETIME_NO_CACHE: '1',
            FAKETIME_DONT_FAKE_MONOTONIC: '1',
          }
        : {}),
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await listeningUrl(child, () => stderr);
  const adminToken = (await readFile(path.join(options.dataDir, 'admin-token'), 'utf8')).trim();
  return {
    url,
    dataDir: options.dataDir,
    adminToken,
    setClockOffset: (offset) => writeFile(clockFile, `${offset}\n`),
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

async function listeningUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  const deadline = AbortSignal.timeout(30_000);
  while (!deadline.aborted) {
    const match = /server listening on (http\S+)/.exec(stderr());
    if (match !== null) return match[1] as string;
    if (child.exitCode !== null) assert.fail(`amber server exited with ${child.exitCode}:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  return assert.fail(`amber server did not start within 30 s:\n${stderr()}`);
}

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** A tiny API client for tests: JSON in, JSON (or text) out, never throws on HTTP errors. */
export function apiAs(url: string, token: string | undefined) {
  return async <T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> => {
    const response = await fetch(url + route, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined || Buffer.isBuffer(body) ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: (type.includes('json') && text !== '' ? JSON.parse(text) : text) as T };
  };
}

export type Api = ReturnType<typeof apiAs>;

/** Asserts an API error answer: status and stable code. */
export function assertError(answer: ApiAnswer, status: number, code: string): { code: string; message: string } {
  const error = (answer.body as { error?: { code: string; message: string } }).error;
  assert.equal(
    answer.status,
    status,
    `expected ${status} ${code}, got ${answer.status}: ${JSON.stringify(answer.body)}`,
  );
  assert.equal(error?.code, code, JSON.stringify(answer.body));
  return error;
}

/**
 * Enrolls and registers an agent the way an admin and a host would, with the CLI: `amber agent
 * enroll` (admin environment), then `amber agent register` on the "host" (agent environment).
 */
export async function registerAgent(options: {
  readonly serverUrl: string;
  readonly name: string;
  readonly configFile: string;
  readonly adminEnv: Readonly<Record<string, string | undefined>>;
  readonly agentEnv: Readonly<Record<string, string | undefined>>;
}): Promise<void> {
  const enrollment = await amberJson<{ token: string }>(['agent', 'enroll', '--vault', 'default', '--json'], {
    env: options.adminEnv,
  });
  const args = ['agent', 'register', '--server', options.serverUrl, '--enroll-token', enrollment.token];
  await amberOk([...args, '--name', options.name, '--config', options.configFile], { env: options.agentEnv });
}
