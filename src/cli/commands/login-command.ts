import os from 'node:os';
import type { Command } from 'commander';
import { AmberError, isAmberError } from '../../core/errors.js';
import { ApiClient } from '../../client/api-client.js';
import type { LoginAnswer } from '../../client/api-views.js';
import type { CliContext } from '../cli-context.js';
import { credentialsPath, readCredentials, removeCredentials, writeCredentials } from '../credentials.js';
import { printJson } from '../format-output.js';
import { canPrompt, promptSecret } from '../passphrase.js';
import { serverUrlOf } from '../server-connection.js';

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('sign in to an Amber server (--server URL); the token is kept in $XDG_CONFIG_HOME/amber (0600)')
    .option('--user <name>', 'the user to sign in as (default: your login name)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { user?: string; json?: boolean }, command: Command) => {
      const server = serverUrlOf(ctx, command);
      if (server === undefined) {
        throw new AmberError('USAGE', 'Name the server to sign in to: amber login --server URL (or set AMBER_SERVER).');
      }
      const user = options.user ?? os.userInfo().username;
      const password = await loginPassword(ctx, `Password of ${user} at ${server}: `);
      const answer = await new ApiClient({ baseUrl: server }).request<LoginAnswer>('POST', '/api/v1/auth/login', {
        body: { user, password },
      });
      const file = await writeCredentials(ctx.env.configDir, {
        server,
        token: answer.token,
        user: answer.user.name,
        expiresAt: answer.expiresAt,
      });
      if (options.json === true) {
        printJson({
          server,
          user: answer.user.name,
          role: answer.user.role,
          expiresAt: answer.expiresAt,
          credentials: file,
        });
      } else {
        process.stdout.write(
          `signed in to ${server} as ${answer.user.name} (${answer.user.role}) until ${answer.expiresAt}; token saved in ${file}\n`,
        );
      }
    });
  program
    .command('logout')
    .description('revoke the token `amber login` saved, and forget it')
    .action(async () => {
      const saved = await readCredentials(ctx.env.configDir);
      if (saved === undefined) {
        process.stdout.write(`not signed in (no ${credentialsPath(ctx.env.configDir)})\n`);
        return;
      }
      let note = '';
      try {
        await new ApiClient({ baseUrl: saved.server, token: saved.token }).request('POST', '/api/v1/auth/logout');
      } catch (error) {
        // An expired or revoked token is signed out already; an unreachable server keeps it until it expires.
        if (isAmberError(error, 'UNAUTHENTICATED')) note = ' (the token had already expired or been revoked)';
        else if (isAmberError(error, 'SERVER_UNREACHABLE'))
          note = ` (the server could not be reached: the token stays valid until ${saved.expiresAt})`;
        else throw error;
      }
      await removeCredentials(ctx.env.configDir);
      process.stdout.write(`signed out of ${saved.server}${note}\n`);
    });
}

/** AMBER_LOGIN_PASSWORD, else a prompt on a terminal; never a command-line argument. */
async function loginPassword(ctx: CliContext, question: string): Promise<string> {
  let password = ctx.env.loginPassword;
  if (password === undefined) {
    if (!canPrompt(ctx.env)) {
      throw new AmberError(
        'USAGE',
        'The password is needed: set AMBER_LOGIN_PASSWORD, or run amber login on a terminal.',
      );
    }
    password = await promptSecret(question);
  }
  if (password === '') throw new AmberError('INVALID_ARGUMENT', 'The password is empty.');
  return password;
}
