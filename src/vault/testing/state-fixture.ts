import assert from 'node:assert/strict';
import path from 'node:path';
import { MS_PER_DAY, MS_PER_HOUR, toIso } from '../../core/clock.js';
import type { ImmutabilityState } from '../../core/immutability/immutability-state.js';
import type { PointRow } from '../../catalog/point-row.js';
import type { ObjectInfo } from '../../storage/object-store.js';
import { LocalStore } from '../../storage/local-store.js';
import {
  assertRestores,
  expectedContents,
  lastAuditSeq,
  makeTestVault,
  rejectsWithCode,
  writeSourceTree,
  type TestVault,
} from './vault-fixture.js';

export const STATES: readonly ImmutabilityState[] = ['disabled', 'enabled', 'locking', 'locked'];

/** A cooling-off far longer than any test's clock moves, so a `locking` vault stays `locking`. */
export const LONG_COOLING_OFF_MS = 400 * MS_PER_DAY;
export const RETAIN_DAYS = 30;

export const SOURCE_FILES = {
  'readme.txt': 'the vault keeps this\n',
  'docs/a.txt': 'alpha '.repeat(500),
  'docs/deep/b.bin': Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)),
};

/**
 * A vault brought into one immutability state, with lock generations off (locks end exactly at
 * retainUntil), a minimum retention of 5 days, policies p7/p30/p60 (simple, days), the item `docs`
 * under p30, a point made before the state was entered (`before`) and one made after (`after`).
 */
export interface StateVault {
  readonly tv: TestVault;
  readonly state: ImmutabilityState;
  readonly src: string;
  readonly expected: Map<string, string>;
  readonly before: PointRow;
  readonly after: PointRow;
}

export async function enterState(tv: TestVault, state: ImmutabilityState): Promise<void> {
  if (state === 'disabled') return;
  await tv.vault.enableImmutability();
  if (state === 'locking') {
    await tv.vault.lockImmutability({ coolingOffMs: LONG_COOLING_OFF_MS, confirmedIrreversible: false });
  } else if (state === 'locked') {
    await tv.vault.lockImmutability({ coolingOffMs: 0, confirmedIrreversible: true });
  }
  assert.equal((await tv.vault.showVault()).state, state);
}

export async function prepareState(state: ImmutabilityState, made: TestVault[]): Promise<StateVault> {
  const tv = await makeTestVault(state);
  made.push(tv);
  const { vault } = tv;
  await vault.setVaultOptions({ lockGenerationDays: 0, minRetentionDays: 5 });
  for (const days of [7, 30, 60]) {
    await vault.createPolicy({ name: `p${days}`, retention: { kind: 'simple', keepDays: days } });
  }
  const src = path.join(tv.base, 'src');
  await writeSourceTree(src, SOURCE_FILES);
  await vault.addItem({ name: 'docs', policy: 'p30', paths: [src] });
  const before = (await vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
  tv.clock.advanceMs(MS_PER_HOUR);
  await enterState(tv, state);
  const after = (await vault.backup({ item: 'docs', paths: [], retainDays: 0, hostname: 'test' })).point;
  return { tv, state, src, expected: expectedContents(SOURCE_FILES), before, after };
}

/** Asserts the point is still listed and restores bit-exactly. */
export async function assertKept(sv: StateVault, point: PointRow, label = ''): Promise<void> {
  const listed = (await sv.tv.vault.listPoints()).map((p) => p.id);
  assert.ok(listed.includes(point.id), `point ${point.id.slice(0, 12)} ${label} is still listed`);
  await assertRestores(sv.tv.vault, point.id, sv.src, sv.tv.base, sv.expected, label);
}

export async function assertGone(sv: StateVault, point: PointRow): Promise<void> {
  const listed = (await sv.tv.vault.listPoints()).map((p) => p.id);
  assert.ok(!listed.includes(point.id), `point ${point.id.slice(0, 12)} is gone`);
  await rejectsWithCode(sv.tv.vault.resolvePoint(point.id), 'POINT_NOT_FOUND');
}

/**
 * Runs `work`, expects the refusal `code`, and checks the audit trail recorded it (action, target,
 * outcome 'refused', the code and the same sentence). Returns the error's message.
 */
export async function expectRefusal(
  sv: StateVault,
  work: () => Promise<unknown>,
  code: string,
  audit: { action: string; target?: string },
  message?: RegExp,
): Promise<string> {
  const seq = await lastAuditSeq(sv.tv.vault);
  const error = await rejectsWithCode(work(), code, message);
  const events = await sv.tv.vault.listAudit({ afterSeq: seq });
  const refusal = events.find((e) => e.outcome === 'refused' && e.code === code);
  assert.ok(refusal !== undefined, `the refusal ${code} is in the audit trail: ${JSON.stringify(events)}`);
  assert.equal(refusal.action, audit.action);
  if (audit.target !== undefined) assert.equal(refusal.target, audit.target);
  assert.equal(refusal.message, error.message);
  return error.message;
}

/** The ISO date a refusal names for a point's retention. */
export function isoOf(ms: number): RegExp {
  return new RegExp(toIso(ms).replace(/[.]/g, '\\.'));
}

/** Reads the storage lock of objects directly through a second local driver on the same clock. */
export async function statObjects(sv: StateVault, keys: readonly string[]): Promise<ObjectInfo[]> {
  const store = await LocalStore.open(sv.tv.dir, sv.tv.clock);
  try {
    const out: ObjectInfo[] = [];
    for (const key of keys) out.push(await store.stat(key));
    return out;
  } finally {
    await store.close();
  }
}
