import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from the compiled file: dist/e2e/testing/amber-cli.js → ../../../. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const AMBER_BIN = path.join(REPO_ROOT, 'bin', 'amber.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AmberRunOptions {
  /** Variables added to (or, when undefined, removed from) the inherited environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run as this user (the tests run as root; 65534 is nobody). */
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd?: string;
}

/** The environment the tests run in: the one place the e2e tests read process.env. */
export function inheritedEnv(): Readonly<NodeJS.ProcessEnv> {
  return process.env;
}

/** The environment of a child: this process's, with `changes` applied (undefined removes a variable). */
export function childEnv(changes: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inheritedEnv() };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function spawnOptions(options: AmberRunOptions): SpawnOptions {
  return {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  };
}

/** Starts `node bin/amber.js …args` as a separate process (stdin is not a terminal). */
export function startAmber(args: readonly string[], options: AmberRunOptions = {}): ChildProcess {
  return spawn(process.execPath, [AMBER_BIN, ...args], spawnOptions(options));
}

/** Waits for a started process and collects its output. */
export function collect(child: ChildProcess): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Runs `amber …args` to completion. */
export function runAmber(args: readonly string[], options: AmberRunOptions = {}): Promise<CliRun> {
  return collect(startAmber(args, options));
}

/** A one-line account of a run, for assertion messages. */
export function describeRun(args: readonly string[], run: CliRun): string {
  return `amber ${args.join(' ')} → exit ${String(run.code)}${run.signal === null ? '' : ` (${run.signal})`}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

/** Runs `amber …args`, fails unless it exits 0, and parses stdout as JSON. */
export async function amberJson<T>(args: readonly string[], options: AmberRunOptions = {}): Promise<T> {
  const run = await runAmber(args, options);
  assert.equal(run.code, 0, describeRun(args, run));
  return JSON.parse(run.stdout) as T;
}

/** Runs `amber …args` and fails unless it exits 0. */
export async function amberOk(args: readonly string[], options: AmberRunOptions = {}): Promise<CliRun> {
  const run = await runAmber(args, options);
  assert.equal(run.code, 0, describeRun(args, run));
  return run;
}

/** Lines of stderr that look like a JavaScript stack frame. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at\s/.test(line));
}
