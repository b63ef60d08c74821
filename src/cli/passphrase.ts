import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AmberError } from '../core/errors.js';
import type { CliEnvironment } from './environment.js';

/**
 * Where the vault passphrase comes from, in order: --password-file, AMBER_PASSWORD, a prompt on a
 * terminal. Returns a function so that commands that never decrypt never ask.
 */
export function passphraseSource(env: CliEnvironment, passwordFile: string | undefined): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => (cached ??= obtain(env, passwordFile, false));
}

/** For `init`: a prompt asks twice. */
export async function newPassphrase(env: CliEnvironment, passwordFile: string | undefined): Promise<string> {
  return obtain(env, passwordFile, true);
}

async function obtain(env: CliEnvironment, passwordFile: string | undefined, confirm: boolean): Promise<string> {
  let passphrase: string | undefined;
  if (passwordFile !== undefined) {
    try {
      passphrase = (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new AmberError(
        'INVALID_ARGUMENT',
        `Cannot read the password file ${passwordFile}: ${(error as Error).message}.`,
        {
          cause: error,
        },
      );
    }
  } else if (env.password !== undefined) {
    passphrase = env.password;
  } else if (process.stdin.isTTY && env.isTty) {
    passphrase = await prompt('Vault passphrase: ');
    if (confirm && (await prompt('Repeat passphrase: ')) !== passphrase) {
      throw new AmberError('INVALID_ARGUMENT', 'The two passphrases differ; nothing was created.');
    }
  } else {
    throw new AmberError(
      'PASSWORD_REQUIRED',
      'The vault passphrase is needed: set AMBER_PASSWORD, pass --password-file FILE, or run on a terminal.',
    );
  }
  if (passphrase === '')
    throw new AmberError('INVALID_ARGUMENT', 'The passphrase is empty; an empty passphrase protects nothing.');
  return passphrase;
}

/** True when a prompt can ask (stdin and stderr are a terminal). */
export function canPrompt(env: CliEnvironment): boolean {
  return process.stdin.isTTY && env.isTty;
}

/** Asks on the terminal without echoing the answer (passwords, passphrases). */
export async function promptSecret(question: string): Promise<string> {
  return prompt(question);
}

async function prompt(question: string): Promise<string> {
  process.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
