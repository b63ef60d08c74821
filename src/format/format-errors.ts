import { AmberError, type ErrorDetails } from '../core/errors.js';

/** Why an object failed to decode; `objectName` is its storage key (core/ids.ts `objectKeys`). */
export function corruptObject(objectName: string, why: string, details: ErrorDetails = {}): AmberError {
  return new AmberError('CORRUPT_OBJECT', `${objectName} is corrupt: ${why}.`, {
    details: { object: objectName, ...details },
  });
}

/** An object written by a newer Amber (unknown version or algorithm id). */
export function unsupportedFormat(objectName: string, why: string, details: ErrorDetails = {}): AmberError {
  return new AmberError('FORMAT_UNSUPPORTED', `${objectName} uses ${why}, which this version of Amber cannot read.`, {
    details: { object: objectName, ...details },
  });
}

/** A caller handed the encoder a value it must not store. */
export function invalidValue(what: string, why: string): AmberError {
  return new AmberError('INVALID_ARGUMENT', `Cannot encode ${what}: ${why}.`, { details: { what } });
}
