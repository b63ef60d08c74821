import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatBytes, printJson } from '../format-output.js';

export function registerMaintenance(program: Command, ctx: CliContext): void {
  const maintenance = program.command('maintenance').description('expiry, garbage collection and lock extension');
  maintenance
    .command('run')
    .description('expire points past their retention, extend storage locks, delete data no point needs')
    .option('--dry-run', 'say what would be done, change nothing')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { vault?: string; json?: boolean; dryRun?: boolean }, command: Command) => {
      const report = await withVault(ctx, command, options, (v) =>
        v.runMaintenance({ dryRun: options.dryRun === true }),
      );
      if (options.json === true) {
        printJson({
          ...report,
          deferredPoints: report.deferredPoints.map((d) => ({ ...d, lockedUntil: toIso(d.lockedUntil) })),
        });
        return;
      }
      const verb = report.dryRun ? 'would' : 'did';
      const lines = [
        ...(report.lockTookEffect ? ['the cooling-off ended: the vault is now locked'] : []),
        `expired points: ${report.expiredPoints.length} (${verb} remove)`,
        ...report.deferredPoints.map(
          (d) => `  ${d.id.slice(0, 12)} expired; its storage lock lapses at ${toIso(d.lockedUntil)}`,
        ),
        `storage lock extensions: ${report.lockExtensions}`,
        `unneeded packs: ${report.deletedPacks.length} (${formatBytes(report.freedBytes)}; ${verb} delete), ${report.deferredPacks} still locked`,
        `index segments rewritten: ${report.rewrittenIndexSegments}, deleted: ${report.deletedIndexSegments}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
