import { asBlobId, asPointId, asVaultId, type PointId } from '../../core/ids.js';
import type { PointRow } from '../point-row.js';

/** A 64-hex point id that starts with `hexPrefix` (padded with zeros). */
export function pointIdFor(hexPrefix: string): PointId {
  return asPointId(hexPrefix.padEnd(64, '0'));
}

/** A plausible PointRow for tests; override what the test is about. */
export function makePointRow(overrides: Partial<PointRow> = {}): PointRow {
  return {
    id: pointIdFor('a1'),
    vaultId: asVaultId('0123456789abcdef0123456789abcdef'),
    item: 'host-a:/home',
    createdAt: 1_767_225_600_000,
    retainUntil: 1_767_225_600_000 + 30 * 86_400_000,
    tags: ['daily'],
    hostname: 'host-a',
    paths: ['/home'],
    root: asBlobId('f'.repeat(64)),
    files: 12,
    dirs: 3,
    sizeBytes: 4_096,
    addedBytes: 1_024,
    addedStoredBytes: 512,
    lockMode: 'governance',
    legalHold: false,
    ...overrides,
  };
}
