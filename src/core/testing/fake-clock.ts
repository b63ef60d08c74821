import type { Clock } from '../clock.js';

/** A clock tests move by hand. Starts at 2026-01-01T00:00:00Z unless told otherwise. */
export class FakeClock implements Clock {
  #wallMs: number;
  #monoMs = 0;

  constructor(startMs = 1_767_225_600_000) {
    this.#wallMs = startMs;
  }

  nowMs(): number {
    return this.#wallMs;
  }

  monotonicMs(): number {
    return this.#monoMs;
  }

  /** Moves both clocks forward, as real time passing. */
  advanceMs(ms: number): void {
    this.#wallMs += ms;
    this.#monoMs += ms;
  }

  /** Moves only the wall clock (a clock jump), forwards or backwards. */
  jumpWallMs(ms: number): void {
    this.#wallMs += ms;
  }
}
