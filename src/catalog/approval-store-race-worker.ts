/**
 * A worker thread of approval-store.test.ts: opens its own connection to the catalog file, waits for
 * the start signal so that all workers act at the same moment, then claims or approves one request
 * and reports how it went.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAmberError } from '../core/errors.js';
import { ApprovalStore } from './approval-store.js';
import { openApprovalDatabase } from './approval-store-testing.js';

export interface RaceTask {
  readonly file: string;
  readonly approvalId: string;
  readonly action: 'claim' | 'approve';
  readonly voter: string;
  readonly nowMs: number;
  /** Int32 slot 0 turns 1 when every worker is ready. */
  readonly start: SharedArrayBuffer;
}

export type RaceResult =
  | { readonly kind: 'claimed' | 'not-claimed' }
  | { readonly kind: 'voted'; readonly status: string; readonly becameApproved: boolean }
  | { readonly kind: 'refused'; readonly code: string };

async function run(task: RaceTask): Promise<RaceResult> {
  const db = await openApprovalDatabase(task.file);
  try {
    const store = new ApprovalStore(db, task.file);
    parentPort?.postMessage('ready');
    Atomics.wait(new Int32Array(task.start), 0, 0);
    if (task.action === 'claim') {
      const claimed = await store.claimForExecution(task.approvalId, task.nowMs);
      return { kind: claimed === undefined ? 'not-claimed' : 'claimed' };
    }
    try {
      const voter = { user: task.voter, holdsApprovalGrant: true };
      const { request, becameApproved } = await store.vote(task.approvalId, voter, 'approve', undefined, task.nowMs);
      return { kind: 'voted', status: request.status, becameApproved };
    } catch (error) {
      if (isAmberError(error)) return { kind: 'refused', code: error.code };
      throw error;
    }
  } finally {
    await db.destroy();
  }
}

run(workerData as RaceTask).then(
  (result) => parentPort?.postMessage(result),
  (error: unknown) => parentPort?.postMessage({ kind: 'refused', code: `crash: ${String(error)}` }),
);
