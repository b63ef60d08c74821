import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import type { PointRow } from '../../catalog/point-row.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatBytes, formatInstant, formatTable, printJson } from '../format-output.js';

export function registerPoints(program: Command, ctx: CliContext): void {
  const points = program.command('points');
  points
    .command('delete')
    .argument('<point>', 'a point id or a unique prefix of one')
    .description('delete a recovery point (refused while retained in an immutable vault or under legal hold)')
    .option('--bypass-governance', 'use the governance.bypass permission (needs an approval)')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        ref: string,
        options: { vault?: string; json?: boolean; bypassGovernance?: boolean },
        command: Command,
      ) => {
        const id = await withVault(ctx, command, options, (v) =>
          v.deletePoint(ref, { bypassGovernance: options.bypassGovernance === true }),
        );
        if (options.json === true) printJson({ id, deleted: true });
        else process.stdout.write(`deleted recovery point ${id}\n`);
      },
    );
  points
    .description('list recovery points')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--item <name>', 'only the points of this item')
    .option('--json', 'print the points as JSON')
    .action(async (options: { vault?: string; item?: string; json?: boolean }, command: Command) => {
      const points = await withVault(ctx, command, options, (vault) =>
        vault.listPoints(options.item === undefined ? {} : { item: options.item }),
      );
      if (options.json === true) {
        printJson(points.map(pointJson));
        return;
      }
      const rows = points.map((p) => [
        p.id.slice(0, 12),
        p.item,
        formatInstant(p.createdAt),
        formatInstant(p.retainUntil),
        formatBytes(p.sizeBytes),
        String(p.files),
        p.lockMode,
        p.legalHold ? 'yes' : 'no',
      ]);
      process.stdout.write(
        formatTable(
          ['ID', 'Item', 'Created (UTC)', 'Retain until (UTC)', 'Size', 'Files', 'Lock', 'Legal hold'],
          rows,
        ) + `\n${points.length} recovery point${points.length === 1 ? '' : 's'}\n`,
      );
    });
}

export function pointJson(p: PointRow): Record<string, unknown> {
  return {
    id: p.id,
    item: p.item,
    createdAt: toIso(p.createdAt),
    retainUntil: toIso(p.retainUntil),
    sizeBytes: p.sizeBytes,
    files: p.files,
    dirs: p.dirs,
    addedBytes: p.addedBytes,
    addedStoredBytes: p.addedStoredBytes,
    lockMode: p.lockMode,
    legalHold: p.legalHold,
    hostname: p.hostname,
    paths: p.paths,
    tags: p.tags,
    ...(p.parent === undefined ? {} : { parent: p.parent }),
  };
}
