/** The S3 benchmark's figures: S3 requests by type, per step and per GB, and the tables it prints. */

export const REQUEST_TYPES = ['PUT', 'retention', 'legal hold', 'HEAD', 'LIST', 'DELETE', 'GET', 'other'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export type RequestsByType = Readonly<Record<RequestType, number>>;

/** SDK command name → request type. Multipart parts count as PUTs (one request each). */
const TYPE_OF_COMMAND: Readonly<Record<string, RequestType>> = {
  PutObjectCommand: 'PUT',
  CreateMultipartUploadCommand: 'PUT',
  UploadPartCommand: 'PUT',
  CompleteMultipartUploadCommand: 'PUT',
  AbortMultipartUploadCommand: 'PUT',
  CopyObjectCommand: 'PUT',
  PutObjectRetentionCommand: 'retention',
  GetObjectRetentionCommand: 'retention',
  PutObjectLegalHoldCommand: 'legal hold',
  GetObjectLegalHoldCommand: 'legal hold',
  HeadObjectCommand: 'HEAD',
  HeadBucketCommand: 'HEAD',
  ListObjectVersionsCommand: 'LIST',
  ListObjectsV2Command: 'LIST',
  ListObjectsCommand: 'LIST',
  DeleteObjectCommand: 'DELETE',
  DeleteObjectsCommand: 'DELETE',
  GetObjectCommand: 'GET',
};

/** Sums `S3Store.requestCounts` (by SDK command name) into the benchmark's request types. */
export function classifyRequests(counts: Iterable<readonly [string, number]>): RequestsByType {
  const out: Record<RequestType, number> = {
    PUT: 0,
    retention: 0,
    'legal hold': 0,
    HEAD: 0,
    LIST: 0,
    DELETE: 0,
    GET: 0,
    other: 0,
  };
  for (const [command, count] of counts) out[TYPE_OF_COMMAND[command] ?? 'other'] += count;
  return out;
}

/** One measured step: a backup, a restore, a legal hold round, maintenance. */
export interface StepResult {
  readonly label: string;
  readonly durationMs: number;
  /** Bytes of source data the step read or wrote (the tree backed up or restored); 0 when not a data step. */
  readonly dataBytes: number;
  /** Bytes the step added to the vault (new packs after compression and encryption). */
  readonly addedBytes: number;
  readonly requests: RequestsByType;
  /** `PutObjectRetention` requests: lock extensions (and governance → compliance changes). */
  readonly lockExtensions: number;
}

const GB = 1e9;
const MB = 1e6;

/** Megabytes (10^6 bytes) of data per second, or null when the step moved no data. */
export function throughputMBps(step: StepResult): number | null {
  if (step.dataBytes === 0 || step.durationMs <= 0) return null;
  return step.dataBytes / MB / (step.durationMs / 1000);
}

/** Requests of each type per GB (10^9 bytes) of the step's data. */
export function requestsPerGB(step: StepResult): RequestsByType {
  const gb = step.dataBytes / GB;
  const out = {} as Record<RequestType, number>;
  for (const type of REQUEST_TYPES) out[type] = gb > 0 ? step.requests[type] / gb : 0;
  return out;
}

/** A plain text table: first column left-aligned, the others right-aligned, as src/bench's tables. */
export function renderRows(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}

const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);

/** Every step: time, throughput, bytes added, and S3 requests by type. */
export function renderStepTable(steps: readonly StepResult[]): string {
  const header = ['step', 'time s', 'MB/s', 'added MiB', ...REQUEST_TYPES, 'lock ext.'];
  const rows = steps.map((s) => {
    const rate = throughputMBps(s);
    return [
      s.label,
      (s.durationMs / 1000).toFixed(2),
      rate === null ? '—' : rate.toFixed(1),
      mib(s.addedBytes),
      ...REQUEST_TYPES.map((t) => String(s.requests[t])),
      String(s.lockExtensions),
    ];
  });
  return renderRows(header, rows);
}

/** Requests by type per GB of data, for the steps that moved data (full backup, restore). */
export function renderPerGbTable(steps: readonly StepResult[]): string {
  const rows = steps
    .filter((s) => s.dataBytes > 0)
    .map((s) => {
      const perGb = requestsPerGB(s);
      return [s.label, ...REQUEST_TYPES.map((t) => perGb[t].toFixed(perGb[t] < 10 ? 1 : 0))];
    });
  return renderRows(['requests per GB', ...REQUEST_TYPES], rows);
}
