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
  /** AMBER_SERVER: the vault server to talk to instead of a local vault directory. */
  readonly server: string | undefined;
  /** AMBER_TOKEN: the API token (a user's or an agent's); else the one `amber login` saved. */
  readonly token: string | undefined;
  /** AMBER_LOGIN_PASSWORD: the password `amber login` signs in with (else a prompt on a terminal). */
  readonly loginPassword: string | undefined;
  /** Where `amber login` and `amber agent register` keep their files: $XDG_CONFIG_HOME/amber. */
  readonly configDir: string;
  /** The AMBER_S3_* variables: endpoint and credentials of `--vault s3://BUCKET/PREFIX`. */
  readonly s3: Readonly<Record<string, string | undefined>>;
}

export function readEnvironment(): CliEnvironment {
  const env = process.env;
  const cacheHome = nonEmpty(env['XDG_CACHE_HOME']) ?? path.join(os.homedir(), '.cache');
  const configHome = nonEmpty(env['XDG_CONFIG_HOME']) ?? path.join(os.homedir(), '.config');
  return {
    vault: nonEmpty(env['AMBER_VAULT']),
    password: env['AMBER_PASSWORD'],
    cacheDir: nonEmpty(env['AMBER_CACHE_DIR']) ?? path.join(cacheHome, 'amber'),
    isTty: process.stderr.isTTY,
    minCoolingOff: nonEmpty(env['AMBER_MIN_COOLING_OFF']),
    newPassword: env['AMBER_NEW_PASSWORD'],
    server: nonEmpty(env['AMBER_SERVER']),
    token: nonEmpty(env['AMBER_TOKEN']),
    loginPassword: env['AMBER_LOGIN_PASSWORD'],
    configDir: path.join(configHome, 'amber'),
    s3: Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('AMBER_S3_'))),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
