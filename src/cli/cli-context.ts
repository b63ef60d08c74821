import os from 'node:os';
import type { Command } from 'commander';
import { parseDuration } from './commands/parse-options.js';
import type { Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { EmbeddedVault } from '../vault/embedded-vault.js';
import type { VaultService } from '../vault/vault-service.js';
import type { CliEnvironment } from './environment.js';
import { passphraseSource } from './passphrase.js';

/** What every command gets: the environment, the clock, and the exit code it may set. */
export interface CliContext {
  readonly env: CliEnvironment;
  readonly clock: Clock;
  exitCode: number;
}

export interface VaultOptions {
  readonly vault?: string;
}

/** The global options (--password-file, --debug) as commander parsed them. */
export function globalOptions(command: Command): { passwordFile?: string; debug?: boolean } {
  return command.optsWithGlobals<{ passwordFile?: string; debug?: boolean }>();
}

export function vaultDir(ctx: CliContext, options: VaultOptions): string {
  const dir = options.vault ?? ctx.env.vault;
  if (dir === undefined) {
    throw new AmberError('USAGE', 'Name the vault with --vault DIR (or set AMBER_VAULT).');
  }
  return dir;
}

/** Opens the vault the command names, runs `fn` with it, and always closes it. */
export async function withVault<T>(
  ctx: CliContext,
  command: Command,
  options: VaultOptions,
  fn: (vault: VaultService) => Promise<T>,
): Promise<T> {
  // A parent command (`points` of `points delete`) may have taken --vault for itself.
  const inherited = command.optsWithGlobals<VaultOptions>().vault;
  const vault = await EmbeddedVault.open({
    dir: vaultDir(ctx, options.vault !== undefined ? options : inherited === undefined ? {} : { vault: inherited }),
    clock: ctx.clock,
    cacheDir: ctx.env.cacheDir,
    passphrase: passphraseSource(ctx.env, globalOptions(command).passwordFile),
    actor: `local:${os.userInfo().username}`,
    ...(ctx.env.minCoolingOff === undefined
      ? {}
      : { minCoolingOffMs: parseDuration(ctx.env.minCoolingOff, 'AMBER_MIN_COOLING_OFF') }),
  });
  try {
    return await fn(vault);
  } finally {
    await vault.close();
  }
}
