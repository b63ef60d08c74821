import type { Command } from 'commander';
import { EmbeddedVault } from '../../vault/embedded-vault.js';
import type { ApiClient } from '../../client/api-client.js';
import { globalOptions, type CliContext } from '../cli-context.js';
import { printJson } from '../format-output.js';
import { vaultLocationOf } from '../vault-spec.js';
import { newPassphrase } from '../passphrase.js';
import { apiClientFor, serverUrlOf } from '../server-connection.js';

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('create a new vault in an empty or new directory (with --server: a vault of that name on the server)')
    .argument('<dir>', 'directory for the vault, or s3://BUCKET/PREFIX (with --server: its name)')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options: { json?: boolean }, command: Command) => {
      const server = serverUrlOf(ctx, command);
      const passphrase = await newPassphrase(ctx.env, globalOptions(command).passwordFile);
      const created =
        server === undefined
          ? await EmbeddedVault.init(
              vaultLocationOf(dir, { clock: ctx.clock, cacheDir: ctx.env.cacheDir, s3: ctx.env.s3 }),
              {
                clock: ctx.clock,
                passphrase,
              },
            )
          : await initOnServer(await apiClientFor(ctx, command, server), dir, passphrase);
      if (options.json === true) printJson(created);
      else process.stdout.write(`created vault ${created.vaultId} at ${created.location}\n`);
    });
}

/**
 * Creates a vault on the server (which keeps its own passphrase) and adds a key envelope for this
 * passphrase, so that backups and restores from this host can decrypt, as with a local vault.
 */
async function initOnServer(
  api: ApiClient,
  name: string,
  passphrase: string,
): Promise<{ vaultId: string; location: string }> {
  const created = await api.request<{ vaultId: string; name: string }>('POST', '/api/v1/vaults', {
    body: { name, kind: 'local' },
  });
  await api.request('POST', `/api/v1/vaults/${encodeURIComponent(name)}/keys`, {
    body: { passphrase, label: 'init' },
  });
  return { vaultId: created.vaultId, location: `${api.baseUrl} vault ${created.name}` };
}
