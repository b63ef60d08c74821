import assert from 'node:assert/strict';
import { lstat } from 'node:fs/promises';
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
import { HttpVaultService } from './http-vault-service.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { json, ScriptedServer } from './testing/scripted-server.js';

const FILES = {
  'a.txt': 'alpha\n',
  'docs/b.bin': Buffer.alloc(300_000, 7),
  'docs/deeper/c.txt': 'gamma gamma gamma\n',
};

/** The modification times of a path's ancestors, as one string. */
async function ancestorTimes(of: string): Promise<string> {
  const times: string[] = [];
  for (let dir = path.dirname(of); ; dir = path.dirname(dir)) {
    times.push(String((await lstat(dir, { bigint: true })).mtimeNs));
    if (path.dirname(dir) === dir) return times.join(' ');
  }
}

describe('HttpVaultService: backup and restore run the engine here, through the server', () => {
  let tv: TestVault;
  let server: FakeVaultServer;
  let source: string;

  const client = (passphrase = PASSPHRASE, cacheDir = path.join(tv.base, 'client-cache')): HttpVaultService =>
    new HttpVaultService({
      api: new ApiClient({ baseUrl: server.url, token: 'tok', retryDelaysMs: [] }),
      vault: 'default',
      clock: tv.clock,
      cacheDir,
      passphrase: () => Promise.resolve(passphrase),
      workerCount: 1,
    });

  before(async () => {
    tv = await makeTestVault('http-client');
    server = await FakeVaultServer.start(tv.vault, 'tok');
    source = path.join(tv.base, 'source');
    await writeSourceTree(source, FILES);
  });
  after(async () => {
    await server.stop();
    await tv.dispose();
  });

  test('backs up a tree, commits it on the server, and restores it bit-exactly on this host', async () => {
    const outcome = await client().backup({ item: 'web', paths: [source], retainDays: 0, hostname: 'host-a' });
    assert.equal(outcome.stats.files, 3);
    assert.deepEqual(outcome.warnings, []);
    assert.equal(outcome.point.item, 'web');
    assert.deepEqual(outcome.point.paths, [path.resolve(source)]);
    assert.ok(outcome.stats.addedBytes > 0);
    const listed = await tv.vault.listPoints();
    assert.deepEqual(
      listed.map((p) => p.id),
      [outcome.point.id],
      'the point is in the vault',
    );
    assert.equal(server.openSessions, 0, 'the session ended with the commit');

    const target = path.join(tv.base, 'restored');
    const restored = await client().restore({ ref: outcome.point.id.slice(0, 10), target, includes: [] });
    assert.equal(restored.pointId, outcome.point.id);
    assert.equal(restored.files, 3);
    assert.deepEqual(await snapshotContents(path.join(target, path.resolve(source))), expectedContents(FILES));
    assert.equal((await tv.vault.verify({ readData: true })).problems.length, 0);
  });

  test('a second backup of the same tree uploads nothing new and reads no file again', async () => {
    const first = await client().backup({ item: 'web', paths: [source], retainDays: 0, hostname: 'host-a' });
    assert.equal(first.stats.filesFromCache, 3);
    // Only the trees of the ancestors changed (the restore above added a directory beside the source).
    assert.ok(first.stats.addedBytes < 4096, `${first.stats.addedBytes} bytes added`);
    const before = server.seen.filter((r) => r.method === 'PUT').length;
    const ancestorsBefore = await ancestorTimes(source);
    const second = await client().backup({ item: 'web', paths: [source], retainDays: 0, hostname: 'host-a' });
    assert.equal(second.stats.filesFromCache, 3);
    // Tests running beside this one create directories in the temp directory, an ancestor of the
    // source: when one did meanwhile, that ancestor's tree is new, and only trees are uploaded.
    if (ancestorsBefore === (await ancestorTimes(source))) {
      assert.equal(second.stats.addedBytes, 0);
      assert.equal(server.seen.filter((r) => r.method === 'PUT').length, before, 'no upload at all');
    } else {
      assert.ok(second.stats.addedBytes < 4096, `${second.stats.addedBytes} bytes added`);
    }
  });

  test("without paths, backs up the item's paths as the server lists them", async () => {
    await tv.vault.createPolicy({ name: 'p1', retention: { kind: 'simple', keepDays: 1 } });
    await tv.vault.addItem({ name: 'docs', policy: 'p1', paths: [path.join(source, 'docs')] });
    const outcome = await client().backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'h' });
    assert.equal(outcome.stats.files, 2);
    assert.deepEqual(outcome.point.paths, [path.join(source, 'docs')]);
    await assert.rejects(client().backup({ item: 'nothing', paths: [], retainDays: 0, hostname: 'h' }), (e: unknown) =>
      isAmberError(e, 'USAGE'),
    );
  });

  test('a backup that fails after the session opened abandons the session at once', async () => {
    const deletesBefore = server.seen.filter((r) => r.method === 'DELETE').length;
    await assert.rejects(
      client('wrong passphrase').backup({ item: 'web', paths: [source], retainDays: 0, hostname: 'h' }),
      (e: unknown) => isAmberError(e, 'WRONG_PASSWORD'),
    );
    assert.equal(server.seen.filter((r) => r.method === 'DELETE').length, deletesBefore + 1);
    assert.equal(server.openSessions, 0);
  });

  test('refuses an invalid item name or retention before contacting the server', async () => {
    const before = server.seen.length;
    await assert.rejects(
      client().backup({ item: '../x', paths: [source], retainDays: 0, hostname: 'h' }),
      (e: unknown) => isAmberError(e, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(
      client().backup({ item: 'web', paths: [source], retainDays: -1, hostname: 'h' }),
      (e: unknown) => isAmberError(e, 'INVALID_ARGUMENT'),
    );
    assert.equal(server.seen.length, before);
  });
});

describe('HttpVaultService: every other call is one REST call', () => {
  let server: ScriptedServer;
  let service: HttpVaultService;
  let answer: unknown = {};

  before(async () => {
    server = await ScriptedServer.start((_request, response) => json(response, 200, answer));
    service = new HttpVaultService({
      api: new ApiClient({ baseUrl: server.url, token: 'tok' }),
      vault: 'v1',
      clock: { nowMs: () => 0, monotonicMs: () => 0 },
      cacheDir: '/nonexistent',
      passphrase: () => Promise.reject(new Error('no passphrase is needed')),
    });
  });
  after(() => server.stop());

  const last = () => {
    const r = server.received.at(-1);
    assert.ok(r !== undefined);
    return {
      method: r.method,
      url: r.url,
      body: r.body.length === 0 ? undefined : (JSON.parse(r.body.toString()) as unknown),
    };
  };

  test('maps calls to the endpoints of the contract', async () => {
    const cases: [() => Promise<unknown>, string, string, unknown][] = [
      [() => service.listPoints({ item: 'web' }), 'GET', '/api/v1/vaults/v1/points?item=web', undefined],
      [() => service.resolvePoint('latest', 'a b'), 'GET', '/api/v1/vaults/v1/points/latest?item=a+b', undefined],
      [() => service.listFiles('abc', '/etc'), 'GET', '/api/v1/vaults/v1/points/abc/files?path=%2Fetc', undefined],
      [() => service.verify({ readData: true }), 'POST', '/api/v1/vaults/v1/verify', { readData: true }],
      [() => service.runMaintenance({ dryRun: true }), 'POST', '/api/v1/vaults/v1/maintenance', { dryRun: true }],
      [() => service.rebuildCatalog(), 'POST', '/api/v1/vaults/v1/catalog/rebuild', undefined],
      [() => service.stopItem('web', true), 'POST', '/api/v1/vaults/v1/items/web/stop', { deleteData: true }],
      [() => service.setLegalHold('abc', 'case 7'), 'POST', '/api/v1/vaults/v1/points/abc/hold', { reason: 'case 7' }],
      [() => service.releaseLegalHold('abc'), 'DELETE', '/api/v1/vaults/v1/points/abc/hold', undefined],
      [
        () => service.deletePoint('abc', { bypassGovernance: true }),
        'DELETE',
        '/api/v1/vaults/v1/points/abc?bypassGovernance=true',
        undefined,
      ],
      [
        () => service.lockImmutability({ coolingOffMs: 90 * 60_000, confirmedIrreversible: false }),
        'POST',
        '/api/v1/vaults/v1/immutability/lock',
        { coolingOffHours: 1.5, confirmedIrreversible: false },
      ],
      [
        () => service.setVaultOptions({ minRetentionDays: null }),
        'PATCH',
        '/api/v1/vaults/v1',
        { minRetentionDays: null },
      ],
      [
        () => service.updatePolicy('p 1', { schedule: null }),
        'PATCH',
        '/api/v1/vaults/v1/policies/p%201',
        { schedule: null },
      ],
      [
        () => service.addKey('s3cret', 'laptop'),
        'POST',
        '/api/v1/vaults/v1/keys',
        { passphrase: 's3cret', label: 'laptop' },
      ],
      [() => service.removeKey('k1'), 'DELETE', '/api/v1/vaults/v1/keys/k1', undefined],
      [() => service.deleteVault(), 'DELETE', '/api/v1/vaults/v1', undefined],
      [() => service.verifyAudit(), 'GET', '/api/v1/vaults/v1/audit/verify', undefined],
      [
        () => service.listAudit({ afterSeq: 3, limit: 5, outcome: 'refused' }),
        'GET',
        '/api/v1/vaults/v1/audit?afterSeq=3&limit=5&outcome=refused',
        undefined,
      ],
    ];
    for (const [call, method, url, body] of cases) {
      answer = { id: 'x' };
      await call();
      assert.deepEqual(last(), { method, url, body }, url);
    }
  });

  test("paths of an item backed up here are made absolute; an agent's are sent as given", async () => {
    answer = { name: 'web', policy: 'p', paths: [], state: 'protected', createdAt: 1, agent: null };
    await service.addItem({ name: 'web', policy: 'p', paths: ['rel/dir'] });
    assert.deepEqual(last().body, { name: 'web', policy: 'p', paths: [path.resolve('rel/dir')] });
    await service.addItem({ name: 'web', policy: 'p', paths: ['/srv/www'], agent: 'host-1' });
    assert.deepEqual(last().body, { name: 'web', policy: 'p', paths: ['/srv/www'], agent: 'host-1' });
  });

  test('answers keep exactly the fields of the vault service (same --json as embedded)', async () => {
    answer = {
      name: 'v1',
      kind: 'local',
      location: '/srv',
      points: 3,
      sizeBytes: 9,
      vaultId: 'vid',
      state: 'enabled',
      storageLockMode: 'governance',
      lockGenerationDays: 10,
    };
    assert.deepEqual(await service.showVault(), {
      vaultId: 'vid',
      state: 'enabled',
      storageLockMode: 'governance',
      lockGenerationDays: 10,
    });
    answer = [{ name: 'web', policy: 'p', paths: ['/a'], state: 'protected', createdAt: 5, agent: 'h', points: 2 }];
    assert.deepEqual(await service.listItems(), [
      { name: 'web', policy: 'p', paths: ['/a'], state: 'protected', createdAt: 5 },
    ]);
  });

  test('sends every audit filter to the server, times in ISO-8601', async () => {
    answer = [{ seq: 2, at: 20, target: 'b' }];
    const events = await service.listAudit({ target: 'b', untilAt: 40, sinceAt: 20, limit: 1 });
    assert.deepEqual(
      events.map((e) => e.seq),
      [2],
    );
    const query = new URLSearchParams(last().url.split('?')[1]);
    assert.equal(query.get('target'), 'b');
    assert.equal(query.get('limit'), '1');
    assert.equal(query.get('since'), '1970-01-01T00:00:00.020Z');
    assert.equal(query.get('until'), '1970-01-01T00:00:00.040Z');
  });
});
