import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';

export function registerCatalog(program: Command, ctx: CliContext): void {
  const catalog = program
    .command('catalog')
    .description('the catalog: an index of the vault, rebuildable from storage');
  catalog
    .command('rebuild')
    .description("recreate the catalog from the vault's storage alone")
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { vault?: string; json?: boolean }, command: Command) => {
      const result = await withVault(ctx, command, options, (vault) => vault.rebuildCatalog());
      if (options.json === true) printJson(result);
      else process.stdout.write(`catalog rebuilt from storage: ${result.points} recovery points\n`);
    });
}
