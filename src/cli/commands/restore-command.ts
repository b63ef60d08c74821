import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { formatBytes, formatDuration, printJson } from '../format-output.js';
import { ProgressReporter } from '../progress-reporter.js';

interface RestoreOptions {
  vault?: string;
  target: string;
  include: string[];
  item?: string;
  json?: boolean;
}

export function registerRestore(program: Command, ctx: CliContext): void {
  program
    .command('restore')
    .description('restore a recovery point (or some of its paths) into an empty directory')
    .argument('<point>', "a point id, a unique prefix of one, or 'latest'")
    .requiredOption('--target <dir>', 'an empty or new directory to restore into')
    .option(
      '--include <path>',
      'restore only this path of the point (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--item <name>', "with 'latest': the latest point of this item")
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: RestoreOptions, command: Command) => {
      const progress = new ProgressReporter(ctx.env.isTty && options.json !== true, 'restore');
      const outcome = await withVault(ctx, command, options, (vault) =>
        vault.restore(
          {
            ref,
            target: options.target,
            includes: options.include,
            ...(options.item === undefined ? {} : { item: options.item }),
          },
          progress.update,
        ),
      );
      progress.done();
      if (options.json === true) {
        printJson(outcome);
      } else {
        process.stdout.write(
          `restored point ${outcome.pointId.slice(0, 12)}: ${outcome.files} files, ${outcome.dirs} dirs, ` +
            `${formatBytes(outcome.bytes)} in ${formatDuration(outcome.durationMs)} to ${options.target}\n`,
        );
      }
    });
}
