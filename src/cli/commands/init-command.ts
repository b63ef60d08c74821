import type { Command } from 'commander';
import { EmbeddedVault } from '../../vault/embedded-vault.js';
import { globalOptions, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';
import { newPassphrase } from '../passphrase.js';

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('create a new vault in an empty or new directory')
    .argument('<dir>', 'directory for the vault')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options: { json?: boolean }, command: Command) => {
      const passphrase = await newPassphrase(ctx.env, globalOptions(command).passwordFile);
      const created = await EmbeddedVault.init(dir, { clock: ctx.clock, passphrase });
      if (options.json === true) printJson(created);
      else process.stdout.write(`created vault ${created.vaultId} at ${created.location}\n`);
    });
}
