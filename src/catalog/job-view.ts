import type { JobRecord } from './server-catalog.js';

/** A job as the API shows it (times in epoch ms, JSON columns parsed). */
export interface JobView {
  readonly id: string;
  readonly vault: string;
  readonly item: string;
  readonly agent: string | null;
  readonly kind: JobRecord['kind'];
  readonly trigger: JobRecord['trigger'];
  readonly scheduledFor: number | null;
  readonly status: JobRecord['status'];
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly requestedBy: string;
  readonly pointId: string | null;
  readonly files: number | null;
  readonly bytes: number | null;
  readonly addedBytes: number | null;
  readonly durationMs: number | null;
  readonly warnings: number | null;
  readonly progress: Record<string, number> | null;
  readonly message: string | null;
  readonly params: Record<string, unknown>;
}

/** The API's view of a job record: camelCase, JSON columns parsed. */
export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    vault: job.vault,
    item: job.item,
    agent: job.agent,
    kind: job.kind,
    trigger: job.trigger,
    scheduledFor: job.scheduled_for,
    status: job.status,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    requestedBy: job.requested_by,
    pointId: job.point_id,
    files: job.files,
    bytes: job.bytes,
    addedBytes: job.added_bytes,
    durationMs: job.duration_ms,
    warnings: job.warnings,
    progress: job.progress === null ? null : (JSON.parse(job.progress) as Record<string, number>),
    message: job.message,
    params: JSON.parse(job.params) as Record<string, unknown>,
  };
}
