import os from 'node:os';
import type { Command } from 'commander';
import { parseDuration, parseInstant } from './commands/parse-options.js';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import { HttpVaultService } from '../client/http-vault-service.js';
import type { VaultService } from '../vault/vault-service.js';
import type { CliEnvironment } from './environment.js';
import { passphraseSource } from './passphrase.js';
import { vaultLocationOf } from './vault-spec.js';
import { apiClientFor, serverUrlOf } from './server-connection.js';

/** What every command gets: the environment, the clock, and the exit code it may set. */
export interface CliContext {
  readonly env: CliEnvironment;
  readonly clock: Clock;
  exitCode: number;
}

export interface VaultOptions {
  readonly vault?: string;
}

/** The global options (--password-file, --debug, --server, --token) as commander parsed them. */
export function globalOptions(command: Command): {
  passwordFile?: string;
  debug?: boolean;
  server?: string;
  token?: string;
  asOf?: string;
} {
  return command.optsWithGlobals<{
    passwordFile?: string;
    debug?: boolean;
    server?: string;
    token?: string;
    asOf?: string;
  }>();
}

/** In server mode --vault names one of the server's vaults; this one when none is named. */
export const DEFAULT_SERVER_VAULT = 'default';
const SERVER_VAULT_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

export function vaultDir(ctx: CliContext, options: VaultOptions): string {
  const dir = options.vault ?? ctx.env.vault;
  if (dir === undefined) {
    throw new AmberError('USAGE', 'Name the vault with --vault DIR (or set AMBER_VAULT).');
  }
  return dir;
}

/**
 * Opens the vault the command names, runs `fn` with it, and always closes it. `needsKey`: the
 * command will decrypt (a backup), so a local vault starts unlocking as soon as it is opened.
 */
export async function withVault<T>(
  ctx: CliContext,
  command: Command,
  options: VaultOptions,
  fn: (vault: VaultService) => Promise<T>,
  needsKey = false,
): Promise<T> {
  // A parent command (`points` of `points delete`) may have taken --vault for itself.
  const inherited = command.optsWithGlobals<VaultOptions>().vault;
  const vault = await openVault(ctx, command, options.vault ?? inherited, needsKey);
  try {
    return await fn(vault);
  } finally {
    await vault.close();
  }
}

/**
 * The vault service the command names: with --server (or AMBER_SERVER) the HTTP client of a vault on
 * that server, named by --vault (default `default`); otherwise the vault directory, in-process.
 */
async function openVault(
  ctx: CliContext,
  command: Command,
  named: string | undefined,
  needsKey: boolean,
): Promise<VaultService> {
  const serverUrl = serverUrlOf(ctx, command);
  if (serverUrl !== undefined) {
    const vault = named ?? DEFAULT_SERVER_VAULT;
    if (!SERVER_VAULT_NAME.test(vault)) {
      throw new AmberError(
        'USAGE',
        `With --server, --vault names one of the server's vaults (such as ${DEFAULT_SERVER_VAULT}), not a directory: "${vault}".`,
      );
    }
    return new HttpVaultService({
      api: await apiClientFor(ctx, command, serverUrl),
      vault,
      clock: ctx.clock,
      cacheDir: ctx.env.cacheDir,
      passphrase: passphraseSource(ctx.env, globalOptions(command).passwordFile),
    });
  }
  const asOf = globalOptions(command).asOf;
  return EmbeddedVault.open({
    location: vaultLocationOf(
      vaultDir(ctx, named === undefined ? {} : { vault: named }),
      { clock: ctx.clock, cacheDir: ctx.env.cacheDir, s3: ctx.env.s3 },
      asOf === undefined ? {} : { asOf: parseInstant(asOf, '--as-of') },
    ),
    clock: ctx.clock,
    cacheDir: ctx.env.cacheDir,
    passphrase: passphraseSource(ctx.env, globalOptions(command).passwordFile),
    actor: `local:${os.userInfo().username}`,
    unlockAtOpen: needsKey,
    ...(ctx.env.minCoolingOff === undefined
      ? {}
      : { minCoolingOffMs: parseDuration(ctx.env.minCoolingOff, 'AMBER_MIN_COOLING_OFF') }),
  });
}
