import type { AuditAnchor, AuditChainHead } from '../core/audit-chain.js';
import type { Clock } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import { isHex64, objectKeys } from '../core/ids.js';
import type { ObjectLock, ObjectStore } from '../storage/object-store.js';
import type { AdminContext } from './admin-context.js';
import { requiredLock } from './storage-locks.js';

/** The key family of audit anchors: `audit/<seq, 20 digits>` (objectKeys.auditAnchor). */
export const AUDIT_ANCHOR_PREFIX = 'audit/';

const ANCHOR_KEY = /^audit\/(\d{20})$/;
/** Another trail's anchors (the vault server's own trail): `audit/<trail>/<seq, 20 digits>`. */
const TRAIL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

function anchorKey(seq: number, trail: string | undefined): string {
  return trail === undefined
    ? objectKeys.auditAnchor(seq)
    : `${AUDIT_ANCHOR_PREFIX}${trail}/${String(seq).padStart(20, '0')}`;
}

function anchorPattern(trail: string | undefined): RegExp {
  if (trail === undefined) return ANCHOR_KEY;
  if (!TRAIL_NAME.test(trail)) throw new AmberError('INVALID_ARGUMENT', `"${trail}" is not an audit trail name.`);
  return new RegExp(`^audit\\/${trail}\\/(\\d{20})$`);
}
const FORMAT = 'amber.audit-anchor';
const VERSION = 1;

/** What an anchor is taken from: the audit log's newest event. */
export interface AuditHeadSource {
  head(): Promise<AuditChainHead | undefined>;
}

/**
 * Writes the audit chain's head to storage as the anchor `audit/<seq>` — a small JSON document
 * `{"format":"amber.audit-anchor","version":1,"seq":…,"hash":"…","at":…}` — carrying `lock`, but only
 * when the head moved past the newest anchor already stored. An anchor is never overwritten (the
 * store refuses it), so a catalog rewritten later cannot be made to agree with it. Returns the anchor
 * written, or undefined when there was nothing new to anchor.
 */
export async function writeAuditAnchor(
  store: ObjectStore,
  audit: AuditHeadSource,
  options: { clock: Clock; lock?: ObjectLock; trail?: string },
): Promise<AuditAnchor | undefined> {
  const head = await audit.head();
  if (head === undefined) return undefined;
  const newest = (await anchorSeqs(store, options.trail)).at(-1);
  if (newest !== undefined && newest >= head.seq) return undefined;
  const anchor: AuditAnchor = { seq: head.seq, hash: head.hash, at: options.clock.nowMs() };
  const document = { format: FORMAT, version: VERSION, ...anchor };
  try {
    await store.put(
      anchorKey(head.seq, options.trail),
      Buffer.from(JSON.stringify(document), 'utf8'),
      options.lock === undefined ? undefined : { lock: options.lock },
    );
  } catch (error) {
    if (isAmberError(error, 'ALREADY_EXISTS')) return undefined; // another process anchored this head first
    throw error;
  }
  return anchor;
}

/** Every anchor in storage, oldest (lowest seq) first. A malformed one is CORRUPT_OBJECT. */
export async function readAuditAnchors(store: ObjectStore, trail?: string): Promise<AuditAnchor[]> {
  const anchors: AuditAnchor[] = [];
  for (const seq of await anchorSeqs(store, trail)) {
    const key = anchorKey(seq, trail);
    anchors.push(parseAnchor(key, seq, await store.get(key)));
  }
  return anchors;
}

/**
 * Anchors the vault's audit trail (maintenance calls it). The anchor carries the vault's current lock
 * mode (governance while immutability is enabled, compliance once locked) until the latest retainUntil
 * of the vault's points, rounded up to the lock generation — as long as the header, keys and settings
 * must be kept: the trail's head cannot be removed while any data it speaks of is retained, and an
 * anchor never delays deleting a vault whose points have all expired. Unlocked when nothing is retained.
 */
export async function anchorAuditTrail(
  ctx: AdminContext,
  other?: { source: AuditHeadSource; trail: string },
): Promise<AuditAnchor | undefined> {
  const lock = await anchorLock(ctx);
  return writeAuditAnchor(ctx.repo.store, other?.source ?? ctx.audit.sink, {
    clock: ctx.clock,
    ...(lock === undefined ? {} : { lock }),
    ...(other === undefined ? {} : { trail: other.trail }),
  });
}

async function anchorLock(ctx: AdminContext): Promise<ObjectLock | undefined> {
  const mode = await ctx.lockMode();
  if (mode === 'none') return undefined;
  const { lockGenerationDays } = await ctx.settings();
  const latest = Math.max(0, ...(await ctx.catalog.listPoints()).map((point) => point.retainUntil));
  return requiredLock(mode, latest, lockGenerationDays, ctx.clock.nowMs());
}

/** The seqs of the stored anchors, ascending; keys under audit/ that are not anchors are ignored. */
async function anchorSeqs(store: ObjectStore, trail?: string): Promise<number[]> {
  const seqs: number[] = [];
  const pattern = anchorPattern(trail);
  for await (const object of store.list(AUDIT_ANCHOR_PREFIX)) {
    const match = pattern.exec(object.key);
    if (match !== null) seqs.push(Number(match[1]));
  }
  return seqs.sort((a, b) => a - b);
}

function parseAnchor(key: string, seq: number, bytes: Buffer): AuditAnchor {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw corrupt(key, 'it is not JSON', error);
  }
  if (typeof value !== 'object' || value === null) throw corrupt(key, 'it is not a JSON object');
  const document = value as Record<string, unknown>;
  if (document.format !== FORMAT) throw corrupt(key, `its format is not "${FORMAT}"`);
  if (document.version !== VERSION) {
    throw new AmberError(
      'FORMAT_UNSUPPORTED',
      `The audit anchor ${key} has version ${String(document.version)}; this Amber reads version ${VERSION}.`,
      {
        details: { object: key },
      },
    );
  }
  const { hash, at } = document;
  if (document.seq !== seq) throw corrupt(key, `it records seq ${String(document.seq)}, not ${seq}`);
  if (typeof hash !== 'string' || !isHex64(hash)) throw corrupt(key, 'its hash is not 64 lowercase hex digits');
  if (typeof at !== 'number' || !Number.isSafeInteger(at)) throw corrupt(key, 'its time is not epoch milliseconds');
  return { seq, hash, at };
}

function corrupt(key: string, reason: string, cause?: unknown): AmberError {
  return new AmberError('CORRUPT_OBJECT', `The audit anchor ${key} is malformed: ${reason}.`, {
    details: { object: key },
    ...(cause === undefined ? {} : { cause }),
  });
}
