import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorKind, KIND_OUTCOMES } from '../core/error-catalog.js';
import { isAmberError, type AmberError } from '../core/errors.js';
import { ApiClient, normalizeBaseUrl } from './api-client.js';
import { json, ScriptedServer } from './testing/scripted-server.js';

async function failure(work: Promise<unknown>): Promise<AmberError> {
  try {
    await work;
  } catch (error) {
    assert.ok(isAmberError(error), `expected an AmberError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const exitOf = (error: AmberError): number => KIND_OUTCOMES[errorKind(error.code)].exit;

describe('ApiClient', () => {
  let server: ScriptedServer;
  let api: ApiClient;

  before(async () => {
    server = await ScriptedServer.start();
    api = new ApiClient({ baseUrl: `${server.url}/`, token: 'tok-secret', retryDelaysMs: [0, 0] });
  });
  after(() => server.stop());

  test('sends the bearer token, a JSON body and the query (undefined values left out)', async () => {
    server.handler = (_request, response) => json(response, 201, { ok: true });
    const answer = await api.request<{ ok: boolean }>('POST', '/api/v1/x', {
      query: { item: 'a b', limit: 3, none: undefined, flag: false },
      body: { name: 'n' },
    });
    assert.deepEqual(answer, { ok: true });
    const seen = server.received.at(-1);
    assert.equal(seen?.url, '/api/v1/x?item=a+b&limit=3&flag=false');
    assert.equal(seen?.headers.authorization, 'Bearer tok-secret');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen?.body.toString() ?? ''), { name: 'n' });
  });

  test('sends a binary body as application/octet-stream, byte for byte', async () => {
    server.handler = (_request, response) => json(response, 200, { stored: true });
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    await api.request('PUT', '/api/v1/up', { raw: bytes.subarray(1, 4) });
    const seen = server.received.at(-1);
    assert.equal(seen?.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(seen?.body, Buffer.from([1, 2, 255]));
  });

  test('returns undefined for 204 No Content', async () => {
    server.handler = (_request, response) => response.writeHead(204).end();
    assert.equal(await api.request('POST', '/api/v1/agents/me/jobs/claim'), undefined);
  });

  test("turns an error answer into the server's AmberError: code, message, details and so the exit code", async () => {
    server.handler = (_request, response) =>
      json(response, 409, {
        error: { code: 'RETENTION_ACTIVE', message: 'Point p is retained until 2030.', details: { until: 1 } },
      });
    const error = await failure(api.request('DELETE', '/api/v1/vaults/default/points/p'));
    assert.equal(error.code, 'RETENTION_ACTIVE');
    assert.equal(error.message, 'Point p is retained until 2030.');
    assert.deepEqual(error.details, { until: 1 });
    assert.equal(exitOf(error), 10);
  });

  test('an approval-required answer (428) exits 12, a permission refusal 11', async () => {
    server.handler = (_request, response) =>
      json(response, 428, { error: { code: 'APPROVAL_REQUIRED', message: 'needs 2 approvals; request apr_1' } });
    const approval = await failure(api.request('POST', '/api/v1/vaults/default/immutability/disable'));
    assert.equal(approval.code, 'APPROVAL_REQUIRED');
    assert.equal(exitOf(approval), 12);
    server.handler = (_request, response) =>
      json(response, 403, { error: { code: 'PERMISSION_DENIED', message: 'Agent a may not delete points.' } });
    assert.equal(exitOf(await failure(api.request('DELETE', '/api/v1/vaults/default/points/p'))), 11);
  });

  test('an unknown code keeps the meaning of its status, or is a server that answered badly', async () => {
    server.handler = (_request, response) => json(response, 403, { error: { code: 'NEWER_CODE', message: 'no' } });
    const denied = await failure(api.request('GET', '/api/v1/x'));
    assert.equal(denied.code, 'PERMISSION_DENIED');
    assert.equal(denied.details['serverCode'], 'NEWER_CODE');
    server.handler = (_request, response) =>
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    const proxy = await failure(api.request('GET', '/api/v1/x'));
    assert.equal(proxy.code, 'SERVER_UNREACHABLE');
    assert.match(proxy.message, /HTTP 502/);
    assert.equal(exitOf(proxy), 1);
  });

  test('a HEAD answer without a body maps by its status', async () => {
    server.handler = (_request, response) => response.writeHead(404).end();
    assert.equal((await failure(api.send('HEAD', '/api/v1/vaults/v/objects/k'))).code, 'NOT_FOUND');
  });

  test('an answer that is not JSON where JSON was expected is SERVER_UNREACHABLE', async () => {
    server.handler = (_request, response) => response.writeHead(200).end('hello');
    assert.equal((await failure(api.request('GET', '/api/v1/x'))).code, 'SERVER_UNREACHABLE');
  });

  test('retries a GET that got no answer, and succeeds when the server answers again', async () => {
    let dropped = 0;
    server.handler = (_request, response) => {
      if (dropped++ < 2) response.socket?.destroy();
      else json(response, 200, { ok: 1 });
    };
    const before = server.received.length;
    assert.deepEqual(await api.request('GET', '/api/v1/retry'), { ok: 1 });
    assert.equal(server.received.length - before, 3);
  });

  test('gives up after its bounded retries, naming the server', async () => {
    server.handler = (_request, response) => response.socket?.destroy();
    const before = server.received.length;
    const error = await failure(api.request('GET', '/api/v1/down'));
    assert.equal(error.code, 'SERVER_UNREACHABLE');
    assert.match(error.message, new RegExp(server.url.replace(/[.]/g, '\\.')));
    assert.equal(server.received.length - before, 3, 'one attempt and two retries');
  });

  test('never retries a POST on its own (it may have taken effect)', async () => {
    server.handler = (_request, response) => response.socket?.destroy();
    const before = server.received.length;
    assert.equal((await failure(api.request('POST', '/api/v1/once', { body: {} }))).code, 'SERVER_UNREACHABLE');
    assert.equal(server.received.length - before, 1);
  });

  test('a refused connection is SERVER_UNREACHABLE with the URL, never the token', async () => {
    const closed = await ScriptedServer.start();
    const url = closed.url;
    await closed.stop();
    const error = await failure(
      new ApiClient({ baseUrl: url, token: 'tok-secret', retryDelaysMs: [] }).request('GET', '/x'),
    );
    assert.equal(error.code, 'SERVER_UNREACHABLE');
    assert.match(error.message, new RegExp(`Cannot reach the Amber server at ${url.replace(/[.]/g, '\\.')}`));
    assert.doesNotMatch(error.message, /tok-secret/);
  });

  test('once stopped, sends nothing new (INTERRUPTED) unless asked to', async () => {
    const stop = new AbortController();
    const stopping = new ApiClient({ baseUrl: server.url, token: 't', stopSignal: stop.signal });
    server.handler = (_request, response) => json(response, 200, {});
    stop.abort();
    const before = server.received.length;
    assert.equal((await failure(stopping.request('GET', '/api/v1/x'))).code, 'INTERRUPTED');
    assert.equal(server.received.length, before);
    await stopping.request('DELETE', '/api/v1/cleanup', { sendWhileStopping: true });
    assert.equal(server.received.length, before + 1);
  });

  test('accepts only plain http(s) server URLs', () => {
    assert.equal(normalizeBaseUrl('http://127.0.0.1:8420/'), 'http://127.0.0.1:8420');
    assert.equal(normalizeBaseUrl('https://backup.example/amber/'), 'https://backup.example/amber');
    for (const bad of ['127.0.0.1:8420', 'ftp://x', 'http://u:p@x', 'http://x/?a=1', 'nonsense']) {
      assert.throws(
        () => normalizeBaseUrl(bad),
        (e: unknown) => isAmberError(e, 'USAGE'),
        bad,
      );
    }
  });
});
