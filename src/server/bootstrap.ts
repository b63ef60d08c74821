import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toIso } from '../core/clock.js';
import type { ServerContext } from './server-context.js';

export interface BootstrapResult {
  readonly adminToken: string;
  readonly tokenFile: string;
  readonly expiresAt: string;
}

export const BOOTSTRAP_TOKEN_FILE = 'admin-token';
const BOOTSTRAP_TOKEN_TTL_MS = 7 * 24 * 3_600_000;

/**
 * First start on an empty data directory: a local vault `default` and a user `admin` with no
 * password and a one-time token, returned to be printed once and written to a 0600 file. Returns
 * undefined when the server already has users.
 */
export async function bootstrap(ctx: ServerContext): Promise<BootstrapResult | undefined> {
  if ((await ctx.catalog.countUsers()) > 0) return undefined;
  if (!(await ctx.vaults.list()).some((v) => v.name === 'default')) await ctx.vaults.createLocal('default');
  await ctx.identity.createUser({ name: 'admin', role: 'admin' });
  const token = await ctx.identity.issueToken({
    kind: 'user',
    principal: 'admin',
    label: 'bootstrap',
    ttlMs: BOOTSTRAP_TOKEN_TTL_MS,
  });
  const tokenFile = path.join(ctx.dataDir, BOOTSTRAP_TOKEN_FILE);
  await writeFile(tokenFile, token.secret + '\n', { mode: 0o600 });
  await ctx.audit({
    actor: 'server',
    action: 'server.bootstrap',
    target: 'admin',
    outcome: 'ok',
    message: `First start: vault default and user admin created; a bootstrap token (${token.id}) was written to ${tokenFile}.`,
  });
  return { adminToken: token.secret, tokenFile, expiresAt: toIso(token.expiresAt ?? 0) };
}
