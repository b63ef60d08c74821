import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { AmberError, isAmberError } from '../core/errors.js';
import { FakeClock } from '../core/testing/fake-clock.js';
import { parseS3Config, s3ConfigFromEnv, type S3StoreConfig } from './s3-config.js';
import { isS3NotFound, translateS3Error } from './s3-errors.js';
import { S3Store } from './s3-store.js';
import { rejectsWithCode } from './testing/conformance-support.js';

const ENV = {
  AMBER_S3_ENDPOINT: 'http://127.0.0.1:7480/',
  AMBER_S3_ACCESS_KEY_ID: 'AKEXAMPLE',
  AMBER_S3_SECRET_ACCESS_KEY: 'very-secret-value-0123456789',
  AMBER_S3_BUCKET: 'amber-vault',
};

describe('S3 settings', () => {
  it('reads the settings from a plain object of variables, with defaults and a normalized prefix', () => {
    const config = s3ConfigFromEnv({ ...ENV, AMBER_S3_PREFIX: '/vaults/v1/' });
    assert.equal(config.endpoint, 'http://127.0.0.1:7480');
    assert.equal(config.region, 'us-east-1');
    assert.equal(config.bucket, 'amber-vault');
    assert.equal(config.prefix, 'vaults/v1/');
    assert.equal(config.forcePathStyle, true);
    assert.equal(config.secretAccessKey.reveal(), ENV.AMBER_S3_SECRET_ACCESS_KEY);
    assert.equal(s3ConfigFromEnv(ENV).prefix, '');
  });

  it('lets overrides win over the variables', () => {
    const config = s3ConfigFromEnv(ENV, { bucket: 'other-bucket', prefix: 'p', forcePathStyle: 'false' });
    assert.equal(config.bucket, 'other-bucket');
    assert.equal(config.prefix, 'p/');
    assert.equal(config.forcePathStyle, false);
  });

  it('reports every problem at once, naming the variables', () => {
    const error = rejectsSync(() =>
      s3ConfigFromEnv({ AMBER_S3_ENDPOINT: 'ftp://x', AMBER_S3_BUCKET: 'Bad_Bucket', AMBER_S3_PREFIX: '../up' }),
    );
    assert.equal(error.code, 'INVALID_ARGUMENT');
    const problems = error.details['problems'] as string[];
    assert.equal(problems.length, 5, problems.join('\n'));
    for (const part of ['AMBER_S3_ACCESS_KEY_ID', 'AMBER_S3_SECRET_ACCESS_KEY', 'ftp://x', 'Bad_Bucket', '../up']) {
      assert.match(error.message, new RegExp(part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    }
  });

  it('names settings rather than variables when parsing a config object', () => {
    const error = rejectsSync(() => parseS3Config({ endpoint: 'http://h', bucket: 'abc', accessKeyId: 'k' }));
    assert.match(error.message, /secretAccessKey is not set/);
    assert.doesNotMatch(error.message, /AMBER_S3/);
  });

  it('never prints the secret key', () => {
    const config = s3ConfigFromEnv(ENV);
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 }), String(config.secretAccessKey)]) {
      assert.ok(!shown.includes(ENV.AMBER_S3_SECRET_ACCESS_KEY), shown);
    }
  });
});

describe('S3 error mapping', () => {
  const metadata = (status: number): { httpStatusCode: number } => ({ httpStatusCode: status });
  const service = (name: string, status: number, message = ''): S3ServiceException =>
    new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: metadata(status), message });
  const codeOf = (error: unknown): string => translateS3Error(error, 'get', 'packs/ab', 's3://b/').code;

  it('maps missing keys and versions to NOT_FOUND, but a missing bucket to STORAGE_MISCONFIGURED', () => {
    assert.equal(codeOf(new NoSuchKey({ message: 'x', $metadata: metadata(404) })), 'NOT_FOUND');
    assert.equal(codeOf(new NotFound({ message: 'x', $metadata: metadata(404) })), 'NOT_FOUND');
    assert.equal(codeOf(service('NoSuchVersion', 404)), 'NOT_FOUND');
    const bucket = new NoSuchBucket({ message: 'x', $metadata: metadata(404) });
    assert.equal(isS3NotFound(bucket), false);
    assert.equal(codeOf(bucket), 'STORAGE_MISCONFIGURED');
  });

  it('maps refused credentials to STORAGE_ACCESS_DENIED and bucket settings to STORAGE_MISCONFIGURED', () => {
    for (const name of ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'RequestTimeTooSkewed']) {
      assert.equal(codeOf(service(name, 403)), 'STORAGE_ACCESS_DENIED', name);
    }
    for (const name of ['InvalidRequest', 'InvalidBucketState', 'ObjectLockConfigurationNotFoundError']) {
      assert.equal(codeOf(service(name, 400)), 'STORAGE_MISCONFIGURED', name);
    }
  });

  it('maps bad arguments, quota and transient failures, keeping the cause and the S3 code', () => {
    assert.equal(
      codeOf(service('InvalidArgument', 400, 'the retain-until date must be in the future')),
      'INVALID_ARGUMENT',
    );
    assert.equal(codeOf(service('InvalidRange', 416)), 'INVALID_ARGUMENT');
    assert.equal(codeOf(service('QuotaExceeded', 403)), 'STORAGE_FULL');
    const cause = service('SlowDown', 503);
    const translated = translateS3Error(cause, 'put', 'packs/ab', 's3://b/');
    assert.equal(translated.code, 'STORAGE_ERROR');
    assert.equal(translated.cause, cause);
    assert.equal(translated.details['transient'], true);
    assert.equal(translated.details['s3Code'], 'SlowDown');
    assert.match(translated.message, /s3:\/\/b\/ failed to put packs\/ab \(a transient failure/);
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(translateS3Error(network, 'get', 'k', 's3://b/').details['transient'], true);
  });

  it('keeps the message of the server but drops the empty ones Ceph sends', () => {
    const said = translateS3Error(service('InvalidArgument', 400, 'date in the past'), 'lock', 'k', 's3://b/');
    assert.match(said.message, /InvalidArgument \(HTTP 400\): date in the past/);
    const empty = translateS3Error(service('MalformedXML', 400, 'UnknownError'), 'lock', 'k', 's3://b/');
    assert.doesNotMatch(empty.message, /UnknownError/);
  });

  it('passes AmberErrors through unchanged', () => {
    const original = new AmberError('OBJECT_LOCKED', 'locked');
    assert.equal(translateS3Error(original, 'delete', 'k', 's3://b/'), original);
  });
});

describe('S3Store against a scripted HTTP server', () => {
  let server: Server;
  let config: S3StoreConfig;
  let handler: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
  let requests = 0;

  before(async () => {
    server = createServer((request, response) => {
      requests++;
      request.resume();
      request.on('end', () => handler(request, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    config = s3ConfigFromEnv({ ...ENV, AMBER_S3_ENDPOINT: `http://127.0.0.1:${String(port)}` });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const answer = (response: ServerResponse, status: number, body: string): void => {
    response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
  const s3Error = (code: string): string =>
    `<?xml version="1.0"?><Error><Code>${code}</Code><Message></Message></Error>`;

  it('retries a 503 in the SDK and then returns the bytes, counting one request', async () => {
    requests = 0;
    let reads = 0;
    handler = (request, response) => {
      // The version Amber wrote is found in the version list first, then read by its id.
      if (request.url?.includes('versions') === true) {
        answer(
          response,
          200,
          '<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><Name>amber-vault</Name>' +
            '<IsTruncated>false</IsTruncated><Version><Key>packs/ab</Key><VersionId>v1</VersionId>' +
            '<IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>7</Size>' +
            '</Version></ListVersionsResult>',
        );
        return;
      }
      assert.match(request.url ?? '', /versionId=v1/);
      if (++reads === 1) answer(response, 503, s3Error('SlowDown'));
      else answer(response, 200, 'payload');
    };
    const store = new S3Store(config, new FakeClock(), { maxAttempts: 3 });
    assert.equal((await store.get('packs/ab')).toString(), 'payload');
    assert.equal(reads, 2);
    assert.deepEqual(Object.fromEntries(store.requestCounts), { ListObjectVersionsCommand: 1, GetObjectCommand: 1 });
    await store.close();
  });

  it('gives up after maxAttempts with a transient STORAGE_ERROR', async () => {
    requests = 0;
    handler = (_request, response) => {
      answer(response, 500, s3Error('InternalError'));
    };
    const store = new S3Store(config, new FakeClock(), { maxAttempts: 2 });
    const error = await rejectsWithCode(store.stat('packs/ab'), 'STORAGE_ERROR');
    assert.equal(error.details['transient'], true);
    assert.equal(requests, 2);
    await store.close();
  });

  it('maps an AccessDenied listing to STORAGE_ACCESS_DENIED without retrying it', async () => {
    requests = 0;
    handler = (_request, response) => {
      answer(response, 403, s3Error('AccessDenied'));
    };
    const store = new S3Store(config, new FakeClock(), { maxAttempts: 3 });
    await rejectsWithCode(store.has('packs/ab'), 'STORAGE_ACCESS_DENIED');
    assert.equal(requests, 1);
    await store.close();
  });

  it('refuses invalid keys and past locks before sending anything', async () => {
    requests = 0;
    const clock = new FakeClock();
    const store = new S3Store(config, clock);
    await rejectsWithCode(store.put('../escape', Buffer.from('x')), 'INVALID_ARGUMENT');
    const past = { mode: 'governance', retainUntil: clock.nowMs() - 1 } as const;
    await rejectsWithCode(store.put('k', Buffer.from('x'), { lock: past }), 'INVALID_ARGUMENT');
    await rejectsWithCode(store.getRange('k', -1, 1), 'INVALID_ARGUMENT');
    assert.equal(requests, 0);
    await store.close();
  });

  it('refuses writes in a point-in-time view with UNSUPPORTED', async () => {
    const store = new S3Store(config, new FakeClock(), { asOf: 1_767_225_600_000 });
    await rejectsWithCode(store.put('k', Buffer.from('x')), 'UNSUPPORTED');
    await rejectsWithCode(store.delete('k'), 'UNSUPPORTED');
    await rejectsWithCode(store.setLegalHold('k', true), 'UNSUPPORTED');
    assert.equal(store.location, 's3://amber-vault/');
    assert.deepEqual(store.capabilities.enforcement, ['s3-object-lock']);
    await store.close();
  });
});

function rejectsSync(fn: () => unknown): AmberError {
  try {
    fn();
  } catch (error) {
    assert.ok(isAmberError(error), String(error));
    return error;
  }
  assert.fail('expected an AmberError');
}
