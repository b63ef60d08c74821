import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import type { RetentionPolicy } from '../../core/retention/retention-policy.js';
import type { PolicySettings } from '../../format/vault-settings.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatTable, printJson } from '../format-output.js';
import { parseWholeNumber } from './parse-options.js';

interface PolicyOptions {
  vault?: string;
  json?: boolean;
  keep?: string;
  daily?: string;
  weekly?: string;
  monthly?: string;
  yearly?: string;
  schedule?: string;
  timezone?: string;
}

/** `--keep DAYS` (simple) or `--daily/--weekly/--monthly/--yearly N` (GFS); undefined when none is given. */
function retentionOf(options: PolicyOptions): RetentionPolicy | undefined {
  const gfs = [options.daily, options.weekly, options.monthly, options.yearly].some((v) => v !== undefined);
  if (options.keep !== undefined && gfs) {
    throw new AmberError(
      'USAGE',
      'Give either --keep DAYS or GFS counts (--daily, --weekly, --monthly, --yearly), not both.',
    );
  }
  if (options.keep !== undefined) return { kind: 'simple', keepDays: parseWholeNumber(options.keep, '--keep') };
  if (!gfs) return undefined;
  const n = (v: string | undefined, o: string): number => (v === undefined ? 0 : parseWholeNumber(v, o));
  return {
    kind: 'gfs',
    daily: n(options.daily, '--daily'),
    weekly: n(options.weekly, '--weekly'),
    monthly: n(options.monthly, '--monthly'),
    yearly: n(options.yearly, '--yearly'),
  };
}

function retentionText(r: RetentionPolicy): string {
  return r.kind === 'simple' ? `keep ${r.keepDays} days` : `GFS ${r.daily}d/${r.weekly}w/${r.monthly}m/${r.yearly}y`;
}

function policyJson(p: PolicySettings): Record<string, unknown> {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}

function printPolicies(policies: readonly PolicySettings[], json: boolean | undefined): void {
  if (json === true) {
    printJson(policies.map(policyJson));
    return;
  }
  const rows = policies.map((p) => [p.name, retentionText(p.retention), p.schedule ?? 'on demand', p.timeZone]);
  process.stdout.write(formatTable(['Policy', 'Retention', 'Schedule', 'Time zone'], rows) + '\n');
}

function withRetentionOptions(command: Command): Command {
  return command
    .option('--keep <days>', 'simple retention: keep every point this many days')
    .option('--daily <n>', 'GFS: keep the first point of each day n days')
    .option('--weekly <n>', 'GFS: keep the first point of each ISO week n weeks')
    .option('--monthly <n>', 'GFS: keep the first point of each month n months')
    .option('--yearly <n>', 'GFS: keep the first point of each year n years')
    .option('--schedule <cron>', 'when backups run, as a cron expression (five fields)')
    .option('--timezone <tz>', 'the IANA time zone of the schedule and the GFS calendar', undefined)
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON');
}

export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('backup policies: schedule and retention');
  withRetentionOptions(policy.command('create').argument('<name>').description('create a policy')).action(
    async (name: string, options: PolicyOptions, command: Command) => {
      const retention = retentionOf(options);
      if (retention === undefined)
        throw new AmberError('USAGE', 'A policy needs --keep DAYS or GFS counts (--daily, --weekly, …).');
      const created = await withVault(ctx, command, options, (v) =>
        v.createPolicy({
          name,
          retention,
          ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
          ...(options.timezone === undefined ? {} : { timeZone: options.timezone }),
        }),
      );
      printPolicies([created], options.json);
    },
  );
  withRetentionOptions(
    policy.command('update').argument('<name>').description('change a policy (reductions are refused while immutable)'),
  ).action(async (name: string, options: PolicyOptions, command: Command) => {
    const retention = retentionOf(options);
    const updated = await withVault(ctx, command, options, (v) =>
      v.updatePolicy(name, {
        ...(retention === undefined ? {} : { retention }),
        ...(options.schedule === undefined ? {} : { schedule: options.schedule === 'none' ? null : options.schedule }),
        ...(options.timezone === undefined ? {} : { timeZone: options.timezone }),
      }),
    );
    printPolicies([updated], options.json);
  });
  for (const [sub, description] of [
    ['list', 'list policies'],
    ['show', 'show one policy'],
  ] as const) {
    const cmd = policy.command(sub).description(description);
    if (sub === 'show') cmd.argument('<name>');
    cmd
      .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
      .option('--json', 'print the result as JSON')
      .action(async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const options = args[args.length - 2] as PolicyOptions;
        const all = await withVault(ctx, command, options, (v) => v.listPolicies());
        const name = sub === 'show' ? (args[0] as string) : undefined;
        const chosen = name === undefined ? all : all.filter((p) => p.name === name);
        if (name !== undefined && chosen.length === 0)
          throw new AmberError('NOT_FOUND', `There is no policy named ${name}.`);
        printPolicies(chosen, options.json);
      });
  }
}
