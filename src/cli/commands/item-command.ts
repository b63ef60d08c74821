import path from 'node:path';
import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import type { ItemSettings } from '../../format/vault-settings.js';
import { HttpVaultService } from '../../client/http-vault-service.js';
import { DEFAULT_SERVER_VAULT, withVault, type CliContext } from '../cli-context.js';
import { serverApi } from '../server-connection.js';
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
      .requiredOption('--path <path>', 'a path to back up (repeatable)', (v: string, p: string[]) => [...p, v], [])
      .option('--agent <name>', 'server: the agent that backs the item up on its host (absolute paths of that host)'),
  ).action(
    async (
      name: string,
      options: ItemOptions & { policy: string; path: string[]; agent?: string },
      command: Command,
    ) => {
      const added = await withVault(ctx, command, options, (v) => {
        if (options.agent === undefined) return v.addItem({ name, policy: options.policy, paths: options.path });
        if (!(v instanceof HttpVaultService)) {
          throw new AmberError('USAGE', 'Agents exist only on a server: --agent needs --server URL.');
        }
        if (options.path.some((p) => !path.isAbsolute(p))) {
          throw new AmberError('USAGE', "An agent's paths are paths on its own host: give them absolute.");
        }
        return v.addItem({ name, policy: options.policy, paths: options.path, agent: options.agent });
      });
      printItems([added], options.json);
    },
  );
  item
    .command('backup')
    .argument('<name>')
    .description("server: back the item up now (queues a job for the item's agent; see amber jobs)")
    .option('--vault <name>', 'the vault on the server (default: default)')
    .option('--json', 'print the job as JSON')
    .action(async (name: string, options: ItemOptions, command: Command) => {
      const api = await serverApi(ctx, command);
      const vault = options.vault ?? command.optsWithGlobals<ItemOptions>().vault ?? DEFAULT_SERVER_VAULT;
      const job = await api.request<{ id: string; agent: string | null }>(
        'POST',
        `/api/v1/vaults/${encodeURIComponent(vault)}/items/${encodeURIComponent(name)}/backup`,
      );
      if (options.json === true) printJson(job);
      else process.stdout.write(`queued backup job ${job.id} of ${name} for agent ${job.agent ?? '-'}\n`);
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
