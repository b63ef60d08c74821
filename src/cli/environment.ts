import os from 'node:os';
import path from 'node:path';

/** Everything the CLI takes from the process environment, read in this one place. */
export interface CliEnvironment {
  readonly vault: string | undefined;
  readonly password: string | undefined;
  readonly cacheDir: string;
  readonly isTty: boolean;
  /** AMBER_MIN_COOLING_OFF (e.g. `0s` for tests and demos); undefined = the 72 h default. */
  readonly minCoolingOff: string | undefined;
  /** AMBER_NEW_PASSWORD: the passphrase `amber key add` wraps the master key with. */
  readonly newPassword: string | undefined;
}

export function readEnvironment(): CliEnvironment {
  const env = process.env;
  const cacheHome = env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache');
  return {
    vault: nonEmpty(env['AMBER_VAULT']),
    password: env['AMBER_PASSWORD'],
    cacheDir: nonEmpty(env['AMBER_CACHE_DIR']) ?? path.join(cacheHome, 'amber'),
    isTty: process.stderr.isTTY,
    minCoolingOff: nonEmpty(env['AMBER_MIN_COOLING_OFF']),
    newPassword: env['AMBER_NEW_PASSWORD'],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
