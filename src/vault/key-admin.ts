import { AmberError, isAmberError } from '../core/errors.js';
import { asKeyId, isKeyId, objectKeys, type KeyId } from '../core/ids.js';
import { decide } from '../core/immutability/decision-table.js';
import { readKeyEnvelopeMeta } from '../format/key-envelope.js';
import type { AdminContext } from './admin-context.js';

export interface KeyView {
  readonly id: KeyId;
  readonly label: string;
  readonly createdAt: number;
  /** The envelope this command's passphrase opened. */
  readonly current: boolean;
}

async function keyIds(ctx: AdminContext): Promise<KeyId[]> {
  const ids: KeyId[] = [];
  for await (const object of ctx.repo.store.list('keys/')) {
    const id = object.key.slice('keys/'.length);
    if (isKeyId(id)) ids.push(asKeyId(id));
  }
  return ids.sort();
}

/** The vault's key envelopes (restic's `key list`). */
export async function listKeys(ctx: AdminContext): Promise<KeyView[]> {
  const views: KeyView[] = [];
  for (const id of await keyIds(ctx)) {
    const meta = readKeyEnvelopeMeta(await ctx.repo.store.get(objectKeys.key(id)), id);
    views.push({ id, label: meta.label, createdAt: meta.createdAt, current: id === ctx.repo.openedKeyId });
  }
  return views;
}

/** Adds a key envelope: the same master key, opened by another passphrase. */
export async function addKey(ctx: AdminContext, passphrase: string, label: string): Promise<KeyView> {
  const id = await ctx.repo.addKeyEnvelope(passphrase, ctx.clock.nowMs(), label);
  // While immutability is on, a new envelope is locked like the others at the next lock pass.
  await ctx.audit.ok('key.add', id, `Key envelope ${id} (${label}) added.`);
  return { id, label, createdAt: ctx.clock.nowMs(), current: false };
}

/**
 * Removes a key envelope. The last one never goes (nothing could decrypt the vault), nor the one in
 * use; while immutability is on, storage refuses to delete a locked envelope before its lock lapses.
 */
export async function removeKey(ctx: AdminContext, id: string): Promise<void> {
  const ids = await keyIds(ctx);
  if (!isKeyId(id) || !ids.includes(id)) throw new AmberError('NOT_FOUND', `The vault has no key envelope ${id}.`);
  const settings = await ctx.settings();
  const decision = decide(
    { op: 'delete-key-envelope', envelopeCount: ids.length },
    { vault: settings.immutability, nowMs: ctx.clock.nowMs() },
  );
  if (!decision.allowed) throw await ctx.audit.refused('key.remove', id, decision);
  if (id === ctx.repo.openedKeyId) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `Key ${id} is the one this passphrase opened; remove it with another key's passphrase.`,
    );
  }
  const bypassGovernance = await ctx.governanceLocksAreStale();
  try {
    await ctx.audit.guard('key.remove', id, () =>
      ctx.repo.store.delete(objectKeys.key(asKeyId(id)), { bypassGovernance }),
    );
  } catch (error) {
    if (isAmberError(error, 'NOT_FOUND')) return;
    throw error;
  }
  await ctx.audit.ok('key.remove', id, `Key envelope ${id} removed.`);
}
