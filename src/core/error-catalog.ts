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
  | 'unauthenticated' // no valid credentials (exit 11, HTTP 401)
  | 'permission' // exit 11, HTTP 403
  | 'rate_limited' // too many attempts; retry later (exit 1, HTTP 429)
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
  unauthenticated: { exit: 11, http: 401 },
  permission: { exit: 11, http: 403 },
  rate_limited: { exit: 1, http: 429 },
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
  CLOCK_FROZEN: {
    kind: 'refused',
    summary:
      'Expiry is frozen: the clock jumped beyond the tolerance (24 h accumulated) and nobody has acknowledged the alert yet.',
  },
  UNAUTHENTICATED: {
    kind: 'unauthenticated',
    summary: 'The request carries no valid token (missing, unknown, expired or revoked); sign in again.',
  },
  LOGIN_FAILED: { kind: 'unauthenticated', summary: 'The user name or password is wrong.' },
  LOGIN_RATE_LIMITED: {
    kind: 'rate_limited',
    summary: 'Too many failed sign-ins for this user or address; sign-in is paused until the given time.',
  },
  PERMISSION_DENIED: {
    kind: 'permission',
    summary: "The principal's role does not hold the permission the operation needs, or the item is not its own.",
  },
  USER_EXISTS: { kind: 'conflict', summary: 'A user with that name already exists.' },
  USER_NOT_FOUND: { kind: 'not_found', summary: 'There is no user with that name.' },
  TOKEN_NOT_FOUND: { kind: 'not_found', summary: 'There is no token with that id.' },
  AGENT_EXISTS: { kind: 'conflict', summary: 'An agent with that name is already registered.' },
  AGENT_NOT_FOUND: { kind: 'not_found', summary: 'There is no agent with that name.' },
  JOB_NOT_FOUND: { kind: 'not_found', summary: 'There is no job with that id.' },
  SESSION_NOT_FOUND: {
    kind: 'not_found',
    summary: 'The backup session is unknown or expired (the server restarted or it was idle too long); start again.',
  },
  VAULT_NAME_UNKNOWN: { kind: 'not_found', summary: 'The server has no vault with that name.' },
  UPLOAD_REJECTED: {
    kind: 'invalid',
    summary: 'An uploaded object was refused: its id does not match its content, its kind or its size is not allowed.',
  },
  CLIENT_TIME_REJECTED: {
    kind: 'refused',
    summary: "A point was committed with a time other than the server's; the server assigns createdAt itself.",
  },
  SERVER_UNREACHABLE: { kind: 'unavailable', summary: 'The Amber server could not be reached or answered badly.' },
  APPROVAL_NOT_FOUND: { kind: 'not_found', summary: 'There is no approval request with that id.' },
  APPROVAL_NOT_REQUIRED: {
    kind: 'conflict',
    summary: 'The operation does not need an approval under the current approval settings; run it directly.',
  },
  APPROVAL_SELF_APPROVAL: {
    kind: 'permission',
    summary: 'The requester of an operation cannot approve or reject it; another person holding approval.grant must.',
  },
  APPROVAL_NOT_PERMITTED: {
    kind: 'permission',
    summary: 'Approving or rejecting a request needs the approval.grant permission.',
  },
  APPROVAL_ALREADY_VOTED: {
    kind: 'conflict',
    summary: 'This person has already voted on the approval request; each approver votes once.',
  },
  APPROVAL_ALREADY_DECIDED: {
    kind: 'conflict',
    summary: 'The approval request is no longer pending: it was already approved, rejected, cancelled or run.',
  },
  APPROVAL_EXPIRED: {
    kind: 'conflict',
    summary: 'The approval request expired before it received its approvals; request the operation again.',
  },
  INVALID_APPROVAL_SETTINGS: {
    kind: 'invalid',
    summary: 'The approval settings are not valid; every problem is listed (approvals needed, operations, expiry).',
  },
  STORAGE_ACCESS_DENIED: {
    kind: 'unavailable',
    summary:
      'The storage refused the configured credentials (access denied, unknown key, bad signature or clock skew); fix the keys, the bucket policy or the clock.',
  },
  STORAGE_MISCONFIGURED: {
    kind: 'unavailable',
    summary: 'The storage location is not usable as configured: the bucket is missing or lacks Object Lock.',
  },
  STORAGE_PREFLIGHT_FAILED: {
    kind: 'invalid',
    summary: 'The storage location failed a preflight check (named in the message) and cannot hold an Amber vault.',
  },
  STORAGE_LOCK_NOT_APPLIED: {
    kind: 'unavailable',
    summary:
      'The storage accepted an object but did not keep the requested retention or legal hold; the unprotected copy was removed where possible.',
  },
  AUDIT_CHAIN_BROKEN: {
    kind: 'corrupt',
    summary:
      'The audit trail failed verification: an event was edited, deleted, inserted or reordered, or differs from an anchor; the first is named.',
  },
  INTERRUPTED: {
    kind: 'unavailable',
    summary:
      'The operation stopped because the process was asked to stop (SIGTERM or SIGINT); nothing half-done is visible, and it can be run again.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CATALOG[code].kind;
}
