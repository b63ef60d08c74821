import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../core/clock.js';
import { amberJson, amberOk, runAmber, describeRun } from './testing/amber-cli.js';
import {
  apiAs,
  registerAgent,
  assertError,
  startServerProcess,
  type Api,
  type ServerProcess,
} from './testing/amber-server.js';
import { buildRoundtripTree } from './testing/source-trees.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';
import { diffTrees, snapshotTree, subtree } from './testing/tree-snapshot.js';

interface Job {
  id: string;
  item: string;
  kind: string;
  trigger: string;
  status: string;
  pointId: string | null;
  message: string | null;
}

interface Point {
  id: string;
  item: string;
  createdAt: number;
  retainUntil: number;
}

/**
 * The vault server across processes on 127.0.0.1: an admin sets up a policy and an item with the CLI,
 * an agent on "another host" registers, backs up on schedule and on demand and restores bit-exactly;
 * with its token, every destructive or foreign call is refused with its code and audited.
 */
describe('amber server with an agent', () => {
  let root: string;
  let server: ServerProcess;
  let admin: Api;
  let agent: Api;
  let agentConfig: string;
  let source: string;
  let other: string;
  const env = (): Record<string, string> => ({
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
  const jobs = async (): Promise<Job[]> => (await admin<Job[]>('GET', '/api/v1/jobs?vault=default')).body;
  const runAgentOnce = async (): Promise<void> => {
    await amberOk(['agent', 'run', '--config', agentConfig, '--once'], { env: agentEnv() });
  };

  before(async () => {
    root = await makeTempDir('server-agent');
    source = path.join(root, 'host', 'www');
    other = path.join(root, 'host', 'db');
    await buildRoundtripTree(source, 'agent-e2e');
    await buildRoundtripTree(other, 'other-item');
    server = await startServerProcess({ dataDir: path.join(root, 'data') });
    admin = apiAs(server.url, server.adminToken);

    agentConfig = path.join(root, 'agent.json');
    await registerAgent({
      serverUrl: server.url,
      name: 'web-01',
      configFile: agentConfig,
      adminEnv: env(),
      agentEnv: agentEnv(),
    });
    const config = JSON.parse(await readFile(agentConfig, 'utf8')) as { token: string };
    agent = apiAs(server.url, config.token);

    await amberOk(['policy', 'create', 'frequent', '--keep', '7', '--schedule', '*/2 * * * * *'], { env: env() });
    await amberOk(['policy', 'create', 'ondemand', '--keep', '7'], { env: env() });
    await amberOk(['item', 'add', 'www', '--policy', 'frequent', '--path', source, '--agent', 'web-01'], {
      env: env(),
    });
    // Another item, backed up from the admin's host: the agent must never reach its data.
    await amberOk(['item', 'add', 'db', '--policy', 'ondemand', '--path', other], { env: env() });
    await amberOk(['key', 'add', '--label', 'admin-host'], {
      env: { ...env(), AMBER_NEW_PASSWORD: 'admin host passphrase' },
    });
    await amberOk(['backup', '--item', 'db'], { env: { ...env(), AMBER_PASSWORD: 'admin host passphrase' } });
  });

  after(async () => {
    await server.stop();
    await removeTree(root);
  });

  it('runs the backups the schedule queues for the agent', async () => {
    let scheduled: Job | undefined;
    for (let i = 0; i < 100 && scheduled === undefined; i++) {
      scheduled = (await jobs()).find((j) => j.trigger === 'schedule');
      if (scheduled === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(scheduled, 'the scheduler queued a job within 10 s');
    // Only this one run is wanted: the item moves to an on-demand policy.
    await amberOk(['item', 'move', 'www', '--policy', 'ondemand'], { env: env() });
    await runAgentOnce();
    const done = (await jobs()).filter((j) => j.trigger === 'schedule');
    assert.ok(done.length >= 1);
    assert.ok(
      done.every((j) => j.status === 'succeeded'),
      JSON.stringify(done),
    );
    const points = await amberJson<Point[]>(['points', '--item', 'www', '--json'], { env: env() });
    assert.equal(points.length, done.length);
  });

  it('backs up on demand, and the point carries the server time', async () => {
    const before = systemClock.nowMs();
    await amberOk(['item', 'backup', 'www'], { env: env() });
    await runAgentOnce();
    const manual = (await jobs()).find((j) => j.trigger === 'manual' && j.kind === 'backup');
    assert.equal(manual?.status, 'succeeded', JSON.stringify(manual));
    const listed = await amberJson<{ id: string; createdAt: string; retainUntil: string }[]>(
      ['points', '--item', 'www', '--json'],
      { env: env() },
    );
    const point = listed.find((p) => p.id === manual?.pointId);
    assert.ok(point !== undefined, 'the job names its point');
    const createdAt = Date.parse(point.createdAt);
    assert.ok(createdAt >= before - 1000 && createdAt <= systemClock.nowMs(), point.createdAt);
    assert.equal(Date.parse(point.retainUntil), createdAt + 7 * 86_400_000);
  });

  it("restores the agent's latest point bit-exactly onto its host", async () => {
    const target = path.join(root, 'host', 'restored');
    await amberOk(['restore', 'latest', '--item', 'www', '--target', target, '--agent', 'web-01'], { env: env() });
    await runAgentOnce();
    const restore = (await jobs()).find((j) => j.kind === 'restore');
    assert.equal(restore?.status, 'succeeded', JSON.stringify(restore));
    const original = await snapshotTree(source);
    const restored = subtree(await snapshotTree(target), path.relative('/', source));
    assert.deepEqual(diffTrees(original, restored), []);
  });

  describe('with the agent token, every destructive or foreign call is refused and audited', () => {
    let own: Point;
    let foreign: Point;

    before(async () => {
      const points = (await admin<Point[]>('GET', '/api/v1/vaults/default/points')).body;
      own = points.find((p) => p.item === 'www') as Point;
      foreign = points.find((p) => p.item === 'db') as Point;
      assert.ok(own !== undefined && foreign !== undefined);
      await admin('POST', `/api/v1/vaults/default/points/${own.id}/hold`, { reason: 'litigation 2026-17' });
    });

    it('delete a point', async () => {
      assertError(await agent('DELETE', `/api/v1/vaults/default/points/${own.id}`), 403, 'PERMISSION_DENIED');
    });
    it('stop protection deleting the data', async () => {
      const answer = await agent('POST', '/api/v1/vaults/default/items/www/stop', { deleteData: true });
      assertError(answer, 403, 'PERMISSION_DENIED');
    });
    it('reduce retention', async () => {
      const answer = await agent('PATCH', '/api/v1/vaults/default/policies/ondemand', {
        retention: { kind: 'simple', keepDays: 1 },
      });
      assertError(answer, 403, 'PERMISSION_DENIED');
    });
    it('disable immutability', async () => {
      assertError(await agent('POST', '/api/v1/vaults/default/immutability/disable'), 403, 'PERMISSION_DENIED');
    });
    it('release a legal hold', async () => {
      assertError(await agent('DELETE', `/api/v1/vaults/default/points/${own.id}/hold`), 403, 'PERMISSION_DENIED');
    });
    it('delete the vault', async () => {
      assertError(await agent('DELETE', '/api/v1/vaults/default'), 403, 'PERMISSION_DENIED');
    });

    it('overwrite a pack', async () => {
      const session = await agent<{ sessionId: string }>('POST', '/api/v1/vaults/default/backups', {
        item: 'www',
        retainDays: 0,
        hostname: 'web-01',
      });
      assert.equal(session.status, 201, JSON.stringify(session.body));
      const packs = await admin<{ key: string }[]>('GET', '/api/v1/vaults/default/objects?prefix=packs/');
      const existing = packs.body[0]?.key as string;
      const put = await agent(
        'PUT',
        `/api/v1/vaults/default/backups/${session.body.sessionId}/objects/${existing}`,
        Buffer.from('ransomware was here'),
        { 'content-type': 'application/octet-stream' },
      );
      assertError(put, 400, 'UPLOAD_REJECTED');
      await agent('DELETE', `/api/v1/vaults/default/backups/${session.body.sessionId}`);
    });

    it('commit a point with a forged past or future time', async () => {
      for (const offsetMs of [-30 * 86_400_000, 400 * 86_400_000]) {
        const session = await agent<{ sessionId: string }>('POST', '/api/v1/vaults/default/backups', {
          item: 'www',
          retainDays: 0,
          hostname: 'web-01',
        });
        const commit = await agent('POST', `/api/v1/vaults/default/backups/${session.body.sessionId}/commit`, {
          root: 'a'.repeat(64),
          indexIds: [],
          packIds: [],
          stats: {
            files: 0,
            dirs: 0,
            sizeBytes: 0,
            addedBytes: 0,
            addedStoredBytes: 0,
            blobs: 0,
            newBlobs: 0,
            filesFromCache: 0,
          },
          warnings: 0,
          paths: [],
          createdAt: systemClock.nowMs() + offsetMs,
        });
        assertError(commit, 409, 'CLIENT_TIME_REJECTED');
        await agent('DELETE', `/api/v1/vaults/default/backups/${session.body.sessionId}`);
      }
    });

    it("read another item's data", async () => {
      assertError(await agent('GET', `/api/v1/vaults/default/points/${foreign.id}`), 403, 'PERMISSION_DENIED');
      assertError(await agent('GET', `/api/v1/vaults/default/objects/points/${foreign.id}`), 403, 'PERMISSION_DENIED');
      assertError(await agent('GET', '/api/v1/vaults/default/objects?prefix=packs/'), 403, 'PERMISSION_DENIED');
      const listed = await agent<Point[]>('GET', '/api/v1/vaults/default/points');
      assert.deepEqual([...new Set(listed.body.map((p) => p.item))], ['www']);
      // Its own point's manifest it may read (it restores from it).
      assert.equal((await agent('GET', `/api/v1/vaults/default/objects/points/${own.id}`)).status, 200);
    });

    it('and every refusal is in the audit trail, with the agent as actor', async () => {
      const trail = (
        await admin<{ actor: string; outcome: string; code?: string; action: string }[]>(
          'GET',
          '/api/v1/vaults/default/audit?actor=agent:web-01&outcome=refused',
        )
      ).body;
      const codes = trail.map((e) => `${e.action}:${e.code ?? ''}`);
      for (const expected of [
        'point.delete:PERMISSION_DENIED',
        'item.stop:PERMISSION_DENIED',
        'policy.update:PERMISSION_DENIED',
        'immutability.disable:PERMISSION_DENIED',
        'hold.release:PERMISSION_DENIED',
        'vault.delete:PERMISSION_DENIED',
        'data.upload:UPLOAD_REJECTED',
        'point.commit:CLIENT_TIME_REJECTED',
        'point.read:PERMISSION_DENIED',
        'data.read:PERMISSION_DENIED',
      ]) {
        assert.ok(codes.includes(expected), `${expected} is audited; the trail has: ${codes.join(', ')}`);
      }
      // The CLI shows the same trail, and its chain is intact.
      const verify = await runAmber(['audit', 'verify'], { env: env() });
      assert.equal(verify.code, 0, describeRun(['audit', 'verify'], verify));
    });
  });
});
