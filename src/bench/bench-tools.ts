import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const TOOL_NAMES = ['amber', 'restic', 'borg'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
export type BackupStep = 'full' | 'nochange' | 'incr';

/** One command line; `cwd` defaults to the bench's work directory. */
export interface ToolInvocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** How the bench drives one backup tool. Repositories and targets are absolute paths. */
export interface BenchTool {
  readonly name: ToolName;
  /** Exit codes that count as success (borg: 1 = finished with warnings). */
  readonly okExitCodes: readonly number[];
  init(repo: string): ToolInvocation;
  backup(repo: string, source: string, step: BackupStep): ToolInvocation;
  /** Restores the point made by `lastStep` into `target` (the source's absolute path recreated beneath it). */
  restore(repo: string, target: string, lastStep: BackupStep): ToolInvocation;
  version(): ToolInvocation;
}

/** The one passphrase every tool gets (AMBER_PASSWORD, RESTIC_PASSWORD, BORG_PASSPHRASE). */
export const BENCH_PASSPHRASE = 'amber-bench-password';

/** Creates the driver of one tool; Amber runs as `node <amberBin>` (embedded mode, a local vault). */
export function createBenchTool(name: ToolName, amberBin: string): BenchTool {
  switch (name) {
    case 'amber':
      return {
        name,
        okExitCodes: [0],
        init: (repo) => ({ command: process.execPath, args: [amberBin, 'init', repo] }),
        backup: (repo, source) => ({
          command: process.execPath,
          args: [amberBin, 'backup', '--vault', repo, '--item', 'bench', source, '--json'],
        }),
        restore: (repo, target) => ({
          command: process.execPath,
          args: [amberBin, 'restore', '--vault', repo, 'latest', '--target', target],
        }),
        version: () => ({ command: process.execPath, args: [amberBin, '--version'] }),
      };
    case 'restic':
      return {
        name,
        okExitCodes: [0],
        init: (repo) => ({ command: 'restic', args: ['-r', repo, 'init', '--repository-version', '2'] }),
        backup: (repo, source) => ({ command: 'restic', args: ['-r', repo, 'backup', source] }),
        restore: (repo, target) => ({ command: 'restic', args: ['-r', repo, 'restore', 'latest', '--target', target] }),
        version: () => ({ command: 'restic', args: ['version'] }),
      };
    case 'borg':
      return {
        name,
        okExitCodes: [0, 1],
        init: (repo) => ({ command: 'borg', args: ['init', '--encryption=repokey', repo] }),
        backup: (repo, source, step) => ({ command: 'borg', args: ['create', `${repo}::${step}`, source] }),
        restore: (repo, target, lastStep) => ({
          command: 'borg',
          args: ['extract', `${repo}::${lastStep}`],
          cwd: target,
        }),
        version: () => ({ command: 'borg', args: ['--version'] }),
      };
  }
}

/** Where each tool keeps its local cache and config during the bench (wiped before every run). */
export function benchStateDirs(workDir: string): { cacheDir: string; configDir: string } {
  return { cacheDir: path.join(workDir, 'cache'), configDir: path.join(workDir, 'config') };
}

const INHERITED_SECRETS = [
  'RESTIC_PASSWORD_FILE',
  'RESTIC_PASSWORD_COMMAND',
  'RESTIC_REPOSITORY',
  'RESTIC_REPOSITORY_FILE',
  'BORG_PASSCOMMAND',
  'BORG_PASSPHRASE_FD',
  'BORG_REPO',
  'AMBER_PASSWORD_FILE',
  'AMBER_VAULT',
];

/**
 * The environment of every tool: the same passphrase for all, and caches/config redirected into
 * the work directory so the bench neither reads nor wipes the user's own amber/restic/borg caches.
 */
export function benchEnv(baseEnv: NodeJS.ProcessEnv, workDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  for (const name of INHERITED_SECRETS) delete env[name];
  const { cacheDir, configDir } = benchStateDirs(workDir);
  return {
    ...env,
    AMBER_PASSWORD: BENCH_PASSPHRASE,
    RESTIC_PASSWORD: BENCH_PASSPHRASE,
    BORG_PASSPHRASE: BENCH_PASSPHRASE,
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    XDG_CACHE_HOME: cacheDir,
    XDG_CONFIG_HOME: configDir,
    AMBER_CACHE_DIR: path.join(cacheDir, 'amber'),
    RESTIC_CACHE_DIR: path.join(cacheDir, 'restic'),
    BORG_CACHE_DIR: path.join(cacheDir, 'borg'),
    BORG_CONFIG_DIR: path.join(configDir, 'borg'),
  };
}

/** The absolute path of an executable found on PATH, or null. */
export function findExecutable(name: string, pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
