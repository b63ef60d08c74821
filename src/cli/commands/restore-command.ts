import type { Command } from 'commander';
import path from 'node:path';
import { AmberError } from '../../core/errors.js';
import { keepFreedMemory } from '../../native/memory.js';
import { DEFAULT_SERVER_VAULT, withVault, type CliContext } from '../cli-context.js';
import { serverApi } from '../server-connection.js';
import { formatBytes, formatDuration, printJson } from '../format-output.js';
import { ProgressReporter } from '../progress-reporter.js';

interface RestoreOptions {
  vault?: string;
  agent?: string;
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
    .option('--agent <name>', "server: restore on this agent's host instead of here (queues a job)")
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: RestoreOptions, command: Command) => {
      if (options.agent !== undefined) {
        await queueAgentRestore(ctx, command, ref, options, options.agent);
        return;
      }
      keepFreedMemory();
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

/** Restores on an agent's host: the server queues a restore job for that agent (amber jobs show ID). */
async function queueAgentRestore(
  ctx: CliContext,
  command: Command,
  ref: string,
  options: RestoreOptions,
  agent: string,
): Promise<void> {
  const api = await serverApi(ctx, command);
  if (!path.isAbsolute(options.target)) {
    throw new AmberError(
      'USAGE',
      `--target is a directory on the agent's host: give it absolute, not ${options.target}.`,
    );
  }
  const vault = options.vault ?? DEFAULT_SERVER_VAULT;
  const point = await api.request<{ id: string }>(
    'GET',
    `/api/v1/vaults/${encodeURIComponent(vault)}/points/${encodeURIComponent(ref)}`,
    { query: { item: options.item } },
  );
  const job = await api.request<{ id: string }>(
    'POST',
    `/api/v1/vaults/${encodeURIComponent(vault)}/points/${point.id}/restore`,
    { body: { agent, target: options.target, includes: options.include } },
  );
  if (options.json === true) printJson(job);
  else
    process.stdout.write(
      `queued restore job ${job.id}: point ${point.id.slice(0, 12)} to ${agent}:${options.target}\n`,
    );
}
