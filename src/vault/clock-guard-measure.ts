import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, toIso } from '../core/clock.js';
import type { TimeLogEntry, TimeSample } from '../catalog/time-log-store.js';

/** How a sample was compared with the one before it. */
export type JumpBasis = 'first' | 'same-run' | 'restart';

export interface Jump {
  /** The jump to count (signed; negative = the wall clock went back), 0 when none. */
  readonly skewMs: number;
  /** Movement below the jitter, carried to the next sample of the same run. */
  readonly driftMs: number;
  readonly basis: JumpBasis;
}

/**
 * Measures the clock jump between the previous entry of the log and a new sample (pure).
 *
 * Within one process run both clocks are comparable: the jump is how far the wall clock moved beyond
 * the monotonic clock, `(wall Δ) − (monotonic Δ)`. Movement below `jitterMs` is not counted, but it is
 * carried to the next sample, so that a clock crept forward a little at every sample still adds up
 * to a jump. Across a restart the monotonic clock starts afresh and cannot be compared: a wall clock
 * earlier than the last one recorded is a backward jump of that size; a later one is downtime, not a
 * jump (so a forward jump made while the server was down is not seen).
 */
export function measureJump(previous: TimeLogEntry | undefined, sample: TimeSample, jitterMs: number): Jump {
  if (previous === undefined) return { skewMs: 0, driftMs: 0, basis: 'first' };
  if (previous.bootId === sample.bootId) {
    const movedMs = sample.wallMs - previous.wallMs - (sample.monotonicMs - previous.monotonicMs) + previous.driftMs;
    return Math.abs(movedMs) < jitterMs
      ? { skewMs: 0, driftMs: movedMs, basis: 'same-run' }
      : { skewMs: Math.round(movedMs), driftMs: 0, basis: 'same-run' };
  }
  const backMs = previous.wallMs - sample.wallMs;
  return { skewMs: backMs >= jitterMs && backMs > 0 ? -backMs : 0, driftMs: 0, basis: 'restart' };
}

/** `1.5` for 1.5, `25` for 25.0: one decimal at most. */
function decimal(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Hours with one decimal at most, for sentences ("25", "0.5"). */
export function hoursText(durationMs: number): string {
  return decimal(Math.abs(durationMs) / MS_PER_HOUR);
}

/** A duration in the largest fitting unit: `25 h`, `12.5 min`, `3 s`. */
export function jumpText(durationMs: number): string {
  const ms = Math.abs(durationMs);
  if (ms >= MS_PER_HOUR) return `${hoursText(ms)} h`;
  if (ms >= MS_PER_MINUTE) return `${decimal(ms / MS_PER_MINUTE)} min`;
  return `${decimal(ms / MS_PER_SECOND)} s`;
}

/** One sentence describing a counted jump. */
export function describeJump(jump: Jump, previous: TimeLogEntry | undefined, sample: TimeSample): string {
  const direction = jump.skewMs > 0 ? 'forward' : 'back';
  if (jump.basis === 'restart' && previous !== undefined) {
    return (
      `The wall clock went back by ${jumpText(jump.skewMs)} across a restart of the server ` +
      `(it read ${toIso(previous.wallMs)} before and ${toIso(sample.wallMs)} after).`
    );
  }
  return `The wall clock jumped ${direction} by ${jumpText(jump.skewMs)} against the monotonic clock at ${toIso(sample.wallMs)}.`;
}
