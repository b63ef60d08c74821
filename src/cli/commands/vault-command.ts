import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import type { ImmutabilityView } from '../../vault/immutability-admin.js';
import type { VaultService } from '../../vault/vault-service.js';
import { withVault, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';
import { parseDuration, parseWholeNumber } from './parse-options.js';

interface JsonOptions {
  vault?: string;
  json?: boolean;
}

function printView(view: ImmutabilityView, json: boolean | undefined): void {
  if (json === true) {
    printJson({
      ...view,
      ...(view.lockRequestedAt === undefined ? {} : { lockRequestedAt: toIso(view.lockRequestedAt) }),
      ...(view.lockEffectiveAt === undefined ? {} : { lockEffectiveAt: toIso(view.lockEffectiveAt) }),
    });
    return;
  }
  const lines = [
    `vault ${view.vaultId}`,
    `immutability:       ${view.state}${view.state === 'locking' && view.lockEffectiveAt !== undefined ? ` (locked from ${toIso(view.lockEffectiveAt)}; cancellable until then)` : ''}`,
    `storage lock mode:  ${view.storageLockMode}`,
    `min retention:      ${view.minRetentionDays === undefined ? 'none' : `${view.minRetentionDays} days`}`,
    `max retention:      ${view.maxRetentionDays === undefined ? 'none' : `${view.maxRetentionDays} days`}`,
    `lock generation:    ${view.lockGenerationDays} days`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function jsonOption(command: Command): Command {
  return command
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('--json', 'print the result as JSON');
}

function simple(ctx: CliContext, run: (vault: VaultService) => Promise<ImmutabilityView>) {
  return async (options: JsonOptions, command: Command): Promise<void> => {
    printView(await withVault(ctx, command, options, run), options.json);
  };
}

export function registerVault(program: Command, ctx: CliContext): void {
  const vault = program.command('vault').description("a vault's immutability and retention settings");
  jsonOption(
    vault.command('show').description('immutability state, lock, storage lock mode, min/max retention'),
  ).action(simple(ctx, (v) => v.showVault()));
  jsonOption(
    vault
      .command('set')
      .description('change min/max retention guardrails (0 or "none" clears) and the lock generation')
      .option('--min-retention <days>', 'points and policies must keep data at least this many days')
      .option('--max-retention <days>', 'points and policies may keep data at most this many days')
      .option('--lock-generation <days>', 'round storage lock ends up to multiples of this many days'),
  ).action(
    async (
      options: JsonOptions & { minRetention?: string; maxRetention?: string; lockGeneration?: string },
      command: Command,
    ) => {
      const days = (text: string | undefined, option: string): number | null | undefined =>
        text === undefined ? undefined : text === 'none' ? null : parseWholeNumber(text, option);
      const minRetentionDays = days(options.minRetention, '--min-retention');
      const maxRetentionDays = days(options.maxRetention, '--max-retention');
      const lockGenerationDays =
        options.lockGeneration === undefined
          ? undefined
          : parseWholeNumber(options.lockGeneration, '--lock-generation');
      printView(
        await withVault(ctx, command, options, (v) =>
          v.setVaultOptions({
            ...(minRetentionDays === undefined ? {} : { minRetentionDays }),
            ...(maxRetentionDays === undefined ? {} : { maxRetentionDays }),
            ...(lockGenerationDays === undefined ? {} : { lockGenerationDays }),
          }),
        ),
        options.json,
      );
    },
  );

  jsonOption(
    vault
      .command('delete')
      .description('delete the vault: only when empty, or (immutable) when no point is retained or held')
      .option('--yes', 'confirm: every object of the vault is deleted'),
  ).action(async (options: JsonOptions & { yes?: boolean }, command: Command) => {
    if (options.yes !== true) {
      throw new AmberError('CONFIRMATION_REQUIRED', 'Deleting a vault deletes every object in it; confirm with --yes.');
    }
    const result = await withVault(ctx, command, options, (v) => v.deleteVault());
    if (options.json === true) printJson(result);
    else
      process.stdout.write(`deleted the vault (${result.deletedObjects} objects); its audit trail stays in .catalog\n`);
  });

  const immutability = vault.command('immutability').description('enable, disable or lock immutability');
  jsonOption(immutability.command('enable').description('enable immutability (governance locks; reversible)')).action(
    simple(ctx, (v) => v.enableImmutability()),
  );
  jsonOption(immutability.command('disable').description('disable immutability (refused once locked)')).action(
    simple(ctx, (v) => v.disableImmutability()),
  );
  jsonOption(
    immutability
      .command('lock')
      .description('lock immutability for good (compliance) after a cooling-off period; irreversible once it ends')
      .option('--cooling-off <duration>', 'how long the lock can still be cancelled (e.g. 72h, 0s)', '72h')
      .option('--yes', 'confirm that the lock is irreversible (required for --cooling-off 0s)'),
  ).action(async (options: JsonOptions & { coolingOff: string; yes?: boolean }, command: Command) => {
    // Without --yes, a lock with no cooling-off is refused by the vault itself (and audited there).
    const coolingOffMs = parseDuration(options.coolingOff, '--cooling-off');
    printView(
      await withVault(ctx, command, options, (v) =>
        v.lockImmutability({ coolingOffMs, confirmedIrreversible: options.yes === true }),
      ),
      options.json,
    );
  });
  jsonOption(immutability.command('cancel-lock').description('cancel a pending lock during its cooling-off')).action(
    simple(ctx, (v) => v.cancelLock()),
  );
}
