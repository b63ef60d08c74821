import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { BackupSession } from '../vault/backup-session.js';

interface OpenSession {
  readonly vault: string;
  readonly owner: string;
  readonly session: BackupSession;
  lastUsedMs: number;
}

/** An idle session's hold on its vault ends after this long (a crashed client then starts again). */
export const SESSION_IDLE_MS = 60 * 60_000;

/** Backup sessions in progress on this server, each owned by the principal that opened it. */
export class BackupSessions {
  readonly #clock: Clock;
  readonly #sessions = new Map<string, OpenSession>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  add(vault: string, owner: string, session: BackupSession): void {
    this.#sessions.set(session.id, { vault, owner, session, lastUsedMs: this.#clock.monotonicMs() });
  }

  /** The session, if it exists, belongs to `vault` and was opened by `owner`. */
  get(vault: string, id: string, owner: string): BackupSession {
    const open = this.#sessions.get(id);
    if (open === undefined || open.vault !== vault || open.owner !== owner) {
      throw new AmberError('SESSION_NOT_FOUND', `There is no open backup session ${id} of yours in vault ${vault}.`);
    }
    open.lastUsedMs = this.#clock.monotonicMs();
    return open.session;
  }

  /** Forgets a session (committed or aborted); the caller has released or committed it. */
  remove(id: string): void {
    this.#sessions.delete(id);
  }

  /** Releases sessions idle for longer than SESSION_IDLE_MS; returns how many. */
  async sweep(): Promise<number> {
    const now = this.#clock.monotonicMs();
    let released = 0;
    for (const [id, open] of this.#sessions) {
      if (now - open.lastUsedMs < SESSION_IDLE_MS) continue;
      this.#sessions.delete(id);
      await open.session.release();
      released++;
    }
    return released;
  }

  async releaseAll(): Promise<void> {
    for (const open of this.#sessions.values()) await open.session.release();
    this.#sessions.clear();
  }

  get size(): number {
    return this.#sessions.size;
  }
}
