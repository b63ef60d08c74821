import { access } from 'node:fs/promises';
import path from 'node:path';
import { AmberError } from '../core/errors.js';
import { readJsonFile, writeSecretFile } from './credentials.js';

/** What `amber agent register` writes and `amber agent run` reads (0600: it holds two secrets). */
export interface AgentConfig {
  readonly server: string;
  readonly vault: string;
  readonly agent: string;
  readonly token: string;
  /** Opens the agent's own key envelope of the vault (the engine decrypts on this host). */
  readonly keyPassphrase: string;
}

export function agentConfigPath(configDir: string, explicit: string | undefined): string {
  return path.resolve(explicit ?? path.join(configDir, 'agent.json'));
}

export async function readAgentConfig(file: string): Promise<AgentConfig> {
  const value = (await readJsonFile(file)) as Partial<AgentConfig> | undefined;
  if (value === undefined) {
    throw new AmberError(
      'USAGE',
      `There is no agent configuration at ${file}: register this host first (amber agent register --server URL --enroll-token TOKEN).`,
    );
  }
  const missing = (['server', 'vault', 'agent', 'token', 'keyPassphrase'] as const).filter(
    (key) => typeof value[key] !== 'string' || value[key] === '',
  );
  if (missing.length > 0) {
    throw new AmberError('INVALID_ARGUMENT', `The agent configuration ${file} lacks ${missing.join(', ')}.`);
  }
  return value as AgentConfig;
}

/** An existing configuration (a registered identity) is replaced only when asked: check before registering. */
export async function assertNoAgentConfig(file: string): Promise<void> {
  if (await exists(file)) {
    throw new AmberError(
      'ALREADY_EXISTS',
      `${file} already holds an agent's identity; pass --force to replace it, or --config FILE to write another.`,
    );
  }
}

export async function writeAgentConfig(file: string, config: AgentConfig): Promise<void> {
  await writeSecretFile(file, JSON.stringify(config, null, 2) + '\n');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** An agent name the server accepts, made from a host name: `Web-01.example.com` → `web-01.example.com`. */
export function agentNameFromHostname(hostname: string): string {
  const cleaned = hostname.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const name = /^[a-z]/.test(cleaned) ? cleaned : `agent-${cleaned}`;
  return name.slice(0, 64);
}
