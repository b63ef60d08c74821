import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MS_PER_DAY } from '../core/clock.js';
import { isAmberError } from '../core/errors.js';
import { assertKept, expectRefusal, prepareState, STATES, type StateVault } from './testing/state-fixture.js';
import type { TestVault } from './testing/vault-fixture.js';
import { makeTestVault } from './testing/vault-fixture.js';

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

describe('deleting a vault (DESIGN §2.2 "Delete the vault")', () => {
  test('deletes an empty disabled vault, keeping its audit trail', async () => {
    const tv = await makeTestVault('empty-delete');
    made.push(tv);
    const result = await tv.vault.deleteVault();
    assert.ok(result.deletedObjects >= 2, 'the header and the key envelope at least');
    const events = await tv.vault.listAudit();
    assert.ok(events.some((e) => e.action === 'vault.delete' && e.outcome === 'ok'));
    await assert.rejects(tv.reopen(), (error) => isAmberError(error, 'VAULT_NOT_FOUND'));
  });

  for (const state of STATES) {
    test(`refuses to delete a ${state} vault that still holds retained points, and loses nothing`, async () => {
      const sv: StateVault = await prepareState(state, made);
      const code = state === 'disabled' ? 'VAULT_NOT_EMPTY' : 'UNEXPIRED_POINTS_EXIST';
      await expectRefusal(sv, () => sv.tv.vault.deleteVault(), code, { action: 'vault.delete' });
      await assertKept(sv, sv.before, 'before');
      await assertKept(sv, sv.after, 'after');
    });
  }

  test('deletes an immutable vault once every point has expired and its locks have lapsed', async () => {
    const sv = await prepareState('enabled', made);
    sv.tv.clock.advanceMs(61 * MS_PER_DAY);
    const result = await sv.tv.vault.deleteVault();
    assert.ok(result.deletedObjects > 5);
    await assert.rejects(sv.tv.reopen(), (error) => isAmberError(error, 'VAULT_NOT_FOUND'));
  });
});

describe('key envelopes (DESIGN §2.2 "Delete/replace the last key envelope")', () => {
  for (const state of STATES) {
    test(`never removes the last key envelope of a ${state} vault`, async () => {
      const sv = await prepareState(state, made);
      const [only] = await sv.tv.vault.listKeys();
      assert.ok(only !== undefined);
      await expectRefusal(sv, () => sv.tv.vault.removeKey(only.id), 'LAST_KEY_ENVELOPE', { action: 'key.remove' });
      assert.equal((await sv.tv.vault.listKeys()).length, 1);
      await assertKept(sv, sv.after);
    });
  }

  test('adds a second passphrase that opens the vault, then removes it in a disabled vault', async () => {
    const tv = await makeTestVault('keys');
    made.push(tv);
    const added = await tv.vault.addKey('second passphrase', 'laptop');
    const keys = await tv.vault.listKeys();
    assert.equal(keys.length, 2);
    assert.ok(keys.some((k) => k.id === added.id && k.label === 'laptop' && !k.current));
    await tv.vault.removeKey(added.id);
    assert.deepEqual(
      (await tv.vault.listKeys()).map((k) => k.id),
      keys.filter((k) => k.id !== added.id).map((k) => k.id),
    );
  });

  test('refuses to remove the key the passphrase opened', async () => {
    const tv = await makeTestVault('current-key');
    made.push(tv);
    await tv.vault.addKey('second passphrase', 'spare');
    const current = (await tv.vault.listKeys()).find((k) => k.current);
    assert.ok(current !== undefined);
    await assert.rejects(tv.vault.removeKey(current.id), (error) => isAmberError(error, 'INVALID_ARGUMENT'));
  });
});
