import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './clock.js';
import { AmberError } from './errors.js';
import { durationText } from './immutability/duration-text.js';
import { isProtectedOperation, PROTECTED_OPERATIONS, type ProtectedOperation } from './approval-rules.js';

/** Which operations need approvals, how many, and how long a request waits for them. */
export interface ApprovalSettings {
  readonly enabled: boolean;
  /** M: approvals a request needs, from distinct holders of approval.grant other than the requester. */
  readonly requiredApprovals: number;
  /** The protected operations, in the order of PROTECTED_OPERATIONS. */
  readonly operations: readonly ProtectedOperation[];
  /** How long a request stays pending before it expires. */
  readonly requestTtlMs: number;
}

/** A change to some of the settings; what it leaves out stays as it is. */
export type ApprovalSettingsPatch = Partial<ApprovalSettings>;

export const DEFAULT_REQUEST_TTL_MS = 24 * MS_PER_HOUR;
export const MIN_REQUEST_TTL_MS = 5 * MS_PER_MINUTE;
export const MAX_REQUEST_TTL_MS = 30 * MS_PER_DAY;
export const MAX_REQUIRED_APPROVALS = 10;

/** Off until an administrator turns it on; then one approval, for every protected operation, within 24 h. */
export const DEFAULT_APPROVAL_SETTINGS: ApprovalSettings = Object.freeze({
  enabled: false,
  requiredApprovals: 1,
  operations: PROTECTED_OPERATIONS,
  requestTtlMs: DEFAULT_REQUEST_TTL_MS,
});

const FIELDS: readonly string[] = ['enabled', 'requiredApprovals', 'operations', 'requestTtlMs'];

/**
 * Parses, normalizes and validates settings from untrusted input (an API body, a stored row): the
 * fields `input` has replace those of `base`. Reports every problem at once as
 * INVALID_APPROVAL_SETTINGS (`details.problems`). Operations are de-duplicated and put in canonical order.
 */
export function parseApprovalSettings(
  input: unknown,
  base: ApprovalSettings = DEFAULT_APPROVAL_SETTINGS,
): ApprovalSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(['the settings must be an object with enabled, requiredApprovals, operations and requestTtlMs']);
  }
  const fields = input as Record<string, unknown>;
  const problems = Object.keys(fields)
    .filter((key) => !FIELDS.includes(key))
    .map((key) => `"${key}" is not an approval setting (known: ${FIELDS.join(', ')})`);
  const enabled = fields['enabled'] ?? base.enabled;
  if (typeof enabled !== 'boolean') problems.push(`enabled must be true or false (got ${show(enabled)})`);
  const required = fields['requiredApprovals'] ?? base.requiredApprovals;
  if (!isWholeNumberIn(required, 1, MAX_REQUIRED_APPROVALS)) {
    problems.push(
      `requiredApprovals must be a whole number from 1 to ${MAX_REQUIRED_APPROVALS} (got ${show(required)})`,
    );
  }
  const ttlMs = fields['requestTtlMs'] ?? base.requestTtlMs;
  if (!isWholeNumberIn(ttlMs, MIN_REQUEST_TTL_MS, MAX_REQUEST_TTL_MS)) {
    problems.push(
      `requestTtlMs must be whole milliseconds from ${MIN_REQUEST_TTL_MS} (${durationText(MIN_REQUEST_TTL_MS)}) to ` +
        `${MAX_REQUEST_TTL_MS} (${durationText(MAX_REQUEST_TTL_MS)}) (got ${show(ttlMs)})`,
    );
  }
  const operations = parseOperations(fields['operations'] ?? base.operations, problems);
  if (enabled === true && operations?.length === 0) {
    problems.push('operations must name at least one operation while approvals are enabled');
  }
  if (problems.length > 0 || operations === undefined) throw invalid(problems);
  return {
    enabled: enabled as boolean,
    requiredApprovals: required as number,
    operations,
    requestTtlMs: ttlMs as number,
  };
}

function parseOperations(value: unknown, problems: string[]): ProtectedOperation[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`operations must be a list of operation names (got ${show(value)})`);
    return undefined;
  }
  const unknown = value.filter((name) => typeof name !== 'string' || !isProtectedOperation(name));
  for (const name of unknown) {
    problems.push(
      `operations names ${show(name)}, which is not a protected operation (known: ${PROTECTED_OPERATIONS.join(', ')})`,
    );
  }
  return PROTECTED_OPERATIONS.filter((name) => value.includes(name));
}

/** Does `operation` need approvals under `settings`? */
export function needsApproval(settings: ApprovalSettings, operation: ProtectedOperation): boolean {
  return settings.enabled && settings.operations.includes(operation);
}

/**
 * What changing the settings from `current` to `next` takes: nothing when they are equal; an approval
 * when approvals are on and protect `approvals.configure` (so turning them off or loosening them needs
 * four eyes too); otherwise, including turning approvals on, it applies at once.
 */
export function decideSettingsChange(
  current: ApprovalSettings,
  next: ApprovalSettings,
): 'unchanged' | 'apply' | 'needs-approval' {
  if (sameSettings(current, next)) return 'unchanged';
  return needsApproval(current, 'approvals.configure') ? 'needs-approval' : 'apply';
}

export function sameSettings(a: ApprovalSettings, b: ApprovalSettings): boolean {
  return (
    a.enabled === b.enabled &&
    a.requiredApprovals === b.requiredApprovals &&
    a.requestTtlMs === b.requestTtlMs &&
    a.operations.length === b.operations.length &&
    a.operations.every((operation, index) => b.operations[index] === operation)
  );
}

/** The settings as a sentence: "Approvals on: 2 approvals for vault.delete, key.remove; requests expire after 24 hours." */
export function describeSettings(settings: ApprovalSettings): string {
  if (!settings.enabled) return 'Approvals off: protected operations run without a second person.';
  const count = settings.requiredApprovals;
  return (
    `Approvals on: ${count} approval${count === 1 ? '' : 's'} for ${settings.operations.join(', ')}; ` +
    `requests expire after ${durationText(settings.requestTtlMs)}.`
  );
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // a BigInt or a cycle
  }
  text ??= `a ${typeof value}`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(problems: readonly string[]): AmberError {
  return new AmberError('INVALID_APPROVAL_SETTINGS', `The approval settings are not valid: ${problems.join('; ')}.`, {
    details: { problems },
  });
}
