import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { ApiClient } from './api-client.js';
import { RemoteStore } from './remote-store.js';
import { json, ScriptedServer, type ReceivedRequest } from './testing/scripted-server.js';

const VAULT = '/api/v1/vaults/main';

/** The object endpoints of one vault over a Map, as the contract describes them. */
function objectEndpoints(objects: Map<string, Buffer>, options: { ignoreRange?: boolean } = {}) {
  return (request: ReceivedRequest, response: ServerResponse): void => {
    const url = new URL(request.url, 'http://x');
    if (request.method === 'GET' && url.pathname === `${VAULT}/objects`) {
      const prefix = url.searchParams.get('prefix') ?? '';
      json(
        response,
        200,
        [...objects].filter(([k]) => k.startsWith(prefix)).map(([key, bytes]) => ({ key, size: bytes.length })),
      );
      return;
    }
    const put = /^\/api\/v1\/vaults\/main\/backups\/([^/]+)\/objects\/(.+)$/.exec(url.pathname);
    if (request.method === 'PUT' && put !== null) {
      const key = put[2] as string;
      const exists = objects.has(key);
      if (!exists) objects.set(key, request.body);
      json(response, 200, { key, result: exists ? 'exists' : 'stored' });
      return;
    }
    const key = url.pathname.slice(`${VAULT}/objects/`.length);
    const bytes = objects.get(key);
    if (bytes === undefined) {
      json(response, 404, { error: { code: 'NOT_FOUND', message: `${key} does not exist.` } });
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
    if (request.method === 'HEAD' || range === null || options.ignoreRange === true) {
      response.writeHead(200, { 'content-length': bytes.length }).end(request.method === 'HEAD' ? undefined : bytes);
      return;
    }
    const [start, end] = [Number(range[1]), Number(range[2])];
    if (end >= bytes.length) {
      json(response, 416, { error: { code: 'INVALID_ARGUMENT', message: 'past the end' } });
      return;
    }
    response.writeHead(206, { 'content-length': end - start + 1 }).end(bytes.subarray(start, end + 1));
  };
}

const isCode = (code: string) => (error: unknown) => isAmberError(error) && error.code === code;

describe('RemoteStore', () => {
  let server: ScriptedServer;
  let objects: Map<string, Buffer>;
  let api: ApiClient;

  before(async () => {
    server = await ScriptedServer.start();
    api = new ApiClient({ baseUrl: server.url, token: 't', retryDelaysMs: [] });
  });
  beforeEach(() => {
    objects = new Map([
      ['amber.vault', Buffer.from('header')],
      ['index/aa', Buffer.from('0123456789')],
      ['index/bb', Buffer.from('xy')],
      ['keys/k1', Buffer.from('key')],
    ]);
    server.handler = objectEndpoints(objects);
  });
  after(() => server.stop());

  test('reads whole objects, ranges, sizes and listings of its vault', async () => {
    const store = new RemoteStore(api, 'main');
    assert.deepEqual(await store.get('index/aa'), Buffer.from('0123456789'));
    assert.deepEqual(await store.getRange('index/aa', 3, 4), Buffer.from('3456'));
    assert.equal(server.received.at(-1)?.headers.range, 'bytes=3-6');
    assert.deepEqual(await store.stat('index/aa'), { key: 'index/aa', size: 10, legalHold: false });
    assert.equal(await store.has('index/bb'), true);
    assert.equal(await store.has('index/cc'), false);
    const listed: string[] = [];
    for await (const o of store.list('index/')) listed.push(`${o.key}:${o.size}`);
    assert.deepEqual(listed.sort(), ['index/aa:10', 'index/bb:2']);
  });

  test('keeps the port contract: NOT_FOUND for a missing key, INVALID_ARGUMENT past the end', async () => {
    const store = new RemoteStore(api, 'main');
    await assert.rejects(store.get('packs/00/none'), isCode('NOT_FOUND'));
    await assert.rejects(store.stat('packs/00/none'), isCode('NOT_FOUND'));
    await assert.rejects(store.getRange('index/aa', 8, 5), isCode('INVALID_ARGUMENT'));
    assert.deepEqual(await store.getRange('index/aa', 4, 0), Buffer.alloc(0));
  });

  test('takes the requested range from a server that ignores Range', async () => {
    server.handler = objectEndpoints(objects, { ignoreRange: true });
    const store = new RemoteStore(api, 'main');
    assert.deepEqual(await store.getRange('index/aa', 2, 3), Buffer.from('234'));
    await assert.rejects(store.getRange('index/aa', 9, 3), isCode('INVALID_ARGUMENT'));
  });

  test('uploads into its backup session, exactly the bytes given; a second upload is ALREADY_EXISTS', async () => {
    const store = new RemoteStore(api, 'main', { session: 'bks_1' });
    const bytes = Buffer.from('pack bytes');
    await store.put('packs/ab/abcd', bytes, { lock: { mode: 'compliance', retainUntil: 1 } });
    const seen = server.received.at(-1);
    assert.equal(seen?.method, 'PUT');
    assert.equal(seen?.url, `${VAULT}/backups/bks_1/objects/packs/ab/abcd`);
    assert.equal(seen?.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(objects.get('packs/ab/abcd'), bytes);
    await assert.rejects(store.put('packs/ab/abcd', bytes), isCode('ALREADY_EXISTS'));
  });

  test('refuses uploads without a session, and follows the session it is given', async () => {
    const store = new RemoteStore(api, 'main');
    const before = server.received.length;
    await assert.rejects(store.put('packs/ab/abcd', Buffer.from('x')), isCode('UNSUPPORTED'));
    assert.equal(server.received.length, before, 'nothing was sent');
    store.useSession('bks_2');
    await store.put('packs/ab/abcd', Buffer.from('x'));
    assert.match(server.received.at(-1)?.url ?? '', /\/backups\/bks_2\/objects\/packs\/ab\/abcd$/);
  });

  test('cannot delete, change a lock or a hold, or probe: UNSUPPORTED, nothing sent', async () => {
    const store = new RemoteStore(api, 'main', { session: 'bks_1' });
    const before = server.received.length;
    await assert.rejects(store.delete('index/aa'), isCode('UNSUPPORTED'));
    await assert.rejects(store.setLock('index/aa', undefined), isCode('UNSUPPORTED'));
    await assert.rejects(store.setLegalHold('index/aa', false), isCode('UNSUPPORTED'));
    await assert.rejects(store.probe(), isCode('UNSUPPORTED'));
    assert.equal(server.received.length, before);
    assert.equal(store.capabilities.objectLock, false);
  });

  test('refuses an invalid key before sending anything', async () => {
    const store = new RemoteStore(api, 'main');
    const before = server.received.length;
    await assert.rejects(store.get('../secrets/main.passphrase'), isCode('INVALID_ARGUMENT'));
    await assert.rejects(store.get('/etc/passwd'), isCode('INVALID_ARGUMENT'));
    assert.equal(server.received.length, before);
  });
});
