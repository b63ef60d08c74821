import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AUDIT_GENESIS_HASH,
  AuditChainCursor,
  auditEventHash,
  canonicalAuditText,
  verifyAuditChain,
  type AuditAnchor,
  type AuditVerifyReport,
  type ChainableAuditEvent,
  type ChainedAuditEvent,
} from './audit-chain.js';

const START_MS = 1_767_225_600_000;

function content(seq: number): ChainableAuditEvent {
  return {
    seq,
    at: START_MS + seq * 1000,
    actor: 'local:alice',
    action: 'point.create',
    target: `point-${seq}`,
    outcome: 'ok',
    message: `Event number ${seq}.`,
    details: { n: seq, nested: { b: [seq, 'x'], a: null } },
  };
}

/** Events 1…count with their hashes chained, as the catalog records them. */
function chainOf(count: number): ChainedAuditEvent[] {
  return rechain(Array.from({ length: count }, (_, i) => ({ ...content(i + 1), prevHash: '', hash: '' })));
}

/** Recomputes every link in list order: a consistent rewrite, as an attacker with the algorithm could. */
function rechain(events: readonly ChainedAuditEvent[]): ChainedAuditEvent[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return events.map((event) => {
    const hash = auditEventHash(event, prevHash);
    const chained = { ...event, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

/** A forged event whose own hash is right for its fields and `prevHash`. */
function forged(seq: number, prevHash: string): ChainedAuditEvent {
  const event = { ...content(seq), actor: 'mallory', message: 'Nothing happened here.' };
  return { ...event, prevHash, hash: auditEventHash(event, prevHash) };
}

/** Gives the events seqs 1, 2, 3… in list order, keeping their hashes (an SQL renumbering). */
function renumbered(events: readonly ChainedAuditEvent[]): ChainedAuditEvent[] {
  return events.map((event, i) => ({ ...event, seq: i + 1 }));
}

function hashOf(events: readonly ChainedAuditEvent[], seq: number): string {
  const event = events.find((e) => e.seq === seq);
  assert.ok(event !== undefined);
  return event.hash;
}

function assertBreak(report: AuditVerifyReport, seq: number, reason: string, message?: RegExp): void {
  assert.equal(report.ok, false, 'the chain is reported broken');
  assert.equal(report.firstBad?.reason, reason, report.firstBad?.message);
  assert.equal(report.firstBad?.seq, seq, report.firstBad?.message);
  if (message !== undefined) assert.match(report.firstBad.message, message);
}

describe('audit event hash', () => {
  test('covers every field in a fixed order, with details keys sorted', () => {
    const event = { ...content(7), code: 'RETENTION_ACTIVE', details: { z: 1, a: { y: true, b: 'x' } } };
    assert.equal(
      canonicalAuditText(event, AUDIT_GENESIS_HASH),
      `["amber.audit.v1",7,${START_MS + 7000},"local:alice","point.create","point-7","ok","RETENTION_ACTIVE",` +
        `"Event number 7.",{"a":{"b":"x","y":true},"z":1},"${AUDIT_GENESIS_HASH}"]`,
    );
    const reordered = { ...event, details: { a: { b: 'x', y: true }, z: 1 } };
    assert.equal(auditEventHash(event, 'p'), auditEventHash(reordered, 'p'));
    assert.match(auditEventHash(event, 'p'), /^[0-9a-f]{64}$/);
  });

  test('changes with any field, the seq and the previous hash', () => {
    const base = content(3);
    const hash = auditEventHash(base, AUDIT_GENESIS_HASH);
    const variants: ChainableAuditEvent[] = [
      { ...base, seq: 4 },
      { ...base, at: base.at + 1 },
      { ...base, actor: 'local:bob' },
      { ...base, action: 'point.delete' },
      { ...base, target: 'point-4' },
      { ...base, outcome: 'refused' },
      { ...base, code: 'RETENTION_ACTIVE' },
      { ...base, message: 'Event number 3!' },
      { ...base, details: { n: 4 } },
      { ...base, details: undefined as never },
    ];
    for (const variant of variants) assert.notEqual(auditEventHash(variant, AUDIT_GENESIS_HASH), hash);
    assert.notEqual(auditEventHash(base, '1'.repeat(64)), hash);
  });

  test('keeps field boundaries: text moved from one field to the next gives another hash', () => {
    const a = { ...content(1), actor: 'a","b', action: 'c' };
    const b = { ...content(1), actor: 'a', action: 'b","c' };
    assert.notEqual(auditEventHash(a, AUDIT_GENESIS_HASH), auditEventHash(b, AUDIT_GENESIS_HASH));
  });
});

describe('verifyAuditChain', () => {
  test('accepts an intact chain and reports its head', () => {
    const events = chainOf(5);
    assert.equal(events[0]?.prevHash, AUDIT_GENESIS_HASH);
    assert.deepEqual(verifyAuditChain(events), {
      ok: true,
      checked: 5,
      head: { seq: 5, hash: hashOf(events, 5) },
      anchorsChecked: 0,
    });
    assert.deepEqual(verifyAuditChain([]), { ok: true, checked: 0, anchorsChecked: 0 });
  });

  test('names an edited event: its hash no longer matches its contents', () => {
    const events = chainOf(5);
    events[2] = { ...(events[2] as ChainedAuditEvent), message: 'Nothing was deleted.' };
    const report = verifyAuditChain(events);
    assertBreak(report, 3, 'edited');
    assert.equal(report.firstBad?.message, 'Audit event 3 was edited: its hash does not match its contents.');
    const nested = chainOf(5);
    nested[1] = { ...(nested[1] as ChainedAuditEvent), details: { n: 2, nested: { b: [2, 'y'], a: null } } };
    assertBreak(verifyAuditChain(nested), 2, 'edited');
  });

  test('names an event edited with its hash recomputed: the next one no longer chains to it', () => {
    const events = chainOf(5);
    const edited = { ...(events[2] as ChainedAuditEvent), outcome: 'ok', message: 'Rewritten.' };
    events[2] = { ...edited, hash: auditEventHash(edited, edited.prevHash) };
    assertBreak(verifyAuditChain(events), 3, 'edited', /recomputed/);
  });

  test('names a deleted event, a deleted range and a deleted first event', () => {
    const events = chainOf(6);
    assertBreak(
      verifyAuditChain(events.filter((e) => e.seq !== 3)),
      3,
      'deleted',
      /^Audit event 3 was deleted: event 2 is followed by the event recorded as 4\.$/,
    );
    assertBreak(
      verifyAuditChain(events.filter((e) => e.seq !== 3 && e.seq !== 4)),
      3,
      'deleted',
      /^Audit events 3–4 were deleted/,
    );
    assertBreak(verifyAuditChain(events.slice(1)), 1, 'deleted', /the trail starts with the event recorded as 2/);
  });

  test('names a deleted event when the later ones were renumbered to close the gap', () => {
    const events = renumbered(chainOf(6).filter((e) => e.seq !== 3));
    assertBreak(verifyAuditChain(events), 3, 'deleted', /recorded as 4 \(now numbered 3\)/);
  });

  test('names a forged event inserted with a plausible hash, the later ones renumbered', () => {
    const events = chainOf(5);
    const tampered = renumbered([...events.slice(0, 2), forged(3, hashOf(events, 2)), ...events.slice(2)]);
    assertBreak(verifyAuditChain(tampered), 3, 'inserted', /the event recorded as 3 now sits at 4/);
  });

  test('names a forged event appended that does not chain, and a replayed copy', () => {
    const events = chainOf(5);
    assertBreak(verifyAuditChain([...events, forged(6, 'f'.repeat(64))]), 6, 'inserted', /does not chain to event 5/);
    const copy = { ...(events[1] as ChainedAuditEvent), seq: 6 };
    assertBreak(verifyAuditChain([...events, copy]), 6, 'inserted', /repeats event 2/);
  });

  test('names reordered events: two swapped, two adjacent swapped, one moved to the end', () => {
    const events = chainOf(6);
    const swap = (a: number, b: number): ChainedAuditEvent[] =>
      events.map((e) => {
        const other = e.seq === a ? b : e.seq === b ? a : e.seq;
        return { ...(events[other - 1] as ChainedAuditEvent), seq: e.seq };
      });
    assertBreak(verifyAuditChain(swap(2, 5)), 2, 'reordered', /recorded as event 5 .* appears later, at 5/);
    assertBreak(verifyAuditChain(swap(3, 4)), 3, 'reordered');
    const moved = [...events.filter((e) => e.seq !== 3), { ...(events[2] as ChainedAuditEvent), seq: 100 }];
    assertBreak(verifyAuditChain(moved), 4, 'reordered', /after event 3, which appears later, at 100/);
  });

  test('diagnoses a long reordered block without running out of stack', () => {
    const events = chainOf(3000);
    const reversed = [...events.slice(0, 10), ...events.slice(10).reverse()].map((e, i) => ({ ...e, seq: i + 1 }));
    assertBreak(verifyAuditChain(reversed), 11, 'reordered');
  });

  test('matches the cursor that walks a chain page by page', () => {
    const events = chainOf(5);
    const cursor = new AuditChainCursor();
    assert.deepEqual(
      events.map((e) => cursor.accept(e)),
      [true, true, true, true, true],
    );
    assert.deepEqual(cursor.head, { seq: 5, hash: hashOf(events, 5) });
    const broken = chainOf(5);
    broken[3] = { ...(broken[3] as ChainedAuditEvent), actor: 'mallory' };
    const second = new AuditChainCursor();
    assert.deepEqual(
      broken.map((e) => second.accept(e)),
      [true, true, true, false, false],
    );
  });
});

describe('verifyAuditChain with anchors', () => {
  const anchorAt = (events: readonly ChainedAuditEvent[], seq: number): AuditAnchor => ({
    seq,
    hash: hashOf(events, seq),
    at: START_MS + 100_000 + seq,
  });

  test('accepts a chain that agrees with every anchor and reports the newest', () => {
    const events = chainOf(6);
    const report = verifyAuditChain(events, [anchorAt(events, 4), anchorAt(events, 2)]);
    assert.equal(report.ok, true);
    assert.equal(report.anchorsChecked, 2);
    assert.deepEqual(report.newestAnchor, anchorAt(events, 4));
  });

  test('catches a truncated catalog: an anchor names an event beyond its head', () => {
    const events = chainOf(6);
    const report = verifyAuditChain(events.slice(0, 3), [anchorAt(events, 5)]);
    assertBreak(
      report,
      4,
      'anchor-mismatch',
      /^Audit events 4–5 are missing: .* ends at event 3; the catalog was truncated\.$/,
    );
    assertBreak(verifyAuditChain([], [anchorAt(events, 1)]), 1, 'anchor-mismatch', /holds no event/);
  });

  test('catches a catalog rewritten consistently from an edited event on', () => {
    const events = chainOf(6);
    const rewritten = rechain(events.map((e) => (e.seq === 3 ? { ...e, message: 'Rewritten.' } : e)));
    assert.equal(verifyAuditChain(rewritten).ok, true, 'without anchors the rewrite cannot be seen');
    const report = verifyAuditChain(rewritten, [anchorAt(events, 2), anchorAt(events, 5)]);
    assertBreak(
      report,
      5,
      'anchor-mismatch',
      /does not match the anchor written to storage at .*: the catalog was rewritten/,
    );
  });

  test('reports the chain break when it comes before the anchor mismatch', () => {
    const events = chainOf(6);
    const tampered = events.filter((e) => e.seq !== 2 && e.seq !== 6);
    assertBreak(verifyAuditChain(tampered, [anchorAt(events, 6)]), 2, 'deleted');
  });
});
