import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from './testing/amber-server.js';
import { makeTempDir, removeTree, runTool } from './testing/temp-dir.js';

function getJson(url: string, ca: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

describe('amber server over HTTPS', () => {
  let root: string;
  let server: ServerProcess;
  let cert: Buffer;

  before(async () => {
    root = await makeTempDir('server-tls');
    const key = path.join(root, 'key.pem');
    const certFile = path.join(root, 'cert.pem');
    await runTool('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    cert = await readFile(certFile);
    server = await startServerProcess({ dataDir: path.join(root, 'data'), config: { tls: { cert: certFile, key } } });
  });

  after(async () => {
    await server.stop();
    await removeTree(root);
  });

  it('serves the API over TLS with the given certificate', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await getJson(`${server.url}/healthz`, cert);
    assert.deepEqual(health, { status: 200, body: { status: 'ok' } });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await assert.rejects(getJson(`${server.url}/healthz`, Buffer.from('')), /self-signed|certificate/i);
  });
});
