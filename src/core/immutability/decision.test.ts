import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toIso } from '../clock.js';
import { errorKind } from '../error-catalog.js';
import { AmberError } from '../errors.js';
import { FakeClock } from '../testing/fake-clock.js';
import { ALLOWED, refusalToError, refuse } from './decision.js';

const NOW = new FakeClock().nowMs();

describe('decisions', () => {
  test('leaves until and details out of a refusal that has none', () => {
    assert.deepEqual(refuse('VAULT_LOCKED', 'The vault is locked.'), {
      allowed: false,
      code: 'VAULT_LOCKED',
      reason: 'The vault is locked.',
    });
    assert.deepEqual(ALLOWED, { allowed: true });
    assert.ok(Object.isFrozen(ALLOWED));
  });

  test('turns a refusal into an AmberError with its code, reason and until as ISO-8601', () => {
    const refusal = refuse('RETENTION_ACTIVE', `Retained until ${toIso(NOW)}.`, {
      until: NOW,
      details: { pointId: 'p1' },
    });
    const error = refusalToError(refusal);
    assert.ok(error instanceof AmberError);
    assert.equal(error.code, 'RETENTION_ACTIVE');
    assert.equal(error.message, refusal.reason);
    assert.deepEqual(error.details, { pointId: 'p1', until: toIso(NOW) });
    assert.equal(errorKind(error.code), 'refused');
  });

  test('gives the new rule codes the kinds that map to their exit codes', () => {
    assert.deepEqual(
      (['VAULT_LOCKED', 'APPROVAL_REQUIRED', 'CONFIRMATION_REQUIRED', 'RETENTION_BELOW_MINIMUM'] as const).map(
        errorKind,
      ),
      ['refused', 'approval', 'usage', 'invalid'],
    );
  });
});
