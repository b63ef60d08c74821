import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { formatInstant, formatTable, printJson } from '../format-output.js';
import { toIso } from '../../core/clock.js';

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the audit trail: every change and every refusal');
  audit
    .command('list')
    .description('list audit events, oldest first')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the events as JSON')
    .action(async (options: { vault?: string; json?: boolean }, command: Command) => {
      const events = await withVault(ctx, command, options, (v) => v.listAudit());
      if (options.json === true) {
        printJson(events.map((e) => ({ ...e, at: toIso(e.at) })));
        return;
      }
      const rows = events.map((e) => [
        String(e.seq),
        formatInstant(e.at),
        e.actor,
        e.action,
        e.outcome,
        e.code ?? '',
        e.message,
      ]);
      process.stdout.write(
        formatTable(['#', 'At (UTC)', 'Actor', 'Action', 'Outcome', 'Code', 'Message'], rows) + '\n',
      );
    });
}
