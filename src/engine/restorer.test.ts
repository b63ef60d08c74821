import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { normalizeInside } from './restore-plan.js';
import { safeJoin } from './restorer.js';

describe('restore path safety', () => {
  it('joins paths inside the target', () => {
    assert.equal(safeJoin('/restore', 'home/ann/x'), '/restore/home/ann/x');
  });

  it('refuses a path that would land outside the target', () => {
    for (const inside of ['../etc/passwd', 'a/../../etc', '/etc/passwd']) {
      assert.throws(
        () => safeJoin('/restore', inside),
        (error) => isAmberError(error, 'PATH_ESCAPES_TARGET'),
      );
    }
  });

  it("refuses '..' in an include path and normalizes slashes", () => {
    assert.equal(normalizeInside('/home//ann/'), 'home/ann');
    assert.throws(
      () => normalizeInside('/home/../etc'),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
