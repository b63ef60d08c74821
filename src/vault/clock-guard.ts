import { randomUUID } from 'node:crypto';
import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, toIso, type Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { ClockAlert, TimeLogEntry, TimeLogStore, TimeSample } from '../catalog/time-log-store.js';
import { describeJump, hoursText, jumpText, measureJump } from './clock-guard-measure.js';

/** Why expiry must not delete anything now (given to runMaintenance as `expiryFrozen`). */
export interface ExpiryFreeze {
  /** When the alert that froze expiry was raised (epoch ms). */
  readonly since: number;
  readonly message: string;
}

/** A state change of the guard, for the audit trail (actions `clock.jump` and `clock.acknowledge`). */
export interface ClockGuardEvent {
  readonly action: 'clock.jump' | 'clock.acknowledge';
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ClockGuardOptions {
  readonly clock: Clock;
  readonly store: TimeLogStore;
  /** Identifies this process run; monotonic times are compared only within one. Default: a random UUID. */
  readonly bootId?: string;
  /** Accumulated jumps beyond this freeze expiry. Default 24 h (as Veeam's hardened repository). */
  readonly toleranceMs?: number;
  /** A smaller difference between two samples is not counted (but carried on). Default 2 s. */
  readonly jitterMs?: number;
  /** How often start() samples. Default 60 s. */
  readonly sampleEveryMs?: number;
  /** Called with every state change once it is stored (e.g. to audit it); its failure is the caller's. */
  readonly onEvent?: (event: ClockGuardEvent) => void | Promise<void>;
}

export interface SampleOutcome {
  /** The sample as logged, with the jump counted at it and the accumulated total. */
  readonly entry: TimeLogEntry;
  readonly frozen: boolean;
  /** The alert this sample raised (it froze expiry). */
  readonly raised?: ClockAlert;
  /** Set when a jump was counted: what to audit. */
  readonly event?: ClockGuardEvent;
}

export interface ClockGuardStatus {
  readonly frozen: boolean;
  /** The oldest alert not acknowledged yet. */
  readonly alert?: ClockAlert;
  readonly accumulatedMs: number;
  readonly toleranceMs: number;
  readonly lastSample?: TimeLogEntry;
}

export interface AcknowledgeOutcome {
  /** The alerts this acknowledgement closed (none when expiry was not frozen). */
  readonly acknowledged: readonly ClockAlert[];
  /** The accumulated jumps the acknowledgement reset to zero. */
  readonly resetAccumulatedMs: number;
  readonly event: ClockGuardEvent;
}

/**
 * The clock guard (DESIGN §2.4): keeps a time log of wall against monotonic time, adds up the jumps
 * it sees (forward and backward alike: +2 h then −2 h is 4 h of jumps), and when they exceed the
 * tolerance raises an alert that freezes all expiry-driven deletion until an authorized person
 * acknowledges it. State lives in the TimeLogStore, so it survives restarts and is shared by guards
 * over the same store. See measureJump for what a jump is, and docs/clock-guard.md for the limits.
 */
export class ClockGuard {
  readonly toleranceMs: number;
  readonly jitterMs: number;
  readonly sampleEveryMs: number;
  readonly bootId: string;
  readonly #clock: Clock;
  readonly #store: TimeLogStore;
  readonly #onEvent: ClockGuardOptions['onEvent'];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ClockGuardOptions) {
    this.#clock = options.clock;
    this.#store = options.store;
    this.#onEvent = options.onEvent;
    this.bootId = options.bootId ?? randomUUID();
    this.toleranceMs = positive('toleranceMs', options.toleranceMs ?? 24 * MS_PER_HOUR);
    this.jitterMs = positive('jitterMs', options.jitterMs ?? 2 * MS_PER_SECOND, true);
    this.sampleEveryMs = positive('sampleEveryMs', options.sampleEveryMs ?? MS_PER_MINUTE);
  }

  /** Reads both clocks, logs them, counts a jump since the previous sample, and freezes beyond tolerance. */
  sample(): Promise<SampleOutcome> {
    return this.#exclusive(() => this.#sample());
  }

  async status(): Promise<ClockGuardStatus> {
    const [open, latest] = await Promise.all([this.#store.openAlerts(), this.#store.latestEntry()]);
    const alert = open[0];
    return {
      frozen: alert !== undefined,
      ...(alert === undefined ? {} : { alert }),
      accumulatedMs: latest?.accumulatedMs ?? 0,
      toleranceMs: this.toleranceMs,
      ...(latest === undefined ? {} : { lastSample: latest }),
    };
  }

  /** The newest alerts, acknowledged or not, newest first. */
  alerts(limit = 20): Promise<ClockAlert[]> {
    return this.#store.listAlerts(limit);
  }

  /**
   * Accepts the clock as it reads now: closes every open alert (recording who, when and why), resets
   * the accumulated jumps to zero and starts the log afresh from the current reading, so a correction
   * of the clock made before acknowledging is not counted again. Expiry resumes.
   */
  async acknowledge(by: string, note: string): Promise<AcknowledgeOutcome> {
    if (by.trim().length === 0) {
      throw new AmberError('INVALID_ARGUMENT', 'A clock alert is acknowledged by a named person; the name is empty.');
    }
    return this.#exclusive(async () => {
      const sample = this.#read();
      const previous = await this.#store.latestEntry();
      const acknowledgedAt = sample.wallMs;
      const acknowledged = await this.#store.acknowledgeAll(
        { acknowledgedAt, acknowledgedBy: by, note },
        { ...sample, skewMs: 0, driftMs: 0, accumulatedMs: 0 },
      );
      const resetAccumulatedMs = previous?.accumulatedMs ?? 0;
      const what =
        acknowledged.length === 0
          ? 'No clock alert was open'
          : `${by} acknowledged ${acknowledged.length === 1 ? 'the clock alert' : `${acknowledged.length} clock alerts`}`;
      const event: ClockGuardEvent = {
        action: 'clock.acknowledge',
        message:
          `${what}; the accumulated clock jumps (${jumpText(resetAccumulatedMs)}) were reset at ` +
          `${toIso(acknowledgedAt)} and expiry may delete expired points again.`,
        details: { by, note, alertIds: acknowledged.map((a) => a.id), resetAccumulatedMs, acknowledgedAt },
      };
      await this.#onEvent?.(event);
      return { acknowledged, resetAccumulatedMs, event };
    });
  }

  /**
   * Takes a fresh sample (a jump since the last periodic one counts), then returns why expiry is
   * frozen, or undefined when it may run. Give the result to runMaintenance as `expiryFrozen`.
   */
  async checkExpiry(): Promise<ExpiryFreeze | undefined> {
    await this.sample();
    const alert = (await this.#store.openAlerts())[0];
    return alert === undefined ? undefined : { since: alert.detectedAt, message: this.#frozenMessage(alert) };
  }

  /** Like checkExpiry, but throws CLOCK_FROZEN (exit code 10) while expiry is frozen. */
  async assertExpiryAllowed(): Promise<void> {
    const freeze = await this.checkExpiry();
    if (freeze !== undefined) {
      throw new AmberError('CLOCK_FROZEN', freeze.message, {
        details: { frozenSince: toIso(freeze.since), toleranceMs: this.toleranceMs },
      });
    }
  }

  /**
   * Samples now and every `sampleEveryMs` (the timer does not keep the process alive); a failed
   * sample goes to `onError`. A tick is skipped while the previous sample is still running.
   */
  start(onError: (error: unknown) => void): { stop(): void } {
    let busy = false;
    const tick = (): void => {
      if (busy) return;
      busy = true;
      this.sample()
        .catch(onError)
        .finally(() => {
          busy = false;
        });
    };
    tick();
    const timer = setInterval(tick, this.sampleEveryMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  async #sample(): Promise<SampleOutcome> {
    const sample = this.#read();
    const latest = await this.#store.latestEntry();
    const previous = latest?.bootId === this.bootId ? latest : await this.#store.latestEntryOfBoot(this.bootId);
    const basis = previous ?? latest;
    const jump = measureJump(basis, sample, this.jitterMs);
    const accumulatedMs = (latest?.accumulatedMs ?? 0) + Math.abs(jump.skewMs);
    const open = await this.#store.openAlerts();
    const jumpSentence = jump.skewMs === 0 ? '' : `${describeJump(jump, basis, sample)} `;
    const raised =
      open.length === 0 && accumulatedMs > this.toleranceMs
        ? this.#alert(sample, jump.skewMs, accumulatedMs, jumpSentence)
        : undefined;
    const entry = await this.#store.appendEntry(
      { ...sample, skewMs: jump.skewMs, driftMs: jump.driftMs, accumulatedMs },
      ...(raised === undefined ? [] : [raised]),
    );
    const frozen = raised !== undefined || open.length > 0;
    if (jump.skewMs === 0 && raised === undefined) return { entry, frozen };
    const event: ClockGuardEvent = {
      action: 'clock.jump',
      message:
        raised?.message ??
        `${jumpSentence}${jumpText(accumulatedMs)} of clock jumps have accumulated (tolerance ` +
          `${hoursText(this.toleranceMs)} h)${frozen ? '; expiry stays frozen until the alert is acknowledged' : ''}.`,
      details: {
        skewMs: jump.skewMs,
        accumulatedMs,
        toleranceMs: this.toleranceMs,
        basis: jump.basis,
        frozen,
        bootId: this.bootId,
        ...(raised === undefined ? {} : { alertId: raised.id }),
      },
    };
    await this.#onEvent?.(event);
    return { entry, frozen, ...(raised === undefined ? {} : { raised }), event };
  }

  #alert(sample: TimeSample, skewMs: number, accumulatedMs: number, jumpSentence: string): ClockAlert {
    return {
      id: randomUUID(),
      detectedAt: sample.wallMs,
      skewMs,
      accumulatedMs,
      message:
        `${jumpSentence}${jumpText(accumulatedMs)} of clock jumps have accumulated, beyond the ` +
        `${hoursText(this.toleranceMs)} h tolerance: expiry is frozen until an administrator acknowledges ` +
        'this alert (amber clock acknowledge).',
    };
  }

  #frozenMessage(alert: ClockAlert): string {
    return (
      `Expiry is frozen since ${toIso(alert.detectedAt)}: the clock jumped by ${hoursText(alert.accumulatedMs)} h ` +
      `(beyond the ${hoursText(this.toleranceMs)} h tolerance). An administrator must acknowledge the alert ` +
      '(amber clock acknowledge) before expired points are deleted.'
    );
  }

  #read(): TimeSample {
    return { wallMs: this.#clock.nowMs(), monotonicMs: this.#clock.monotonicMs(), bootId: this.bootId };
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function positive(name: string, value: number, zeroAllowed = false): number {
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The clock guard's ${name} must be a positive number of ms, not ${value}.`,
    );
  }
  return value;
}
