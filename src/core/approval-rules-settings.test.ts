import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROTECTED_OPERATIONS } from './approval-rules.js';
import {
  DEFAULT_APPROVAL_SETTINGS,
  decideSettingsChange,
  describeSettings,
  MAX_REQUEST_TTL_MS,
  MIN_REQUEST_TTL_MS,
  needsApproval,
  parseApprovalSettings,
  type ApprovalSettings,
} from './approval-rules-settings.js';
import { isAmberError } from './errors.js';

const ON: ApprovalSettings = {
  enabled: true,
  requiredApprovals: 2,
  operations: ['immutability.disable', 'approvals.configure'],
  requestTtlMs: 3_600_000,
};

function problemsOf(input: unknown): readonly string[] {
  try {
    parseApprovalSettings(input);
  } catch (error) {
    assert.ok(isAmberError(error, 'INVALID_APPROVAL_SETTINGS'), String(error));
    return error.details['problems'] as string[];
  }
  assert.fail('the settings were accepted');
}

describe('parseApprovalSettings', () => {
  test('starts from approvals off, one approval, every operation, 24 hours', () => {
    assert.deepEqual(parseApprovalSettings({}), DEFAULT_APPROVAL_SETTINGS);
    assert.deepEqual(DEFAULT_APPROVAL_SETTINGS, {
      enabled: false,
      requiredApprovals: 1,
      operations: PROTECTED_OPERATIONS,
      requestTtlMs: 86_400_000,
    });
  });

  test('merges the given fields onto the base and puts operations in canonical order without duplicates', () => {
    const settings = parseApprovalSettings(
      { enabled: true, operations: ['key.remove', 'vault.delete', 'key.remove'] },
      { ...ON, requiredApprovals: 3 },
    );
    assert.deepEqual(settings, { ...ON, requiredApprovals: 3, operations: ['vault.delete', 'key.remove'] });
  });

  test('accepts the bounds of the request lifetime: 5 minutes and 30 days', () => {
    assert.equal(parseApprovalSettings({ requestTtlMs: MIN_REQUEST_TTL_MS }).requestTtlMs, 300_000);
    assert.equal(parseApprovalSettings({ requestTtlMs: MAX_REQUEST_TTL_MS }).requestTtlMs, 2_592_000_000);
  });

  test('lists every problem at once', () => {
    const problems = problemsOf({
      enabled: 'yes',
      requiredApprovals: 0,
      operations: ['vault.delete', 'backup'],
      requestTtlMs: MIN_REQUEST_TTL_MS - 1,
      colour: 'red',
    });
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /"colour" is not an approval setting/);
    assert.match(problems.join('\n'), /enabled must be true or false \(got "yes"\)/);
    assert.match(problems.join('\n'), /requiredApprovals must be a whole number from 1 to 10 \(got 0\)/);
    assert.match(problems.join('\n'), /operations names "backup", which is not a protected operation/);
    assert.match(problems.join('\n'), /requestTtlMs must be whole milliseconds from 300000 \(5 minutes\)/);
  });

  test('refuses fractional approvals, a lifetime beyond 30 days and operations that are not a list', () => {
    assert.equal(problemsOf({ requiredApprovals: 1.5 }).length, 1);
    assert.equal(problemsOf({ requestTtlMs: MAX_REQUEST_TTL_MS + 1 }).length, 1);
    assert.match(problemsOf({ operations: 'vault.delete' }).join(), /operations must be a list/);
  });

  test('refuses approvals that are on but protect nothing', () => {
    assert.match(problemsOf({ enabled: true, operations: [] }).join(), /at least one operation/);
    assert.deepEqual(parseApprovalSettings({ enabled: false, operations: [] }).operations, []);
  });

  test('refuses something that is not an object, with a sentence naming the fields', () => {
    assert.throws(
      () => parseApprovalSettings([1]),
      (error: unknown) => isAmberError(error, 'INVALID_APPROVAL_SETTINGS') && /must be an object/.test(error.message),
    );
  });
});

describe('needsApproval and decideSettingsChange', () => {
  test('needs approval only for a listed operation while approvals are on', () => {
    assert.equal(needsApproval(ON, 'immutability.disable'), true);
    assert.equal(needsApproval(ON, 'vault.delete'), false);
    assert.equal(needsApproval({ ...ON, enabled: false }, 'immutability.disable'), false);
  });

  test('never needs an approval to turn approvals on', () => {
    assert.equal(
      decideSettingsChange(DEFAULT_APPROVAL_SETTINGS, { ...DEFAULT_APPROVAL_SETTINGS, enabled: true }),
      'apply',
    );
  });

  test('needs an approval for any change while approvals.configure is protected, turning off included', () => {
    assert.equal(decideSettingsChange(ON, { ...ON, enabled: false }), 'needs-approval');
    assert.equal(decideSettingsChange(ON, { ...ON, requiredApprovals: 1 }), 'needs-approval');
    assert.equal(decideSettingsChange(ON, { ...ON, requestTtlMs: 7_200_000 }), 'needs-approval');
  });

  test('applies a change at once when approvals.configure is not protected, and notices no change', () => {
    const unprotected = { ...ON, operations: ['immutability.disable' as const] };
    assert.equal(decideSettingsChange(unprotected, { ...unprotected, requiredApprovals: 1 }), 'apply');
    assert.equal(decideSettingsChange(ON, { ...ON, operations: [...ON.operations] }), 'unchanged');
  });

  test('describes the settings in a sentence', () => {
    assert.equal(
      describeSettings(ON),
      'Approvals on: 2 approvals for immutability.disable, approvals.configure; requests expire after 1 hour.',
    );
    assert.equal(
      describeSettings(DEFAULT_APPROVAL_SETTINGS),
      'Approvals off: protected operations run without a second person.',
    );
  });
});
