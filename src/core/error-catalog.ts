/**
 * Every stable error code Amber can report, with the kind that decides its CLI exit code and HTTP
 * status (mapped once each, in cli/exit-codes.ts and the server's error mapping) and the sentence
 * docs/errors.md shows. A test keeps docs/errors.md in sync with this table. Codes are never reused.
 */
export type ErrorKind =
  | 'usage' // the request itself is malformed (CLI exit 2, HTTP 400)
  | 'invalid' // well-formed but unacceptable input (exit 1, HTTP 400/422)
  | 'not_found' // exit 1, HTTP 404
  | 'conflict' // exit 1, HTTP 409
  | 'refused' // refused by immutability, retention or legal hold (exit 10, HTTP 409/423)
  | 'permission' // exit 11, HTTP 403
  | 'approval' // exit 12, HTTP 202/428
  | 'corrupt' // stored data failed authentication (exit 1, HTTP 500)
  | 'unavailable' // storage or a dependency failed (exit 1, HTTP 503)
  | 'internal'; // a bug (exit 1, HTTP 500)

export interface ErrorCodeInfo {
  readonly kind: ErrorKind;
  readonly summary: string;
}

export const ERROR_CATALOG = {
  USAGE: { kind: 'usage', summary: 'The command or request is malformed: a missing or unknown argument.' },
  INVALID_ARGUMENT: { kind: 'invalid', summary: 'An argument has a value Amber cannot accept.' },
  PASSWORD_REQUIRED: {
    kind: 'usage',
    summary: 'The vault passphrase is needed: set AMBER_PASSWORD, pass --password-file, or run on a terminal.',
  },
  WRONG_PASSWORD: { kind: 'permission', summary: 'No key envelope of the vault opens with the given passphrase.' },
  NOT_FOUND: { kind: 'not_found', summary: 'The named object does not exist in storage.' },
  ALREADY_EXISTS: {
    kind: 'conflict',
    summary: 'An object with that name already exists; stored objects are never overwritten.',
  },
  VAULT_NOT_FOUND: { kind: 'not_found', summary: 'There is no Amber vault at the given location.' },
  VAULT_EXISTS: { kind: 'conflict', summary: 'The location already holds a vault or other files.' },
  POINT_NOT_FOUND: { kind: 'not_found', summary: 'No recovery point matches the given id or prefix.' },
  POINT_AMBIGUOUS: { kind: 'usage', summary: 'The id prefix matches more than one recovery point.' },
  PATH_NOT_FOUND: { kind: 'not_found', summary: 'The path does not exist in the recovery point or on disk.' },
  PATH_ESCAPES_TARGET: {
    kind: 'refused',
    summary: 'A restore path would be written outside the target directory; it was refused.',
  },
  SOURCE_UNREADABLE: { kind: 'invalid', summary: 'A path given to back up cannot be read.' },
  FORMAT_UNSUPPORTED: {
    kind: 'invalid',
    summary: 'The vault or object uses a format version this Amber does not know.',
  },
  CORRUPT_OBJECT: {
    kind: 'corrupt',
    summary: 'A stored object failed authentication or is malformed; its name is reported.',
  },
  OBJECT_LOCKED: {
    kind: 'refused',
    summary: 'Storage refuses to delete or shorten an object whose retention lock has not lapsed.',
  },
  LEGAL_HOLD_ACTIVE: { kind: 'refused', summary: 'The object or point is under legal hold and cannot be deleted.' },
  RETENTION_ACTIVE: {
    kind: 'refused',
    summary: 'The recovery point is retained until a later date and cannot be deleted.',
  },
  UNSUPPORTED: { kind: 'invalid', summary: 'The storage backend does not support the requested capability.' },
  STORAGE_FULL: { kind: 'unavailable', summary: 'The storage has no space left; nothing partial was committed.' },
  STORAGE_ERROR: { kind: 'unavailable', summary: 'The storage backend failed; the operation can be retried.' },
  CATALOG_ERROR: { kind: 'unavailable', summary: 'The catalog database failed; it can be rebuilt from storage.' },
  INTERNAL: { kind: 'internal', summary: 'An unexpected error inside Amber; run with --debug and report it.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CATALOG[code].kind;
}
