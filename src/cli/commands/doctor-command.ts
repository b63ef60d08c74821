import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('show what the storage really enforces here (locks, read-only files, immutable attribute)')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { vault?: string; json?: boolean }, command: Command) => {
      const report = await withVault(ctx, command, options, (vault) => vault.doctor());
      if (options.json === true) {
        printJson(report);
        return;
      }
      process.stdout.write(`storage: ${report.location}\n`);
      for (const check of report.checks) {
        process.stdout.write(`${check.ok ? '  ok  ' : '  NO  '} ${check.name}: ${check.detail}\n`);
      }
    });
}
