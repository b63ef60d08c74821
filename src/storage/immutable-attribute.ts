import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { tempName, unlinkIfPresent, writeDurableFile } from './local-fs.js';
import { errnoCode } from './storage-errors.js';

/** Paths per `chattr` invocation, and the queue length that triggers a flush. */
export const IMMUTABLE_BATCH_SIZE = 256;
const MAX_FAILURES_KEPT = 20;
const CHATTR_TIMEOUT_MS = 60_000;

export interface ImmutableAttributeOptions {
  /** Try the attribute at all (default true). */
  readonly enabled?: boolean;
  /** The chattr binary (default `chattr` on PATH). */
  readonly chattrPath?: string;
  /** A queued path waits at most this long for its batch (default 2000). */
  readonly flushDelayMs?: number;
}

/**
 * The Linux immutable attribute (`chattr +i`) on locked object files: even root must remove it before
 * the file can be deleted or changed, and only a process with CAP_LINUX_IMMUTABLE can. Support is
 * detected once (a probe file in the temp directory); spawning chattr per object is slow, so paths are
 * queued and set in batches of IMMUTABLE_BATCH_SIZE, on a short timer, on flush() and on close().
 * Failures after detection are not fatal: they are kept in `failures` for the probe report.
 */
export class ImmutableAttribute {
  readonly supported: boolean;
  readonly detail: string;
  readonly failures: string[] = [];

  readonly #chattrPath: string;
  readonly #flushDelayMs: number;
  readonly #pending = new Set<string>();
  readonly #inFlight = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  private constructor(supported: boolean, detail: string, options: ImmutableAttributeOptions) {
    this.supported = supported;
    this.detail = detail;
    this.#chattrPath = options.chattrPath ?? 'chattr';
    this.#flushDelayMs = options.flushDelayMs ?? 2000;
  }

  /**
   * Detects support with a probe file in tmpDir (removed again). The verdict is remembered per file
   * system (device) and chattr binary for the life of the process, so reopening costs no spawn.
   */
  static async detect(tmpDir: string, options: ImmutableAttributeOptions = {}): Promise<ImmutableAttribute> {
    const cacheKey = `${String((await fs.stat(tmpDir)).dev)}:${options.chattrPath ?? 'chattr'}:${String(options.enabled ?? true)}`;
    let verdict = verdictsByDevice.get(cacheKey);
    if (verdict === undefined) {
      verdict = await probeSupport(tmpDir, options);
      verdictsByDevice.set(cacheKey, verdict);
    }
    return new ImmutableAttribute(verdict.supported, verdict.detail, options);
  }

  /** Paths queued and not yet handed to chattr. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Queues filePath for `chattr +i`; nothing happens when unsupported (the capabilities say so). */
  queue(filePath: string): void {
    if (!this.supported) return;
    this.#pending.add(filePath);
    if (this.#pending.size >= IMMUTABLE_BATCH_SIZE) {
      void this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#flushDelayMs);
      this.#timer.unref();
    }
  }

  /** Sets the attribute on every queued path; resolves when done. Never rejects. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const paths = [...this.#pending];
    this.#pending.clear();
    if (paths.length === 0) return this.#chain;
    for (const p of paths) this.#inFlight.add(p);
    this.#chain = this.#chain.then(async () => {
      for (let i = 0; i < paths.length; i += IMMUTABLE_BATCH_SIZE) {
        const batch = paths.slice(i, i + IMMUTABLE_BATCH_SIZE);
        const failure = await runChattr(this.#chattrPath, '+i', batch);
        if (failure !== undefined) this.#recordFailure(`chattr +i on ${String(batch.length)} file(s): ${failure}`);
        for (const p of batch) this.#inFlight.delete(p);
      }
    });
    return this.#chain;
  }

  /** Before filePath is unlinked: drops it from the queue, or waits for its batch if one is running. */
  async settle(filePath: string): Promise<void> {
    if (this.#pending.delete(filePath)) return;
    if (this.#inFlight.has(filePath)) await this.#chain;
  }

  /** Removes the attribute (`chattr -i`) from one file; returns a failure description, if any. */
  async clear(filePath: string): Promise<string | undefined> {
    if (!this.supported) return 'the immutable attribute is not supported here';
    const failure = await runChattr(this.#chattrPath, '-i', [filePath]);
    if (failure !== undefined) this.#recordFailure(`chattr -i on ${filePath}: ${failure}`);
    return failure;
  }

  /** Sets +i on filePath, checks an unlink fails with EPERM, then clears the attribute again. */
  async verify(filePath: string): Promise<SupportVerdict> {
    try {
      return await tryAttribute(this.#chattrPath, filePath);
    } finally {
      await runChattr(this.#chattrPath, '-i', [filePath]);
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }

  #recordFailure(message: string): void {
    this.failures.push(message);
    if (this.failures.length > MAX_FAILURES_KEPT) this.failures.shift();
  }
}

/** Runs `chattr <op> -- paths…`; resolves with a failure description, or undefined on success. */
export function runChattr(chattrPath: string, op: '+i' | '-i', paths: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(chattrPath, [op, '--', ...paths], { timeout: CHATTR_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve(undefined);
      } else if (errnoCode(error) === 'ENOENT') {
        resolve(`the ${chattrPath} binary is not installed`);
      } else {
        resolve(stderr.trim() || error.message);
      }
    });
  });
}

export interface SupportVerdict {
  readonly supported: boolean;
  readonly detail: string;
}

const verdictsByDevice = new Map<string, SupportVerdict>();

async function probeSupport(tmpDir: string, options: ImmutableAttributeOptions): Promise<SupportVerdict> {
  if (options.enabled === false) return { supported: false, detail: 'disabled by configuration' };
  if (process.platform !== 'linux') return { supported: false, detail: `not Linux (${process.platform})` };
  const chattrPath = options.chattrPath ?? 'chattr';
  const probePath = path.join(tmpDir, tempName('.probe'));
  await writeDurableFile(probePath, Buffer.from('amber immutable probe\n'), 0o444);
  try {
    return await tryAttribute(chattrPath, probePath);
  } finally {
    await runChattr(chattrPath, '-i', [probePath]);
    await unlinkIfPresent(probePath).catch(() => undefined);
  }
}

/** Sets +i on probePath and checks that an unlink then fails with EPERM. */
export async function tryAttribute(chattrPath: string, probePath: string): Promise<SupportVerdict> {
  const failure = await runChattr(chattrPath, '+i', [probePath]);
  if (failure !== undefined) {
    return { supported: false, detail: `chattr +i failed (needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs): ${failure}` };
  }
  try {
    await fs.unlink(probePath);
    return { supported: false, detail: 'chattr +i reported success, yet the file could still be unlinked' };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EPERM')
      return { supported: true, detail: 'chattr +i works; unlinking an immutable file fails with EPERM' };
    return { supported: false, detail: `unlinking an immutable file failed with ${code ?? String(error)}, not EPERM` };
  }
}
