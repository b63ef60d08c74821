import os from 'node:os';
import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { keepFreedMemory } from '../../native/memory.js';
import { EXIT } from '../exit-codes.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatBytes, formatDuration, printJson } from '../format-output.js';
import { ProgressReporter } from '../progress-reporter.js';
import { parseWholeNumber } from './parse-options.js';

interface BackupOptions {
  vault?: string;
  item: string;
  retain: string;
  tag: string[];
  json?: boolean;
}

export function registerBackup(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('back up paths into a new recovery point')
    .argument('[path...]', "files or directories to back up (default: the item's paths)")
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--item <name>', 'the protected item the point belongs to', 'default')
    .option('--retain <days>', 'keep the point at least this many days', '0')
    .option('--tag <tag>', 'a tag for the point (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], options: BackupOptions, command: Command) => {
      keepFreedMemory();
      const progress = new ProgressReporter(ctx.env.isTty && options.json !== true, 'backup');
      const outcome = await withVault(
        ctx,
        command,
        options,
        (vault) =>
          vault.backup(
            {
              item: options.item,
              paths,
              retainDays: parseWholeNumber(options.retain, '--retain'),
              tags: options.tag,
              hostname: os.hostname(),
            },
            progress.update,
          ),
        true,
      );
      progress.done();
      for (const w of outcome.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
      const { point, stats } = outcome;
      if (options.json === true) {
        printJson({
          id: point.id,
          item: point.item,
          createdAt: toIso(point.createdAt),
          retainUntil: toIso(point.retainUntil),
          paths: point.paths,
          stats,
          warnings: outcome.warnings,
        });
      } else {
        process.stderr.write(
          `backed up ${stats.files} files, ${stats.dirs} dirs, ${formatBytes(stats.sizeBytes)} in ${formatDuration(stats.durationMs)}: ` +
            `${formatBytes(stats.addedBytes)} new (${formatBytes(stats.addedStoredBytes)} stored), ` +
            `${stats.filesFromCache} files unchanged; retained until ${toIso(point.retainUntil)}\n`,
        );
        process.stdout.write(`${point.id}\n`);
      }
      if (outcome.warnings.length > 0) ctx.exitCode = EXIT.partial;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
