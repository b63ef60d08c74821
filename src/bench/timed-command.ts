import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Clock } from '../core/clock.js';

export interface TimedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** stdout goes to `<logBase>.out`, stderr to `<logBase>.err`, /usr/bin/time's figures to `<logBase>.time`. */
  readonly logBase: string;
}

export interface StepMeasurement {
  /** Measured by the parent around the child (monotonic clock). */
  readonly wallMs: number;
  /** CPU times and peak RSS: from /usr/bin/time, or (without it) RSS sampled from /proc and no CPU times. */
  readonly userMs: number | null;
  readonly sysMs: number | null;
  readonly maxRssBytes: number | null;
  /** null when the child was killed by a signal or never started. */
  readonly exitCode: number | null;
  /** Why the child did not finish normally (signal, spawn error), else null. */
  readonly abnormal: string | null;
}

export interface TimerSetup {
  /** Path of GNU time (`/usr/bin/time`), or null to fall back to sampling /proc. */
  readonly timeBin: string | null;
  readonly clock: Clock;
}

const TIME_FORMAT = '%e %U %S %M';
const RSS_SAMPLE_INTERVAL_MS = 50;

/** Runs one command to completion and measures it. Never throws for a failing command: see exitCode. */
export async function runTimed(cmd: TimedCommand, setup: TimerSetup): Promise<StepMeasurement> {
  const timeFile = `${cmd.logBase}.time`;
  const [command, args] =
    setup.timeBin === null
      ? [cmd.command, cmd.args]
      : [setup.timeBin, ['-f', TIME_FORMAT, '-o', timeFile, cmd.command, ...cmd.args]];
  const outFd = openSync(`${cmd.logBase}.out`, 'w');
  const errFd = openSync(`${cmd.logBase}.err`, 'w');
  const startMs = setup.clock.monotonicMs();
  try {
    const child = spawn(command, args, { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', outFd, errFd] });
    let sampledRssBytes: number | null = null;
    const sampler =
      setup.timeBin === null && child.pid !== undefined
        ? setInterval(() => {
            sampledRssBytes = Math.max(sampledRssBytes ?? 0, readPeakRssBytes(child.pid as number) ?? 0);
          }, RSS_SAMPLE_INTERVAL_MS)
        : undefined;
    const end = await new Promise<{ code: number | null; abnormal: string | null }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, abnormal: `could not start: ${error.message}` }));
      child.once('close', (code, signal) =>
        resolve({ code, abnormal: signal === null ? null : `killed by ${signal}` }),
      );
    });
    const wallMs = Math.round((setup.clock.monotonicMs() - startMs) * 10) / 10;
    if (sampler !== undefined) clearInterval(sampler);
    if (setup.timeBin === null) {
      return {
        wallMs,
        userMs: null,
        sysMs: null,
        maxRssBytes: sampledRssBytes,
        exitCode: end.code,
        abnormal: end.abnormal,
      };
    }
    return { wallMs, ...parseTimeFile(timeFile), exitCode: end.code, abnormal: end.abnormal };
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
}

/** Reads GNU time's `%e %U %S %M` line (it may be preceded by "Command exited with non-zero status"). */
export function parseTimeFile(timeFile: string): Pick<StepMeasurement, 'userMs' | 'sysMs' | 'maxRssBytes'> {
  let text = '';
  try {
    text = readFileSync(timeFile, 'utf8');
  } catch {
    // no figures: the command could not be run at all
  }
  const match = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/m.exec(text);
  if (match === null) return { userMs: null, sysMs: null, maxRssBytes: null };
  return {
    userMs: Math.round(Number(match[2]) * 1000),
    sysMs: Math.round(Number(match[3]) * 1000),
    maxRssBytes: Number(match[4]) * 1024,
  };
}

/** VmHWM (peak resident set) of a live process, from /proc; null once it is gone. */
function readPeakRssBytes(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}
