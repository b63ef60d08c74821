import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { withVault, type CliContext } from '../cli-context.js';
import { formatInstant, formatTable, printJson } from '../format-output.js';
import { newPassphrase } from '../passphrase.js';

interface KeyOptions {
  vault?: string;
  json?: boolean;
}

const common = (c: Command): Command =>
  c.option('--vault <dir>', 'the vault (default: $AMBER_VAULT)').option('--json', 'print the result as JSON');

export function registerKey(program: Command, ctx: CliContext): void {
  const key = program.command('key').description("the vault's key envelopes: passphrases that open its master key");
  common(key.command('list').description('list key envelopes')).action(
    async (options: KeyOptions, command: Command) => {
      const keys = await withVault(ctx, command, options, (v) => v.listKeys());
      if (options.json === true) {
        printJson(keys.map((k) => ({ ...k, createdAt: toIso(k.createdAt) })));
        return;
      }
      const rows = keys.map((k) => [`${k.current ? '*' : ' '}${k.id}`, k.label, formatInstant(k.createdAt)]);
      process.stdout.write(formatTable([' ID', 'Label', 'Created (UTC)'], rows) + '\n');
    },
  );
  common(
    key
      .command('add')
      .description('add a passphrase (from --new-password-file, AMBER_NEW_PASSWORD or a prompt)')
      .option('--new-password-file <file>', 'read the new passphrase from this file')
      .option('--label <text>', 'what this key is for', 'added'),
  ).action(async (options: KeyOptions & { newPasswordFile?: string; label: string }, command: Command) => {
    const passphrase = await newPassphrase({ ...ctx.env, password: ctx.env.newPassword }, options.newPasswordFile);
    const added = await withVault(ctx, command, options, (v) => v.addKey(passphrase, options.label));
    if (options.json === true) printJson({ ...added, createdAt: toIso(added.createdAt) });
    else process.stdout.write(`added key ${added.id}\n`);
  });
  common(key.command('remove').argument('<id>').description('remove a key envelope (never the last one)')).action(
    async (id: string, options: KeyOptions, command: Command) => {
      await withVault(ctx, command, options, (v) => v.removeKey(id));
      if (options.json === true) printJson({ id, removed: true });
      else process.stdout.write(`removed key ${id}\n`);
    },
  );
}
