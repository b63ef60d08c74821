import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';

interface HoldOptions {
  vault?: string;
  json?: boolean;
  reason?: string;
}

export function registerHold(program: Command, ctx: CliContext): void {
  const hold = program.command('hold').description('legal holds: block deletion of a point indefinitely');
  hold
    .command('set')
    .argument('<point>', 'a point id or a unique prefix of one')
    .description('put a recovery point under legal hold')
    .requiredOption('--reason <text>', 'why (a case, a ticket, a request)')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: HoldOptions, command: Command) => {
      const id = await withVault(ctx, command, options, (v) => v.setLegalHold(ref, options.reason ?? ''));
      if (options.json === true) printJson({ id, legalHold: true, reason: options.reason });
      else process.stdout.write(`legal hold set on ${id}\n`);
    });
  hold
    .command('release')
    .argument('<point>', 'a point id or a unique prefix of one')
    .description('release a legal hold')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: HoldOptions, command: Command) => {
      const id = await withVault(ctx, command, options, (v) => v.releaseLegalHold(ref));
      if (options.json === true) printJson({ id, legalHold: false });
      else process.stdout.write(`legal hold released on ${id}\n`);
    });
}
