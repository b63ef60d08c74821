import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import fastify, { type FastifyInstance } from 'fastify';
import { CONSOLE_CSP, CONSOLE_NOT_BUILT, defaultConsoleDir, mountConsole } from './console-static.js';

const INDEX =
  '<!doctype html><title>Amber console</title><script type="module" src="/assets/index-abc123.js"></script>';

/** A bare app with the server's JSON 404 and one API route, the console mounted as createApp mounts it. */
async function appWith(dir: string): Promise<FastifyInstance> {
  const app = fastify({ logger: false });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `There is no endpoint ${request.method} ${request.url}.` } });
  });
  app.get('/api/v1/ping', (_request, reply) => reply.send({ pong: true }));
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));
  await mountConsole(app, dir);
  await app.ready();
  return app;
}

describe('the console served by the server', () => {
  let root: string;
  let app: FastifyInstance;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'amber-console-static-'));
    await mkdir(path.join(root, 'console', 'assets'), { recursive: true });
    await writeFile(path.join(root, 'console', 'index.html'), INDEX);
    await writeFile(path.join(root, 'console', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(root, 'console', 'assets', 'index-abc123.js'), 'console.log(1);');
    app = await appWith(path.join(root, 'console'));
  });

  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict Content-Security-Policy and no caching', async () => {
    const answer = await app.inject({ method: 'GET', url: '/' });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.body, INDEX);
    assert.match(String(answer.headers['content-type']), /^text\/html/);
    assert.equal(answer.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(CONSOLE_CSP, /^default-src 'self'/);
    assert.equal(answer.headers['cache-control'], 'no-cache');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['x-frame-options'], 'DENY');
  });

  it('serves hashed assets with immutable caching', async () => {
    const answer = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.body, 'console.log(1);');
    assert.match(String(answer.headers['content-type']), /javascript/);
    assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(answer.headers['content-security-policy'], CONSOLE_CSP);
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('answers index.html for any page path, so the console routes it (SPA fallback)', async () => {
    for (const url of ['/vaults', '/vaults/default/points', '/audit?vault=default', '/approvals/']) {
      const answer = await app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 200, url);
      assert.equal(answer.body, INDEX, url);
      assert.equal(answer.headers['cache-control'], 'no-cache', url);
    }
  });

  it('keeps the JSON 404 for unknown API paths and missing files, and leaves other routes alone', async () => {
    for (const url of ['/api/v1/nothing-here', '/api', '/assets/index-gone999.js', '/robots.txt']) {
      const answer = await app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 404, url);
      assert.equal(answer.json<{ error: { code: string } }>().error.code, 'NOT_FOUND', url);
    }
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/ping' })).json(), { pong: true });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
    const post = await app.inject({ method: 'POST', url: '/vaults' });
    assert.equal(post.statusCode, 404);
  });

  it('refuses paths that climb out of the console directory', async () => {
    await writeFile(path.join(root, 'secret.txt'), 'secret');
    for (const url of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt']) {
      const answer = await app.inject({ method: 'GET', url });
      assert.notEqual(answer.body, 'secret', url);
    }
  });

  it('says the console was not built when its directory is missing, and the API still runs', async () => {
    const bare = await appWith(path.join(root, 'missing'));
    try {
      const answer = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.body, CONSOLE_NOT_BUILT);
      assert.match(String(answer.headers['content-type']), /^text\/plain/);
      assert.equal((await bare.inject({ method: 'GET', url: '/api/v1/ping' })).statusCode, 200);
      assert.equal((await bare.inject({ method: 'GET', url: '/vaults' })).statusCode, 404);
    } finally {
      await bare.close();
    }
  });

  it('finds <package root>/dist/console from a module in dist/server or dist/bundle', async () => {
    const pkg = path.join(root, 'pkg');
    await mkdir(path.join(pkg, 'dist', 'bundle'), { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), '{}');
    const fromBundle = pathToFileURL(path.join(pkg, 'dist', 'bundle', 'chunk-X.js')).href;
    const fromServer = pathToFileURL(path.join(pkg, 'dist', 'server', 'start-server.js')).href;
    assert.equal(await defaultConsoleDir(fromBundle), path.join(pkg, 'dist', 'console'));
    assert.equal(await defaultConsoleDir(fromServer), path.join(pkg, 'dist', 'console'));
  });
});
