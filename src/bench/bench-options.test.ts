import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseTools, parseBenchOptions } from './bench-options.js';

const defaults = { workDir: '/repo/.bench', amberBin: '/repo/bin/amber.js', cwd: '/here' };

describe('bench options', () => {
  it('defaults to scale 1, seed 1, one run, the repo work directory and every tool', () => {
    const options = parseBenchOptions([], defaults);
    assert.deepEqual(options, {
      sourceDir: null,
      scale: 1,
      seed: 1,
      workDir: '/repo/.bench',
      requestedTools: null,
      runs: 1,
      jsonPath: null,
      amberBin: '/repo/bin/amber.js',
      help: false,
    });
  });

  it('resolves paths against the working directory and parses lists and numbers', () => {
    const options = parseBenchOptions(
      ['--source', 'data', '--scale', '0.05', '--runs', '3', '--tools', 'restic, borg,restic', '--json', 'out.json'],
      defaults,
    );
    assert.equal(options.sourceDir, '/here/data');
    assert.equal(options.scale, 0.05);
    assert.equal(options.runs, 3);
    assert.deepEqual(options.requestedTools, ['restic', 'borg']);
    assert.equal(options.jsonPath, '/here/out.json');
  });

  it('rejects unknown options, unknown tools and unusable numbers with a stable code', () => {
    assert.throws(() => parseBenchOptions(['--fast'], defaults), { code: 'USAGE' });
    assert.throws(() => parseBenchOptions(['--tools', 'amber,kopia'], defaults), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => parseBenchOptions(['--scale', '0'], defaults), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => parseBenchOptions(['--runs', '1.5'], defaults), { code: 'INVALID_ARGUMENT' });
  });

  it('skips unavailable tools by default, saying why, but refuses them when asked for by name', () => {
    const reason = (tool: string): string | null => (tool === 'borg' ? 'borg is not on PATH' : null);
    assert.deepEqual(chooseTools(null, reason), {
      tools: ['amber', 'restic'],
      skipped: [{ tool: 'borg', reason: 'borg is not on PATH' }],
    });
    assert.throws(() => chooseTools(['amber', 'borg'], reason), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => chooseTools(null, () => 'gone'), { code: 'INVALID_ARGUMENT' });
  });
});
