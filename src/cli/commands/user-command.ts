import type { Command } from 'commander';
import type { UserView } from '../../client/api-views.js';
import type { CliContext } from '../cli-context.js';
import { formatIsoCell, formatTable, printJson } from '../format-output.js';
import { newUserPassword } from '../new-password.js';
import { serverApi } from '../server-connection.js';

interface JsonOption {
  json?: boolean;
}

function printUsers(users: readonly UserView[], json: boolean | undefined): void {
  if (json === true) {
    printJson(users);
    return;
  }
  const rows = users.map((u) => [
    u.name,
    u.role,
    formatIsoCell(u.createdAt),
    u.hasPassword ? 'yes' : 'no',
    u.disabled ? 'disabled' : 'active',
  ]);
  process.stdout.write(formatTable(['User', 'Role', 'Created (UTC)', 'Password', 'State'], rows) + '\n');
}

const path = (name: string): string => `/api/v1/users/${encodeURIComponent(name)}`;

export function registerUser(program: Command, ctx: CliContext): void {
  const user = program.command('user').description("the server's users and their roles (needs user.manage)");
  user
    .command('list')
    .description('list users')
    .option('--json', 'print the users as JSON')
    .action(async (options: JsonOption, command: Command) => {
      printUsers(await (await serverApi(ctx, command)).request<UserView[]>('GET', '/api/v1/users'), options.json);
    });
  user
    .command('add')
    .argument('<name>')
    .description('create a user (admin, operator, security-officer or auditor)')
    .requiredOption('--role <role>', 'the role: admin, operator, security-officer or auditor')
    .option('--password-stdin', 'read the password from standard input (else the user signs in with a token)')
    .option('--json', 'print the user as JSON')
    .action(async (name: string, options: JsonOption & { role: string; passwordStdin?: boolean }, command: Command) => {
      const api = await serverApi(ctx, command);
      const password = options.passwordStdin === true ? await newUserPassword(ctx.env, true, name) : undefined;
      const created = await api.request<UserView>('POST', '/api/v1/users', {
        body: { name, role: options.role, ...(password === undefined ? {} : { password }) },
      });
      printUsers([created], options.json);
    });
  user
    .command('set-role')
    .argument('<name>')
    .argument('<role>')
    .description("change a user's role")
    .option('--json', 'print the user as JSON')
    .action(async (name: string, role: string, options: JsonOption, command: Command) => {
      const api = await serverApi(ctx, command);
      printUsers([await api.request<UserView>('PATCH', path(name), { body: { role } })], options.json);
    });
  user
    .command('disable')
    .argument('<name>')
    .description('disable a user: no sign-in, and every token of the user stops working')
    .option('--json', 'print the user as JSON')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const api = await serverApi(ctx, command);
      printUsers([await api.request<UserView>('PATCH', path(name), { body: { disabled: true } })], options.json);
    });
  user
    .command('passwd')
    .argument('[name]', "another user's name (needs user.manage); default: your own password")
    .description('set a password (from --password-stdin, AMBER_NEW_PASSWORD or a prompt)')
    .option('--password-stdin', 'read the new password from standard input')
    .action(async (name: string | undefined, options: { passwordStdin?: boolean }, command: Command) => {
      const api = await serverApi(ctx, command);
      const password = await newUserPassword(ctx.env, options.passwordStdin === true, name ?? 'your user');
      if (name === undefined) await api.request('POST', '/api/v1/auth/password', { body: { password } });
      else await api.request('PATCH', path(name), { body: { password } });
      process.stdout.write(`password ${name === undefined ? 'changed' : `of ${name} set`}\n`);
    });
}
