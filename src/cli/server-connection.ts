import type { Command } from 'commander';
import { parseIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { ApiClient, normalizeBaseUrl } from '../client/api-client.js';
import type { CliContext } from './cli-context.js';
import { readCredentials } from './credentials.js';

/** The global options that choose a server (commander's parse of --server and --token). */
interface ServerOptions {
  server?: string;
  token?: string;
}

/** The server this command talks to: --server, else AMBER_SERVER; undefined means embedded mode. */
export function serverUrlOf(ctx: CliContext, command: Command): string | undefined {
  const url = command.optsWithGlobals<ServerOptions>().server ?? ctx.env.server;
  return url === undefined ? undefined : normalizeBaseUrl(url);
}

/**
 * A client of the server for a vault command in server mode: the token is --token, else AMBER_TOKEN,
 * else the one `amber login` saved for this very server (refused once expired).
 */
export async function apiClientFor(ctx: CliContext, command: Command, serverUrl: string): Promise<ApiClient> {
  const explicit = command.optsWithGlobals<ServerOptions>().token ?? ctx.env.token;
  if (explicit !== undefined) return new ApiClient({ baseUrl: serverUrl, token: explicit });
  const saved = await readCredentials(ctx.env.configDir);
  if (saved === undefined || normalizeBaseUrl(saved.server) !== serverUrl) {
    throw new AmberError(
      'UNAUTHENTICATED',
      `No token for ${serverUrl}: sign in with amber login --server ${serverUrl}, or set AMBER_TOKEN.`,
    );
  }
  const expiresAt = parseIso(saved.expiresAt);
  if (expiresAt !== undefined && expiresAt <= ctx.clock.nowMs()) {
    throw new AmberError(
      'UNAUTHENTICATED',
      `The sign-in of ${saved.user} to ${serverUrl} expired at ${saved.expiresAt}; run amber login --server ${serverUrl} again.`,
    );
  }
  return new ApiClient({ baseUrl: serverUrl, token: saved.token });
}

/**
 * A client for the commands that exist only against a server (user, token, jobs, approval, clock,
 * agent): the server is --server, AMBER_SERVER, else the one `amber login` signed in to.
 */
export async function serverApi(ctx: CliContext, command: Command): Promise<ApiClient> {
  const url = serverUrlOf(ctx, command) ?? (await savedServer(ctx));
  if (url === undefined) {
    throw new AmberError('USAGE', 'This command talks to an Amber server: give --server URL (or set AMBER_SERVER).');
  }
  return apiClientFor(ctx, command, url);
}

async function savedServer(ctx: CliContext): Promise<string | undefined> {
  const saved = await readCredentials(ctx.env.configDir);
  return saved === undefined ? undefined : normalizeBaseUrl(saved.server);
}
