import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR } from '../clock.js';
import { FakeClock } from '../testing/fake-clock.js';
import { decide } from './decision-table.js';
import type { ImmutabilityState, VaultImmutability } from './immutability-state.js';
import type { Operation } from './operation.js';
import { assertAllowed, assertRefused, assertSentence, type ExpectedRefusal } from './testing/assert-decision.js';

const NOW = new FakeClock().nowMs();
const LATER = NOW + 30 * MS_PER_DAY; // an unexpired point's retainUntil
const EARLIER = NOW - MS_PER_DAY; // an expired point's retainUntil

const VAULTS: Readonly<Record<ImmutabilityState, VaultImmutability>> = {
  disabled: { state: 'disabled' },
  enabled: { state: 'enabled' },
  locking: { state: 'locking', lockRequestedAt: NOW - MS_PER_HOUR, lockEffectiveAt: NOW + 71 * MS_PER_HOUR },
  locked: { state: 'locked', lockRequestedAt: NOW - 10 * MS_PER_DAY, lockEffectiveAt: NOW - 7 * MS_PER_DAY },
};
const STATES = Object.keys(VAULTS) as ImmutabilityState[];

type Expected = 'allowed' | ExpectedRefusal;

/** One row of DESIGN §2.2 under one condition: what each of the four states answers. */
interface Cell {
  readonly doing: string;
  readonly op: Operation;
  readonly expect: Readonly<Record<ImmutabilityState, Expected>>;
}

const everywhere = (expected: Expected): Cell['expect'] => ({
  disabled: expected,
  enabled: expected,
  locking: expected,
  locked: expected,
});
const onlyDisabledAllows = (refusal: ExpectedRefusal): Cell['expect'] => ({
  ...everywhere(refusal),
  disabled: 'allowed',
});
const governance = (inGovernance: Expected, whenLocked: ExpectedRefusal): Cell['expect'] => ({
  disabled: 'allowed',
  enabled: inGovernance,
  locking: inGovernance,
  locked: whenLocked,
});

const unexpiredPoint = { id: 'p1', retainUntil: LATER, legalHold: false };
const noBypass = { governanceBypass: false, approved: false };
const bypassOnly = { governanceBypass: true, approved: false };
const bypassApproved = { governanceBypass: true, approved: true };
const retentionActive = { code: 'RETENTION_ACTIVE', until: LATER, mentions: ['p1'] } as const;
const retentionLocked = { ...retentionActive, mentions: ['locked'] } as const;
const approvalRequired = { code: 'APPROVAL_REQUIRED', mentions: ['approval'] } as const;
const reductionBlocked = { code: 'RETENTION_REDUCTION_BLOCKED', mentions: ['governance.bypass'] } as const;
const reductionLocked = { ...reductionBlocked, mentions: ['locked'] } as const;
const unexpiredPoints = { pointCount: 3, legalHoldCount: 0, latestRetainUntil: LATER };
const expiredPoints = { pointCount: 3, legalHoldCount: 0, latestRetainUntil: EARLIER };
const heldExpiredPoints = { pointCount: 3, legalHoldCount: 1, latestRetainUntil: EARLIER };
const unexpiredExist = { code: 'UNEXPIRED_POINTS_EXIST', until: LATER, mentions: ['wait until then'] } as const;
const guardrails = { minRetentionDays: 30, maxRetentionDays: 3650 };

const CELLS: readonly Cell[] = [
  { doing: 'backing up', op: { op: 'backup' }, expect: everywhere('allowed') },
  { doing: 'restoring', op: { op: 'restore' }, expect: everywhere('allowed') },
  { doing: 'verifying', op: { op: 'verify' }, expect: everywhere('allowed') },
  {
    doing: 'deleting a point before retainUntil without bypass',
    op: { op: 'delete-point', point: unexpiredPoint, ...noBypass },
    expect: governance(retentionActive, retentionLocked),
  },
  {
    doing: 'deleting a point before retainUntil with bypass but no approval',
    op: { op: 'delete-point', point: unexpiredPoint, ...bypassOnly },
    expect: governance(approvalRequired, retentionLocked),
  },
  {
    doing: 'deleting a point before retainUntil with bypass and an approval',
    op: { op: 'delete-point', point: unexpiredPoint, ...bypassApproved },
    expect: governance('allowed', retentionLocked),
  },
  {
    doing: 'deleting a point after retainUntil (expiry)',
    op: { op: 'delete-point', point: { retainUntil: EARLIER, legalHold: false }, ...noBypass },
    expect: everywhere('allowed'),
  },
  {
    doing: 'deleting a point exactly at retainUntil (expiry)',
    op: { op: 'delete-point', point: { retainUntil: NOW, legalHold: false }, ...noBypass },
    expect: everywhere('allowed'),
  },
  {
    doing: 'deleting a point under legal hold, even with bypass and an approval',
    op: { op: 'delete-point', point: { ...unexpiredPoint, legalHold: true }, ...bypassApproved },
    expect: everywhere({ code: 'LEGAL_HOLD_ACTIVE', mentions: ['legal hold'] }),
  },
  {
    doing: 'deleting an expired point under legal hold',
    op: { op: 'delete-point', point: { retainUntil: EARLIER, legalHold: true }, ...noBypass },
    expect: everywhere({ code: 'LEGAL_HOLD_ACTIVE', mentions: ['legal hold'] }),
  },
  {
    doing: 'stopping protection while retaining data',
    op: { op: 'stop-protection', deleteData: false, points: { ...unexpiredPoints, legalHoldCount: 1 } },
    expect: everywhere('allowed'),
  },
  {
    doing: 'stopping protection and deleting data while unexpired points exist',
    op: { op: 'stop-protection', deleteData: true, points: unexpiredPoints },
    expect: onlyDisabledAllows(unexpiredExist),
  },
  {
    doing: 'stopping protection and deleting data once every point expired',
    op: { op: 'stop-protection', deleteData: true, points: expiredPoints },
    expect: everywhere('allowed'),
  },
  {
    doing: 'stopping protection and deleting data while an expired point is held',
    op: { op: 'stop-protection', deleteData: true, points: heldExpiredPoints },
    expect: everywhere({ code: 'LEGAL_HOLD_ACTIVE', mentions: ['1 recovery point is under legal hold'] }),
  },
  {
    doing: 'increasing policy retention',
    op: { op: 'change-policy-retention', reducesRetention: false, ...noBypass },
    expect: everywhere('allowed'),
  },
  { doing: 'changing the schedule', op: { op: 'change-schedule' }, expect: everywhere('allowed') },
  {
    doing: 'reducing policy retention without bypass',
    op: { op: 'change-policy-retention', reducesRetention: true, ...noBypass },
    expect: governance(reductionBlocked, reductionLocked),
  },
  {
    doing: 'reducing policy retention with bypass but no approval',
    op: { op: 'change-policy-retention', reducesRetention: true, ...bypassOnly },
    expect: governance(approvalRequired, reductionLocked),
  },
  {
    doing: 'reducing policy retention with bypass and an approval',
    op: { op: 'change-policy-retention', reducesRetention: true, ...bypassApproved },
    expect: governance('allowed', reductionLocked),
  },
  {
    doing: 'moving an item to a policy with lower retention without bypass',
    op: { op: 'move-item-to-policy', reducesRetention: true, ...noBypass },
    expect: governance(
      { code: 'RETENTION_REDUCTION_BLOCKED', mentions: ['Moving the item', 'governance.bypass'] },
      { code: 'RETENTION_REDUCTION_BLOCKED', mentions: ['Moving the item', 'locked'] },
    ),
  },
  {
    doing: 'moving an item to a policy with lower retention with bypass but no approval',
    op: { op: 'move-item-to-policy', reducesRetention: true, ...bypassOnly },
    expect: governance(approvalRequired, reductionLocked),
  },
  {
    doing: 'moving an item to a policy with lower retention with bypass and an approval',
    op: { op: 'move-item-to-policy', reducesRetention: true, ...bypassApproved },
    expect: governance('allowed', reductionLocked),
  },
  {
    doing: 'moving an item to a policy with longer retention',
    op: { op: 'move-item-to-policy', reducesRetention: false, ...noBypass },
    expect: everywhere('allowed'),
  },
  {
    doing: 'lowering the vault minimum retention',
    op: { op: 'change-vault-guardrails', current: guardrails, proposed: { ...guardrails, minRetentionDays: 7 } },
    expect: onlyDisabledAllows({
      code: 'RETENTION_REDUCTION_BLOCKED',
      mentions: ['30 days cannot be lowered to 7 days'],
    }),
  },
  {
    doing: 'removing the vault minimum retention',
    op: { op: 'change-vault-guardrails', current: guardrails, proposed: { maxRetentionDays: 3650 } },
    expect: onlyDisabledAllows({ code: 'RETENTION_REDUCTION_BLOCKED', mentions: ['cannot be removed'] }),
  },
  {
    doing: 'raising the vault minimum retention',
    op: { op: 'change-vault-guardrails', current: guardrails, proposed: { ...guardrails, minRetentionDays: 60 } },
    expect: everywhere('allowed'),
  },
  {
    doing: "setting the vault maximum retention below an existing point's retention",
    op: {
      op: 'change-vault-guardrails',
      current: guardrails,
      proposed: { ...guardrails, maxRetentionDays: 365 },
      longestPointRetentionDays: 400,
    },
    expect: onlyDisabledAllows({ code: 'RETENTION_REDUCTION_BLOCKED', mentions: ['365 days', '400 days'] }),
  },
  {
    doing: 'lowering the vault maximum retention while still above every point',
    op: {
      op: 'change-vault-guardrails',
      current: guardrails,
      proposed: { ...guardrails, maxRetentionDays: 400 },
      longestPointRetentionDays: 400,
    },
    expect: everywhere('allowed'),
  },
  {
    doing: 'setting a vault minimum retention above the maximum',
    op: { op: 'change-vault-guardrails', current: {}, proposed: { minRetentionDays: 90, maxRetentionDays: 30 } },
    expect: everywhere({ code: 'INVALID_ARGUMENT', mentions: ['90 days', '30 days'] }),
  },
  {
    doing: 'disabling immutability when no approval is configured',
    op: { op: 'disable-immutability', approvalRequired: false, approved: false },
    expect: {
      disabled: 'allowed',
      enabled: 'allowed',
      locking: { code: 'VAULT_LOCKED', mentions: ['cancel the lock first'] },
      locked: { code: 'VAULT_LOCKED', mentions: ['locked'] },
    },
  },
  {
    doing: 'disabling immutability without the configured approval',
    op: { op: 'disable-immutability', approvalRequired: true, approved: false },
    expect: {
      disabled: 'allowed',
      enabled: approvalRequired,
      locking: { code: 'VAULT_LOCKED', mentions: ['cancel the lock first'] },
      locked: { code: 'VAULT_LOCKED', mentions: ['locked'] },
    },
  },
  {
    doing: 'disabling immutability with the configured approval',
    op: { op: 'disable-immutability', approvalRequired: true, approved: true },
    expect: {
      disabled: 'allowed',
      enabled: 'allowed',
      locking: { code: 'VAULT_LOCKED', mentions: ['cancel the lock first'] },
      locked: { code: 'VAULT_LOCKED', mentions: ['locked'] },
    },
  },
  {
    doing: 'deleting an empty vault',
    op: { op: 'delete-vault', points: { pointCount: 0, legalHoldCount: 0 } },
    expect: everywhere('allowed'),
  },
  {
    doing: 'deleting a vault that holds only expired points',
    op: { op: 'delete-vault', points: expiredPoints },
    expect: { ...everywhere('allowed'), disabled: { code: 'VAULT_NOT_EMPTY', mentions: ['3 recovery points'] } },
  },
  {
    doing: 'deleting a vault that holds unexpired points',
    op: { op: 'delete-vault', points: unexpiredPoints },
    expect: { ...everywhere(unexpiredExist), disabled: { code: 'VAULT_NOT_EMPTY' } },
  },
  {
    doing: 'deleting a vault whose expired points include a held one',
    op: { op: 'delete-vault', points: heldExpiredPoints },
    expect: { ...everywhere({ code: 'LEGAL_HOLD_ACTIVE' }), disabled: { code: 'VAULT_NOT_EMPTY' } },
  },
  {
    doing: 'deleting the last key envelope',
    op: { op: 'delete-key-envelope', envelopeCount: 1 },
    expect: everywhere({ code: 'LAST_KEY_ENVELOPE', mentions: ['delete', 'last key envelope'] }),
  },
  {
    doing: 'replacing the last key envelope',
    op: { op: 'replace-key-envelope', envelopeCount: 1 },
    expect: everywhere({ code: 'LAST_KEY_ENVELOPE', mentions: ['replace', 'last key envelope'] }),
  },
  {
    doing: 'deleting one of two key envelopes',
    op: { op: 'delete-key-envelope', envelopeCount: 2 },
    expect: everywhere('allowed'),
  },
  { doing: 'setting a legal hold', op: { op: 'set-legal-hold' }, expect: everywhere('allowed') },
  {
    doing: 'releasing a legal hold when no approval is configured',
    op: { op: 'release-legal-hold', approvalRequired: false, approved: false },
    expect: everywhere('allowed'),
  },
  {
    doing: 'releasing a legal hold without the configured approval',
    op: { op: 'release-legal-hold', approvalRequired: true, approved: false },
    expect: everywhere(approvalRequired),
  },
  {
    doing: 'releasing a legal hold with the configured approval',
    op: { op: 'release-legal-hold', approvalRequired: true, approved: true },
    expect: everywhere('allowed'),
  },
];

const article = (state: ImmutabilityState): string => (state === 'enabled' ? 'an' : 'a');

describe('decision table (DESIGN §2.2)', () => {
  for (const cell of CELLS) {
    for (const state of STATES) {
      const expected = cell.expect[state];
      const verb = expected === 'allowed' ? 'allows' : 'refuses';
      test(`${verb} ${cell.doing} in ${article(state)} ${state} vault`, () => {
        const decision = decide(cell.op, { vault: VAULTS[state], nowMs: NOW });
        if (expected === 'allowed') assertAllowed(decision);
        else assertRefused(decision, expected);
      });
    }
  }

  test('covers every operation of the table', () => {
    const covered = new Set(CELLS.map((cell) => cell.op.op));
    const all: readonly Operation['op'][] = [
      'backup',
      'restore',
      'verify',
      'delete-point',
      'stop-protection',
      'change-schedule',
      'change-policy-retention',
      'move-item-to-policy',
      'change-vault-guardrails',
      'disable-immutability',
      'delete-vault',
      'delete-key-envelope',
      'replace-key-envelope',
      'set-legal-hold',
      'release-legal-hold',
    ];
    assert.deepEqual(
      all.filter((op) => !covered.has(op)),
      [],
    );
  });

  test('words every refusal of the table as a full sentence ending with a full stop', () => {
    let refusals = 0;
    for (const cell of CELLS) {
      for (const state of STATES) {
        const decision = decide(cell.op, { vault: VAULTS[state], nowMs: NOW });
        if (decision.allowed) continue;
        refusals += 1;
        assertSentence(decision.reason);
        assert.doesNotMatch(decision.reason, /undefined|NaN|\[object/, decision.reason);
      }
    }
    assert.ok(refusals > 50, `only ${refusals} refusals checked`);
  });

  test('refuses deleting a point one millisecond before retainUntil in an enabled vault', () => {
    const op: Operation = { op: 'delete-point', point: { retainUntil: NOW + 1, legalHold: false }, ...noBypass };
    assertRefused(decide(op, { vault: VAULTS.enabled, nowMs: NOW }), { code: 'RETENTION_ACTIVE', until: NOW + 1 });
  });

  test('treats a locking vault whose cooling-off ended as locked, refusing even bypass with approval', () => {
    const op: Operation = { op: 'delete-point', point: unexpiredPoint, ...bypassApproved };
    const nowMs = VAULTS.locking.lockEffectiveAt!;
    assertAllowed(decide(op, { vault: VAULTS.locking, nowMs: nowMs - 1 }));
    assertRefused(decide(op, { vault: VAULTS.locking, nowMs }), retentionLocked);
  });

  test('names a point by its id when given, and describes it otherwise', () => {
    const op: Operation = { op: 'delete-point', point: { retainUntil: LATER, legalHold: false }, ...noBypass };
    assertRefused(decide(op, { vault: VAULTS.enabled, nowMs: NOW }), {
      code: 'RETENTION_ACTIVE',
      until: LATER,
      mentions: ['The recovery point is retained until'],
    });
  });
});
