import assert from 'node:assert/strict';
import { isAmberError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-catalog.js';

/** A copy of `bytes` with the byte at `position` inverted. */
export function flipByte(bytes: Uint8Array, position: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[position] = (copy[position] ?? 0) ^ 0xff;
  return copy;
}

/** Asserts that `action` throws AmberError `code` whose details name `objectName`. */
export function assertRejects(action: () => unknown, objectName: string, code: ErrorCode = 'CORRUPT_OBJECT'): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isAmberError(error), `expected an AmberError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.details['object'], objectName);
    assert.ok(error.message.includes(objectName), error.message);
    return true;
  });
}

/** Async variant of assertRejects. */
export async function assertRejectsAsync(
  action: () => Promise<unknown>,
  objectName: string,
  code: ErrorCode = 'CORRUPT_OBJECT',
): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isAmberError(error), `expected an AmberError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.details['object'], objectName);
    return true;
  });
}
