import { AmberError } from '../core/errors.js';
import type { CliEnvironment } from './environment.js';
import { canPrompt, promptSecret } from './passphrase.js';

/**
 * A user's new password, never from a command-line argument: standard input (--password-stdin, one
 * line), else AMBER_NEW_PASSWORD, else asked twice on a terminal.
 */
export async function newUserPassword(env: CliEnvironment, fromStdin: boolean, who: string): Promise<string> {
  let password: string;
  if (fromStdin) {
    password = (await readStdin()).replace(/\r?\n$/, '');
  } else if (env.newPassword !== undefined) {
    password = env.newPassword;
  } else if (canPrompt(env)) {
    password = await promptSecret(`New password of ${who}: `);
    if ((await promptSecret('Repeat it: ')) !== password) {
      throw new AmberError('INVALID_ARGUMENT', 'The two passwords differ; nothing was changed.');
    }
  } else {
    throw new AmberError(
      'USAGE',
      'The new password is needed: pipe it with --password-stdin, set AMBER_NEW_PASSWORD, or run on a terminal.',
    );
  }
  if (password === '') throw new AmberError('INVALID_ARGUMENT', 'The password is empty.');
  return password;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
