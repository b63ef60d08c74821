import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AmberError } from '../core/errors.js';

/** What `amber login` keeps: one server, its token and who signed in. */
export interface Credentials {
  readonly server: string;
  readonly token: string;
  readonly user: string;
  /** ISO-8601, as the server said. */
  readonly expiresAt: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

export function credentialsPath(configDir: string): string {
  return path.join(configDir, CREDENTIALS_FILE);
}

/** The saved credentials, or undefined when there are none (a damaged file is an error to report). */
export async function readCredentials(configDir: string): Promise<Credentials | undefined> {
  const file = credentialsPath(configDir);
  const value = await readJsonFile(file);
  if (value === undefined) return undefined;
  const c = value as Partial<Credentials>;
  if (typeof c.server !== 'string' || typeof c.token !== 'string') {
    throw new AmberError('INVALID_ARGUMENT', `${file} holds no server and token; run amber login again.`);
  }
  return { server: c.server, token: c.token, user: String(c.user ?? ''), expiresAt: String(c.expiresAt ?? '') };
}

export async function writeCredentials(configDir: string, credentials: Credentials): Promise<string> {
  const file = credentialsPath(configDir);
  await writeSecretFile(file, JSON.stringify(credentials, null, 2) + '\n');
  return file;
}

/** Removes the saved credentials; true when there were some. */
export async function removeCredentials(configDir: string): Promise<boolean> {
  const file = credentialsPath(configDir);
  const existed = (await readJsonFile(file).catch(() => true)) !== undefined;
  await rm(file, { force: true });
  return existed;
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AmberError('INVALID_ARGUMENT', `Cannot read ${file}: ${(error as Error).message}.`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AmberError('INVALID_ARGUMENT', `${file} is not valid JSON.`, { cause: error });
  }
}

/**
 * Writes a file only its owner may read (0600, in a 0700 directory), atomically: a reader sees the
 * old content or the new, never half of it.
 */
export async function writeSecretFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
