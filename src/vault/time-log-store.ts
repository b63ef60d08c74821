import {
  DEFAULT_KEEP_SAMPLES,
  type ClockAcknowledgement,
  type ClockAlert,
  type NewTimeLogEntry,
  type TimeLogEntry,
  type TimeLogStore,
} from '../catalog/time-log-store.js';

/**
 * The clock guard's time log in memory: for tests and for an embedded vault that keeps no log
 * between runs. Same contract as SqliteTimeLogStore (src/catalog/time-log-store.ts).
 */
export class MemoryTimeLogStore implements TimeLogStore {
  readonly #entries: TimeLogEntry[] = [];
  readonly #alerts: ClockAlert[] = [];
  readonly #keepSamples: number;
  #nextSeq = 1;

  constructor(options: { keepSamples?: number } = {}) {
    this.#keepSamples = options.keepSamples ?? DEFAULT_KEEP_SAMPLES;
  }

  latestEntry(): Promise<TimeLogEntry | undefined> {
    return Promise.resolve(this.#entries.at(-1));
  }

  latestEntryOfBoot(bootId: string): Promise<TimeLogEntry | undefined> {
    return Promise.resolve(this.#entries.findLast((e) => e.bootId === bootId));
  }

  appendEntry(entry: NewTimeLogEntry, alert?: ClockAlert): Promise<TimeLogEntry> {
    if (alert !== undefined) this.#alerts.push(alert);
    return Promise.resolve(this.#append(entry));
  }

  openAlerts(): Promise<ClockAlert[]> {
    return Promise.resolve(this.#alerts.filter((a) => a.acknowledgedAt === undefined));
  }

  listAlerts(limit: number): Promise<ClockAlert[]> {
    return Promise.resolve(this.#alerts.slice(-limit).reverse());
  }

  acknowledgeAll(ack: ClockAcknowledgement, baseline: NewTimeLogEntry): Promise<ClockAlert[]> {
    const acknowledged: ClockAlert[] = [];
    this.#alerts.forEach((alert, index) => {
      if (alert.acknowledgedAt !== undefined) return;
      const done = { ...alert, ...ack };
      this.#alerts[index] = done;
      acknowledged.push(done);
    });
    this.#append(baseline);
    return Promise.resolve(acknowledged);
  }

  /** Every entry kept, oldest first (for tests). */
  entries(): readonly TimeLogEntry[] {
    return this.#entries;
  }

  #append(entry: NewTimeLogEntry): TimeLogEntry {
    const stored = { seq: this.#nextSeq++, ...entry };
    this.#entries.push(stored);
    if (this.#entries.length > this.#keepSamples) this.#entries.splice(0, this.#entries.length - this.#keepSamples);
    return stored;
  }
}
