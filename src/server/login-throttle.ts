import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';

export interface LoginThrottleOptions {
  /** Failures allowed per user and per address within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

const DEFAULTS: LoginThrottleOptions = { maxFailures: 5, windowMs: 15 * 60_000 };

/**
 * Sign-in rate limiting: after `maxFailures` failed sign-ins for one user name or from one address
 * within the window, further attempts are refused until the oldest failure leaves the window.
 */
export class LoginThrottle {
  readonly #clock: Clock;
  readonly #options: LoginThrottleOptions;
  readonly #failures = new Map<string, number[]>();

  constructor(clock: Clock, options: Partial<LoginThrottleOptions> = {}) {
    this.#clock = clock;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Throws LOGIN_RATE_LIMITED while the user or the address is paused. */
  check(user: string, address: string): void {
    const now = this.#clock.monotonicMs();
    for (const key of [`user:${user}`, `addr:${address}`]) {
      const recent = this.#recent(key, now);
      if (recent.length >= this.#options.maxFailures) {
        const untilMs = (recent[0] as number) + this.#options.windowMs;
        const until = this.#clock.nowMs() + (untilMs - now);
        throw new AmberError(
          'LOGIN_RATE_LIMITED',
          `Too many failed sign-ins for ${key.startsWith('user:') ? `user ${user}` : `address ${address}`}; try again after ${toIso(until)}.`,
          { details: { until: toIso(until) } },
        );
      }
    }
  }

  recordFailure(user: string, address: string): void {
    const now = this.#clock.monotonicMs();
    for (const key of [`user:${user}`, `addr:${address}`]) this.#failures.set(key, [...this.#recent(key, now), now]);
  }

  recordSuccess(user: string): void {
    this.#failures.delete(`user:${user}`);
  }

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((at) => now - at < this.#options.windowMs);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}
