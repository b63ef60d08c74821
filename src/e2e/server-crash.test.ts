import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { amberJson, amberOk, collect, describeRun, startAmber } from './testing/amber-cli.js';
import { apiAs, registerAgent, startServerProcess, type ServerProcess } from './testing/amber-server.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { diffTrees, snapshotTree, subtree } from './testing/tree-snapshot.js';

interface Job {
  id: string;
  kind: string;
  status: string;
  message: string | null;
}

/**
 * The server is killed (SIGKILL) while an agent uploads a backup: nothing committed is lost, nothing
 * half-done shows as a point, the agent's job runs again once the server is back, the vault verifies
 * with every byte read, and the point restores bit-exactly.
 */
describe('amber server killed during an upload', () => {
  let root: string;
  let dataDir: string;
  let server: ServerProcess;
  let port: string;
  let source: string;
  let agentConfig: string;
  const adminEnv = (): Record<string, string> => ({
    AMBER_SERVER: server.url,
    AMBER_TOKEN: server.adminToken,
    XDG_CONFIG_HOME: path.join(root, 'admin-config'),
    AMBER_CACHE_DIR: path.join(root, 'admin-cache'),
  });
  const agentEnv = (): Record<string, string | undefined> => ({
    AMBER_SERVER: undefined,
    AMBER_TOKEN: undefined,
    XDG_CONFIG_HOME: path.join(root, 'agent-config'),
    AMBER_CACHE_DIR: path.join(root, 'agent-cache'),
  });
  const start = async (): Promise<ServerProcess> =>
    startServerProcess({ dataDir, ...(port === '' ? {} : { config: { listen: `127.0.0.1:${port}` } }) });
  const jobs = async (): Promise<Job[]> =>
    (await apiAs(server.url, server.adminToken)<Job[]>('GET', '/api/v1/jobs?vault=default')).body;

  before(async () => {
    root = await makeTempDir('server-crash');
    dataDir = path.join(root, 'data');
    source = path.join(root, 'host', 'data');
    await mkdir(source, { recursive: true });
    // Incompressible, so every byte goes up: about six 16 MiB packs.
    for (let i = 0; i < 6; i++) await writeFile(path.join(source, `part-${i}.bin`), randomBytes(15 * 1024 * 1024));
    await writeFile(path.join(source, 'notes.txt'), 'small file\n');
    port = '';
    server = await start();
    port = new URL(server.url).port;
    agentConfig = path.join(root, 'agent.json');
    await registerAgent({
      serverUrl: server.url,
      name: 'db-01',
      configFile: agentConfig,
      adminEnv: adminEnv(),
      agentEnv: agentEnv(),
    });
    await amberOk(['policy', 'create', 'daily', '--keep', '7'], { env: adminEnv() });
    await amberOk(['item', 'add', 'db', '--policy', 'daily', '--path', source, '--agent', 'db-01'], {
      env: adminEnv(),
    });
  });

  after(async () => {
    await server.crash();
    await removeTree(root);
  });

  it('leaves no point, and the job runs again once the server is back', async () => {
    await amberOk(['item', 'backup', 'db'], { env: adminEnv() });
    const agent = startAmber(['agent', 'run', '--config', agentConfig, '--once'], { env: agentEnv() });
    const finished = collect(agent);
    // Kill the server once the first packs are stored, while the rest are still on their way.
    const admin = apiAs(server.url, server.adminToken);
    for (let i = 0; i < 600; i++) {
      const packs = await admin<{ key: string }[]>('GET', '/api/v1/vaults/default/objects?prefix=packs/');
      if (packs.status === 200 && packs.body.length >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await server.crash();
    const run = await finished;
    assert.notEqual(run.code, 0, `the agent reports the failed backup: ${describeRun(['agent', 'run'], run)}`);

    server = await start();
    const points = await amberJson<unknown[]>(['points', '--json'], { env: adminEnv() });
    assert.deepEqual(points, [], 'nothing half-done shows as a point');
    // The agent starts again: its job, left running by the dead server, is queued and runs.
    await amberOk(['agent', 'run', '--config', agentConfig, '--once'], { env: agentEnv() });
    const backups = (await jobs()).filter((j) => j.kind === 'backup');
    assert.equal(backups.length, 1);
    assert.equal(backups[0]?.status, 'succeeded', JSON.stringify(backups));
  });

  it('verifies with every byte read, and restores bit-exactly', async () => {
    await amberOk(['verify', '--read-data'], { env: adminEnv() });
    await amberOk(['maintenance', 'run'], { env: adminEnv() });
    await amberOk(['verify', '--read-data'], { env: adminEnv() });
    const target = path.join(root, 'host', 'restored');
    await amberOk(['restore', 'latest', '--item', 'db', '--target', target, '--agent', 'db-01'], { env: adminEnv() });
    await amberOk(['agent', 'run', '--config', agentConfig, '--once'], { env: agentEnv() });
    const restored = subtree(await snapshotTree(target), path.relative('/', source));
    assert.deepEqual(diffTrees(await snapshotTree(source), restored), []);
    assert.equal(await readFile(path.join(target, path.relative('/', source), 'notes.txt'), 'utf8'), 'small file\n');
  });
});
