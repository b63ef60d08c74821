import type { Command } from 'commander';
import type { TokenView } from '../../client/api-views.js';
import type { CliContext } from '../cli-context.js';
import { formatIsoCell, formatTable, printJson } from '../format-output.js';
import { serverApi } from '../server-connection.js';
import { parseWholeNumber } from './parse-options.js';

interface JsonOption {
  json?: boolean;
}

export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API tokens (for scripts; AMBER_TOKEN)');
  token
    .command('list')
    .description('list your tokens (an admin sees every token)')
    .option('--json', 'print the tokens as JSON')
    .action(async (options: JsonOption, command: Command) => {
      const tokens = await (await serverApi(ctx, command)).request<TokenView[]>('GET', '/api/v1/tokens');
      if (options.json === true) {
        printJson(tokens);
        return;
      }
      const rows = tokens.map((t) => [
        t.id,
        t.kind,
        t.principal,
        t.label,
        formatIsoCell(t.createdAt),
        formatIsoCell(t.expiresAt),
        formatIsoCell(t.lastUsedAt),
        t.revokedAt === null ? 'active' : 'revoked',
      ]);
      process.stdout.write(
        formatTable(['ID', 'Kind', 'Owner', 'Label', 'Created (UTC)', 'Expires', 'Last used', 'State'], rows) + '\n',
      );
    });
  token
    .command('create')
    .description('create a token for yourself; its secret is printed once, on standard output')
    .requiredOption('--label <text>', 'what the token is for')
    .option('--days <n>', 'days until it expires (default 90)')
    .option('--read-only', 'a token that can only read (monitoring, reports): every change is refused')
    .option('--json', 'print the result as JSON')
    .action(async (options: JsonOption & { label: string; days?: string; readOnly?: boolean }, command: Command) => {
      const api = await serverApi(ctx, command);
      const created = await api.request<{ id: string; token: string; expiresAt: string | null }>(
        'POST',
        '/api/v1/tokens',
        {
          body: {
            label: options.label,
            ...(options.days === undefined ? {} : { ttlDays: parseWholeNumber(options.days, '--days') }),
            ...(options.readOnly === true ? { readOnly: true } : {}),
          },
        },
      );
      if (options.json === true) {
        printJson(created);
        return;
      }
      process.stderr.write(
        `created token ${created.id} (expires ${created.expiresAt ?? 'never'}); its secret is shown only now:\n`,
      );
      process.stdout.write(`${created.token}\n`);
    });
  token
    .command('revoke')
    .argument('<id>', 'the token id (amber token list)')
    .description('revoke a token (your own; an admin may revoke any)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: JsonOption, command: Command) => {
      const api = await serverApi(ctx, command);
      const revoked = await api.request<unknown>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      if (options.json === true) printJson(revoked);
      else process.stdout.write(`revoked token ${id}\n`);
    });
}
