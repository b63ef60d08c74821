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

/**
 * The one mapping from error kind to CLI exit code (DESIGN §5) and HTTP status. The CLI boundary,
 * the server's error mapping, docs/errors.md and its test all read it from here.
 */
export const KIND_OUTCOMES: Readonly<Record<ErrorKind, { readonly exit: number; readonly http: number }>> = {
  usage: { exit: 2, http: 400 },
  invalid: { exit: 1, http: 400 },
  not_found: { exit: 1, http: 404 },
  conflict: { exit: 1, http: 409 },
  refused: { exit: 10, http: 409 },
  permission: { exit: 11, http: 403 },
  approval: { exit: 12, http: 428 },
  corrupt: { exit: 1, http: 500 },
  unavailable: { exit: 1, http: 503 },
  internal: { exit: 1, http: 500 },
};

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
  VAULT_LOCKED: {
    kind: 'refused',
    summary: "The vault's immutability is locked or its lock is pending; a lock can never be undone.",
  },
  IMMUTABILITY_NOT_ENABLED: {
    kind: 'conflict',
    summary: "The vault's immutability must be enabled before the vault can be locked.",
  },
  LOCK_ALREADY_PENDING: {
    kind: 'conflict',
    summary: 'A lock of the vault is already pending; cancel it first to request another cooling-off.',
  },
  COOLING_OFF_TOO_SHORT: {
    kind: 'invalid',
    summary: "The requested cooling-off period is shorter than the server's configured minimum.",
  },
  CONFIRMATION_REQUIRED: {
    kind: 'usage',
    summary: 'An irreversible operation, such as locking with no cooling-off, needs an explicit confirmation.',
  },
  APPROVAL_REQUIRED: {
    kind: 'approval',
    summary: 'A second person must approve the operation before it runs.',
  },
  RETENTION_REDUCTION_BLOCKED: {
    kind: 'refused',
    summary: "Retention cannot be reduced while the vault's immutability is on (without bypass and approval).",
  },
  UNEXPIRED_POINTS_EXIST: {
    kind: 'refused',
    summary: 'Recovery points are still retained, so their data cannot be deleted until the reported date.',
  },
  VAULT_NOT_EMPTY: {
    kind: 'conflict',
    summary: 'The vault still holds recovery points; delete them before deleting the vault.',
  },
  LAST_KEY_ENVELOPE: {
    kind: 'refused',
    summary: "The vault's last key envelope cannot be deleted or replaced; add another key first.",
  },
  RETENTION_BELOW_MINIMUM: {
    kind: 'invalid',
    summary: "The retention is below the vault's minimum retention guardrail.",
  },
  RETENTION_ABOVE_MAXIMUM: {
    kind: 'invalid',
    summary: "The retention is above the vault's maximum retention guardrail.",
  },
  INVALID_RETENTION_POLICY: {
    kind: 'invalid',
    summary: 'The retention policy is not valid; every problem is listed (counts, units, at least one GFS tier).',
  },
  INVALID_TIME_ZONE: {
    kind: 'invalid',
    summary: 'The time zone is not an IANA name this server knows, such as Europe/Berlin or UTC.',
  },
  VAULT_BUSY: {
    kind: 'conflict',
    summary: 'Another backup or maintenance holds the vault; try again when it has finished.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CATALOG[code].kind;
}
