import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAmberError } from '../core/errors.js';
import {
  expectedContents,
  makeTestVault,
  PASSPHRASE,
  snapshotContents,
  writeSourceTree,
  type TestVault,
} from '../vault/testing/vault-fixture.js';
import { ApiClient } from './api-client.js';
import { runAgent, type AgentRunnerOptions } from './agent-runner.js';
import type { JobView } from './api-views.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { ScriptedServer } from './testing/scripted-server.js';

const FILES = { 'etc/app.conf': 'port = 80\n', 'var/data.bin': Buffer.alloc(200_000, 3) };

let jobCount = 0;
function job(kind: JobView['kind'], item: string, params: Record<string, unknown> = {}): JobView {
  return {
    id: `job_${++jobCount}`,
    vault: 'default',
    item,
    agent: 'host-1',
    kind,
    trigger: 'manual',
    scheduledFor: null,
    status: 'queued',
    createdAt: 0,
    startedAt: null,
    finishedAt: null,
    requestedBy: 'user:admin',
    pointId: null,
    files: null,
    bytes: null,
    addedBytes: null,
    durationMs: null,
    warnings: null,
    progress: null,
    message: null,
    params,
  };
}

describe('the agent daemon', () => {
  let tv: TestVault;
  let server: FakeVaultServer;
  let source: string;
  const lines: string[] = [];

  const options = (overrides: Partial<AgentRunnerOptions> = {}): AgentRunnerOptions => {
    const stopSignal = overrides.stopSignal ?? new AbortController().signal;
    return {
      api: new ApiClient({ baseUrl: server.url, token: 'agent-token', retryDelaysMs: [], stopSignal }),
      clock: tv.clock,
      cacheDir: path.join(tv.base, 'agent-cache'),
      keyPassphrase: PASSPHRASE,
      hostname: 'host-1',
      pollIntervalMs: 5000,
      once: true,
      stopSignal,
      log: (line) => lines.push(line),
      workerCount: 1,
      ...overrides,
    };
  };

  before(async () => {
    tv = await makeTestVault('agent');
    server = await FakeVaultServer.start(tv.vault, 'agent-token');
    source = path.join(tv.base, 'host-files');
    await writeSourceTree(source, FILES);
    await tv.vault.createPolicy({ name: 'daily', retention: { kind: 'simple', keepDays: 1 } });
    await tv.vault.addItem({ name: 'host-1-etc', policy: 'daily', paths: [source] });
  });
  after(async () => {
    await server.stop();
    await tv.dispose();
  });

  test('says hello, runs the queued backup of its item and reports the point, then (--once) returns', async () => {
    const backup = job('backup', 'host-1-etc');
    server.jobs.push(backup);
    const summary = await runAgent(options());
    assert.deepEqual(summary, { jobs: 1, succeeded: 1, failed: 0, interrupted: 0 });
    assert.equal(server.seen[0]?.path, '/api/v1/agents/me/hello');
    const finished = server.finished.get(backup.id);
    assert.equal(finished?.['status'], 'succeeded');
    assert.equal(finished?.['files'], 2);
    assert.equal(finished?.['warnings'], 0);
    const points = await tv.vault.listPoints({ item: 'host-1-etc' });
    assert.deepEqual(
      points.map((p) => p.id),
      [finished?.['pointId']],
    );
    assert.equal(points[0]?.hostname, 'host-1');
    assert.ok(server.progress.length >= 1, 'progress was reported');
    assert.equal(server.seen.filter((r) => r.path.endsWith('/items')).length, 0, 'the paths came with the job');
    assert.ok(server.progress.every((p) => typeof p['filesTotal'] === 'number'));
    assert.match(lines.at(-1) ?? '', new RegExp(`^job ${backup.id}: backup of host-1-etc succeeded`));
  });

  test('runs a restore job onto this host, and reports a failing one as failed and goes on', async () => {
    const target = path.join(tv.base, 'restore-target');
    const occupied = path.join(tv.base, 'occupied');
    await mkdir(occupied, { recursive: true });
    await writeFile(path.join(occupied, 'x'), 'x');
    const failing = job('restore', 'host-1-etc', { point: 'latest', target: occupied, includes: [] });
    const restore = job('restore', 'host-1-etc', { point: 'latest', target, includes: [] });
    server.jobs.push(failing, restore);
    const summary = await runAgent(options());
    assert.deepEqual(summary, { jobs: 2, succeeded: 1, failed: 1, interrupted: 0 });
    const failed = server.finished.get(failing.id);
    assert.equal(failed?.['status'], 'failed');
    assert.match(String(failed?.['message']), /not empty.*\[INVALID_ARGUMENT\]$/);
    assert.equal(server.finished.get(restore.id)?.['status'], 'succeeded');
    assert.deepEqual(await snapshotContents(path.join(target, path.resolve(source))), expectedContents(FILES));
  });

  test('on stop, finishes the call under way, reports nothing, and the job runs again after the restart', async () => {
    await writeSourceTree(source, { ...FILES, 'var/new.bin': Buffer.alloc(150_000, 9) });
    const backup = job('backup', 'host-1-etc');
    server.jobs.push(backup);
    const stop = new AbortController();
    server.onRequest = (r) => {
      if (r.method === 'PUT') stop.abort();
    };
    const first = await runAgent(options({ stopSignal: stop.signal }));
    server.onRequest = () => undefined;
    assert.deepEqual(first, { jobs: 1, succeeded: 0, failed: 0, interrupted: 1 });
    assert.equal(server.finished.has(backup.id), false, 'nothing reported');
    assert.equal(server.openSessions, 0, 'the session was abandoned on the way out');
    assert.equal(server.jobs.find((j) => j.id === backup.id)?.status, 'running');

    const pointsBefore = (await tv.vault.listPoints()).length;
    const hellosBefore = server.hellos;
    const second = await runAgent(options());
    assert.equal(server.hellos, hellosBefore + 1);
    assert.deepEqual(second, { jobs: 1, succeeded: 1, failed: 0, interrupted: 0 });
    assert.equal(server.finished.get(backup.id)?.['status'], 'succeeded');
    assert.equal((await tv.vault.listPoints()).length, pointsBefore + 1);
  });

  test('a token the server refuses ends the daemon (exit 11)', async () => {
    const refused = options();
    await assert.rejects(
      runAgent({ ...refused, api: new ApiClient({ baseUrl: server.url, token: 'revoked', retryDelaysMs: [] }) }),
      (e: unknown) => isAmberError(e, 'UNAUTHENTICATED'),
    );
  });

  test('waits for a server it cannot reach, logging the outage once, until stopped', async () => {
    const gone = await ScriptedServer.start();
    const url = gone.url;
    await gone.stop();
    const stop = new AbortController();
    let waits = 0;
    const before = lines.length;
    const summary = await runAgent({
      ...options({ once: false, stopSignal: stop.signal }),
      api: new ApiClient({ baseUrl: url, token: 't', retryDelaysMs: [], stopSignal: stop.signal }),
      wait: (ms) => {
        assert.equal(ms, 5000);
        if (++waits === 3) stop.abort();
        return Promise.resolve();
      },
    });
    assert.deepEqual(summary, { jobs: 0, succeeded: 0, failed: 0, interrupted: 0 });
    assert.equal(waits, 3);
    assert.equal(lines.length - before, 1);
    assert.match(lines.at(-1) ?? '', /Cannot reach the Amber server .* Retrying\.$/);
  });
});
