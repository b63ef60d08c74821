import type { Command } from 'commander';
import { AmberError } from '../../core/errors.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatBytes, printJson } from '../format-output.js';

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description("check the vault's structure; with --read-data, read and authenticate every byte")
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--read-data', 'read every pack and authenticate every blob')
    .option('--json', 'print the report as JSON')
    .action(async (options: { vault?: string; readData?: boolean; json?: boolean }, command: Command) => {
      const report = await withVault(ctx, command, options, (vault) =>
        vault.verify({ readData: options.readData === true }),
      );
      if (options.json === true) printJson(report);
      else {
        for (const p of report.problems) process.stderr.write(`error: ${p.object}: ${p.message}\n`);
        process.stdout.write(
          `checked ${report.points} points, ${report.trees} trees, ${report.packs} packs, ${report.blobs} blobs` +
            (options.readData === true ? `, read ${formatBytes(report.bytesRead)}` : '') +
            (report.unreferencedPacks > 0
              ? `; ${report.unreferencedPacks} unreferenced packs (left by interrupted backups)`
              : '') +
            `\n${report.problems.length === 0 ? 'no errors were found' : `${report.problems.length} errors were found`}\n`,
        );
      }
      if (report.problems.length > 0) {
        throw new AmberError('CORRUPT_OBJECT', `verify found ${report.problems.length} damaged or missing objects.`);
      }
    });
}
