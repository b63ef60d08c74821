import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmberError } from '../core/errors.js';
import { parseS3BenchOptions } from './s3-bench-options.js';
import {
  classifyRequests,
  renderPerGbTable,
  renderStepTable,
  requestsPerGB,
  throughputMBps,
  type StepResult,
} from './s3-bench-report.js';

const step = (overrides: Partial<StepResult> = {}): StepResult => ({
  label: 'full backup',
  durationMs: 2000,
  dataBytes: 500_000_000,
  addedBytes: 300 * 1024 ** 2,
  requests: classifyRequests([
    ['PutObjectCommand', 40],
    ['ListObjectVersionsCommand', 80],
    ['HeadObjectCommand', 5],
  ]),
  lockExtensions: 0,
  ...overrides,
});

describe('S3 bench figures', () => {
  test('sorts SDK commands into request types, multipart parts as PUTs and unknown ones as other', () => {
    const counts = classifyRequests(
      new Map([
        ['PutObjectCommand', 3],
        ['UploadPartCommand', 4],
        ['PutObjectRetentionCommand', 2],
        ['PutObjectLegalHoldCommand', 1],
        ['HeadObjectCommand', 5],
        ['ListObjectVersionsCommand', 6],
        ['DeleteObjectCommand', 7],
        ['GetObjectCommand', 8],
        ['GetBucketVersioningCommand', 9],
      ]),
    );
    assert.deepEqual(counts, {
      PUT: 7,
      retention: 2,
      'legal hold': 1,
      HEAD: 5,
      LIST: 6,
      DELETE: 7,
      GET: 8,
      other: 9,
    });
  });

  test('reports throughput in MB/s and requests per GB of the data a step moved', () => {
    assert.equal(throughputMBps(step()), 250);
    assert.equal(throughputMBps(step({ dataBytes: 0 })), null);
    const perGb = requestsPerGB(step());
    assert.equal(perGb.PUT, 80);
    assert.equal(perGb.LIST, 160);
    assert.equal(perGb.GET, 0);
  });

  test('prints a row per step and per-GB rows only for the steps that moved data', () => {
    const steps = [step(), step({ label: 'incremental 1 (day +1)', dataBytes: 0, lockExtensions: 3 })];
    const table = renderStepTable(steps);
    const lines = table.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /^step +time s +MB\/s +added MiB +PUT +retention +legal hold +HEAD +LIST/);
    assert.match(lines[2] ?? '', /^full backup +2\.00 +250\.0 +300\.0 +40 +0 +0 +5 +80 +0 +0 +0 +0$/);
    assert.match(lines[3] ?? '', /^incremental 1 \(day \+1\) +2\.00 +— +300\.0 .* 3$/);
    const perGb = renderPerGbTable(steps).split('\n');
    assert.equal(perGb.length, 3);
    assert.match(perGb[2] ?? '', /^full backup +80 +0\.0 +0\.0 +10 +160 +0\.0 +0\.0 +0\.0$/);
  });

  test('parses its options with defaults small enough for a quick run', () => {
    const options = parseS3BenchOptions([], { workDir: '/w', cwd: '/c' });
    assert.deepEqual(options, {
      scale: 0.25,
      seed: 1,
      workDir: '/w',
      incrementals: 5,
      changePct: 1,
      daysBetween: 2,
      jsonPath: null,
      help: false,
    });
    const custom = parseS3BenchOptions(['--scale', '0.2', '--incrementals', '3', '--json', 'out.json'], {
      workDir: '/w',
      cwd: '/c',
    });
    assert.equal(custom.scale, 0.2);
    assert.equal(custom.incrementals, 3);
    assert.equal(custom.jsonPath, '/c/out.json');
  });

  test('refuses a bad value and an unknown option, naming them', () => {
    assert.throws(
      () => parseS3BenchOptions(['--change', '101'], { workDir: '/w', cwd: '/c' }),
      (error: unknown) =>
        error instanceof AmberError && error.code === 'INVALID_ARGUMENT' && /--change/.test(error.message),
    );
    assert.throws(
      () => parseS3BenchOptions(['--bucket', 'x'], { workDir: '/w', cwd: '/c' }),
      (error: unknown) => error instanceof AmberError && error.code === 'USAGE',
    );
  });
});
