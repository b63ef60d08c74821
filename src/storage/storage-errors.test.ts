import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmberError, isAmberError } from '../core/errors.js';
import { assertValidKey, assertValidPrefix, objectLocked, translateFsError } from './storage-errors.js';

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('translateFsError', () => {
  const cases: [string, string][] = [
    ['ENOENT', 'NOT_FOUND'],
    ['EEXIST', 'ALREADY_EXISTS'],
    ['ENOSPC', 'STORAGE_FULL'],
    ['EDQUOT', 'STORAGE_FULL'],
    ['EACCES', 'STORAGE_ERROR'],
    ['EPERM', 'STORAGE_ERROR'],
    ['EROFS', 'STORAGE_ERROR'],
    ['ENAMETOOLONG', 'INVALID_ARGUMENT'],
    ['EIO', 'STORAGE_ERROR'],
  ];
  for (const [errno, code] of cases) {
    it(`translates ${errno} into ${code}, keeping the cause`, () => {
      const cause = fsError(errno);
      const error = translateFsError(cause, 'packs/ab/abc', 'put');
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
      assert.match(error.message, /packs\/ab\/abc/);
    });
  }

  it('says that nothing partial was committed when the disk is full', () => {
    assert.match(translateFsError(fsError('ENOSPC'), 'k', 'put').message, /no space left.*nothing partial/);
  });

  it('names the likely reason when permission is refused', () => {
    assert.match(translateFsError(fsError('EROFS'), 'k', 'put').message, /read-only/);
    assert.match(translateFsError(fsError('EPERM'), 'k', 'delete').message, /immutable attribute/);
  });

  it('passes AmberErrors through unchanged and copes with non-errors', () => {
    const original = new AmberError('OBJECT_LOCKED', 'locked');
    assert.equal(translateFsError(original, 'k', 'delete'), original);
    assert.equal(translateFsError('boom', 'k', 'get').code, 'STORAGE_ERROR');
  });
});

describe('key and prefix validation', () => {
  it('refuses keys that could escape or collide with driver files', () => {
    for (const key of ['', '../x', 'a/../b', '.locks/x', '/etc/passwd', 'a/', 'A', 'x'.repeat(513)]) {
      assert.throws(
        () => {
          assertValidKey(key);
        },
        (error) => isAmberError(error, 'INVALID_ARGUMENT'),
        key,
      );
    }
    assertValidKey('packs/ab/ab01');
  });

  it('accepts empty, key-like and slash-terminated prefixes only', () => {
    for (const prefix of ['', 'packs', 'packs/', 'packs/a']) assertValidPrefix(prefix);
    for (const prefix of ['/', '../', '.tmp/', 'a//']) {
      assert.throws(
        () => {
          assertValidPrefix(prefix);
        },
        (error) => isAmberError(error, 'INVALID_ARGUMENT'),
        prefix,
      );
    }
  });
});

describe('objectLocked', () => {
  it('says until when, in ISO, and in which mode', () => {
    const error = objectLocked('points/p1', { mode: 'compliance', retainUntil: Date.UTC(2030, 0, 2) });
    assert.match(error.message, /compliance lock until 2030-01-02T00:00:00\.000Z/);
    assert.deepEqual(error.details, { key: 'points/p1', mode: 'compliance', retainUntil: Date.UTC(2030, 0, 2) });
  });
});
