import { seg } from '../api/api-client.js';
import type { Item, Job, Point, Vault } from '../api/types.js';
import { AreaChart } from '../charts/area-chart.js';
import { BarChart } from '../charts/bar-chart.js';
import { JobStatusBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Loading, PageHeader } from '../components/field.js';
import { nowMs } from '../lib/clock.js';
import { formatBytes, formatDateTime, shortId } from '../lib/format.js';
import { Link } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';
import { backupsPerDay, itemHealth, lastDays, storageOverTime } from './dashboard-stats.js';

const DAYS = 14;
const JOB_POLL_MS = 3000;
const formatCount = (v: number): string => (Number.isInteger(v) ? String(v) : '');

interface Overview {
  readonly vaults: readonly Vault[];
  readonly points: readonly Point[];
  readonly items: readonly (Item & { readonly vault: string })[];
}

/** Items healthy/failed, storage used over time, backups per day, and jobs with their progress. */
export function DashboardPage() {
  const api = useApi();
  const { session } = useSession();
  const overview = useResource(async (): Promise<Overview> => {
    const vaults = await api.get<Vault[]>('/api/v1/vaults');
    const perVault = await Promise.all(
      vaults.map(async (v) => {
        const [points, items] = await Promise.all([
          can(session, 'point.read') ? api.get<Point[]>(`/api/v1/vaults/${seg(v.name)}/points`) : Promise.resolve([]),
          api.get<Item[]>(`/api/v1/vaults/${seg(v.name)}/items`),
        ]);
        return { points, items: items.map((i) => ({ ...i, vault: v.name })) };
      }),
    );
    return { vaults, points: perVault.flatMap((p) => p.points), items: perVault.flatMap((p) => p.items) };
  }, [api, session]);
  const jobs = useResource(() => api.get<Job[]>('/api/v1/jobs', { limit: 50 }), [api], JOB_POLL_MS);
  const days = lastDays(nowMs(), DAYS);

  return (
    <>
      <PageHeader title="Dashboard" />
      <ErrorNotice error={overview.error} />
      {overview.data === undefined ? (
        overview.error === undefined ? (
          <Loading what="the overview" />
        ) : null
      ) : (
        <div className="grid-2">
          <HealthCard overview={overview.data} />
          <section className="card" aria-labelledby="storage-title">
            <h2 id="storage-title">Storage used</h2>
            <AreaChart
              data={storageOverTime(overview.data.points, days)}
              title={`Storage used over the last ${DAYS} days`}
              formatValue={formatBytes}
              testId="storage-chart"
            />
          </section>
          <section className="card" aria-labelledby="backups-title">
            <h2 id="backups-title">Backups per day</h2>
            <BarChart
              data={backupsPerDay(overview.data.points, days)}
              title={`Backups per day over the last ${DAYS} days`}
              formatValue={formatCount}
              testId="backups-chart"
            />
          </section>
          <JobsCard jobs={jobs.data} error={jobs.error} />
        </div>
      )}
    </>
  );
}

function HealthCard({ overview }: { readonly overview: Overview }) {
  const health = itemHealth(overview.items);
  const locked = overview.vaults.filter((v) => v.state === 'locked').length;
  return (
    <section className="card" aria-labelledby="health-title" data-testid="health">
      <h2 id="health-title">Protected items</h2>
      <div className="stats">
        <div className="stat stat-ok">
          <span className="stat-value">{health.healthy}</span> healthy
        </div>
        <div className={health.failed > 0 ? 'stat stat-bad' : 'stat'}>
          <span className="stat-value">{health.failed}</span> failed
        </div>
        <div className="stat">
          <span className="stat-value">{health.waiting}</span> not backed up yet
        </div>
      </div>
      {health.failedItems.length === 0 ? null : (
        <ul className="compact">
          {health.failedItems.map((f) => (
            <li key={`${f.vault}/${f.item}`}>
              <Link to={`/vaults/${seg(f.vault)}/items`}>
                {f.vault} / {f.item}
              </Link>
              {f.message === null ? '' : `: ${f.message}`}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">
        {overview.vaults.length} vault{overview.vaults.length === 1 ? '' : 's'}, {locked} locked ·{' '}
        {overview.points.length} recovery points
      </p>
    </section>
  );
}

function JobsCard({
  jobs,
  error,
}: {
  readonly jobs: readonly Job[] | undefined;
  readonly error: Parameters<typeof ErrorNotice>[0]['error'];
}) {
  const active = (jobs ?? []).filter((j) => j.status === 'running' || j.status === 'queued');
  const recent = (jobs ?? []).filter((j) => j.status !== 'running' && j.status !== 'queued').slice(0, 8);
  return (
    <section className="card" aria-labelledby="jobs-title" data-testid="jobs">
      <h2 id="jobs-title">Jobs</h2>
      <ErrorNotice error={error} />
      {jobs === undefined ? (
        error === undefined ? (
          <Loading what="jobs" />
        ) : null
      ) : (
        <>
          <h3>Running and queued</h3>
          {active.length === 0 ? <p className="muted">None right now.</p> : null}
          <ul className="jobs">
            {active.map((job) => (
              <li key={job.id}>
                <JobLine job={job} />
                <JobProgressBar job={job} />
              </li>
            ))}
          </ul>
          <h3>Recent</h3>
          {recent.length === 0 ? <p className="muted">No finished jobs yet.</p> : null}
          <ul className="jobs">
            {recent.map((job) => (
              <li key={job.id}>
                <JobLine job={job} />
                {job.status === 'failed' && job.message !== null ? (
                  <div className="small bad-text">{job.message}</div>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function JobLine({ job }: { readonly job: Job }) {
  return (
    <div className="job-line">
      <JobStatusBadge status={job.status} /> {job.kind} of{' '}
      <Link to={`/vaults/${seg(job.vault)}/items`}>
        {job.vault} / {job.item}
      </Link>
      <span className="muted small">
        {' '}
        · {job.agent ?? 'no agent'} · {formatDateTime(job.finishedAt ?? job.startedAt ?? job.createdAt)}
        {job.pointId === null ? '' : ` · point ${shortId(job.pointId)}`}
      </span>
    </div>
  );
}

function JobProgressBar({ job }: { readonly job: Job }) {
  const done = job.progress?.bytesDone ?? 0;
  const total = job.progress?.bytesTotal ?? 0;
  const label = `Progress of ${job.kind} ${job.item}`;
  if (job.status !== 'running' || total === 0) {
    return <progress aria-label={label} className="progress" />;
  }
  return (
    <div className="progress-row">
      <progress aria-label={label} className="progress" value={done} max={total} />
      <span className="small">
        {formatBytes(done)} of {formatBytes(total)} · {job.progress?.filesDone ?? 0} of {job.progress?.filesTotal ?? 0}{' '}
        files
      </span>
    </div>
  );
}
