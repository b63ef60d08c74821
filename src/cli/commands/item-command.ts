import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import type { ItemSettings } from '../../format/vault-settings.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatTable, printJson } from '../format-output.js';

interface ItemOptions {
  vault?: string;
  json?: boolean;
}

function printItems(items: readonly ItemSettings[], json: boolean | undefined): void {
  if (json === true) {
    printJson(items.map((i) => ({ ...i, createdAt: toIso(i.createdAt) })));
    return;
  }
  const rows = items.map((i) => [i.name, i.policy, i.state, i.paths.join(' ')]);
  process.stdout.write(formatTable(['Item', 'Policy', 'State', 'Paths'], rows) + '\n');
}

const common = (c: Command): Command =>
  c.option('--vault <dir>', 'the vault (default: $AMBER_VAULT)').option('--json', 'print the result as JSON');

export function registerItem(program: Command, ctx: CliContext): void {
  const item = program.command('item').description('protected items: what is backed up, under which policy');
  common(
    item
      .command('add')
      .argument('<name>')
      .description('protect paths under a policy')
      .requiredOption('--policy <name>', 'the policy (schedule and retention)')
      .requiredOption('--path <path>', 'a path to back up (repeatable)', (v: string, p: string[]) => [...p, v], []),
  ).action(async (name: string, options: ItemOptions & { policy: string; path: string[] }, command: Command) => {
    const added = await withVault(ctx, command, options, (v) =>
      v.addItem({ name, policy: options.policy, paths: options.path }),
    );
    printItems([added], options.json);
  });
  common(item.command('list').description('list protected items')).action(
    async (options: ItemOptions, command: Command) => {
      printItems(await withVault(ctx, command, options, (v) => v.listItems()), options.json);
    },
  );
  common(
    item
      .command('move')
      .argument('<name>')
      .description('move an item to another policy (a shorter retention is refused while immutable)')
      .requiredOption('--policy <name>', 'the new policy'),
  ).action(async (name: string, options: ItemOptions & { policy: string }, command: Command) => {
    printItems([await withVault(ctx, command, options, (v) => v.moveItem(name, options.policy))], options.json);
  });
  common(
    item
      .command('stop')
      .argument('<name>')
      .description('stop protection, keeping (--retain-data) or deleting (--delete-data) its points')
      .option('--retain-data', 'keep the recovery points until they expire')
      .option('--delete-data', 'delete the recovery points (refused while any is retained in an immutable vault)'),
  ).action(
    async (name: string, options: ItemOptions & { retainData?: boolean; deleteData?: boolean }, command: Command) => {
      if ((options.retainData === true) === (options.deleteData === true)) {
        throw new AmberError('USAGE', 'Say what happens to the data: --retain-data or --delete-data.');
      }
      const result = await withVault(ctx, command, options, (v) => v.stopItem(name, options.deleteData === true));
      if (options.json === true)
        printJson({ ...result.item, createdAt: toIso(result.item.createdAt), deletedPoints: result.deletedPoints });
      else
        process.stdout.write(
          `protection of ${name} stopped (${result.item.state}); ${result.deletedPoints.length} points deleted\n`,
        );
    },
  );
}
