import { useState } from 'react';
import { seg } from '../api/api-client.js';
import type { Point, Vault } from '../api/types.js';
import { RetentionTimeline } from '../charts/retention-timeline.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Loading } from '../components/field.js';
import { nowMs } from '../lib/clock.js';
import { formatBytes, formatDateTime, formatIso, formatRelative, shortId } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';
import { DeletePointDialog, PointDetailsDialog } from './point-dialogs.js';

/** Recovery points: the retention timeline, the table, details, restore, legal holds and deletion. */
export function PointsPanel({ vault, onChanged }: { readonly vault: Vault; readonly onChanged: () => void }) {
  const api = useApi();
  const { session } = useSession();
  const points = useResource(() => api.get<Point[]>(`/api/v1/vaults/${seg(vault.name)}/points`), [api, vault.name]);
  const [details, setDetails] = useState<Point | undefined>(undefined);
  const [deleting, setDeleting] = useState<Point | undefined>(undefined);
  const now = nowMs();
  const changed = (): void => {
    points.reload();
    onChanged();
  };

  return (
    <section aria-labelledby="points-title">
      <div className="section-header">
        <h2 id="points-title">Recovery points</h2>
      </div>
      <ErrorNotice error={points.error} />
      {points.data === undefined ? (
        points.error === undefined ? (
          <Loading what="recovery points" />
        ) : null
      ) : points.data.length === 0 ? (
        <p className="muted">No recovery points yet.</p>
      ) : (
        <>
          <section className="card" aria-labelledby="timeline-title">
            <h3 id="timeline-title">Retention timeline</h3>
            <RetentionTimeline points={points.data} nowMs={now} />
          </section>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Recovery points table">
            <table className="table table-stack" data-testid="points-table">
              <thead>
                <tr>
                  <th scope="col">Point</th>
                  <th scope="col">Item</th>
                  <th scope="col">Created</th>
                  <th scope="col">Retained until</th>
                  <th scope="col">Lock</th>
                  <th scope="col">Legal hold</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {[...points.data].reverse().map((point) => (
                  <tr key={point.id} data-point={point.id}>
                    <th scope="row" className="mono" title={point.id}>
                      {shortId(point.id)}
                    </th>
                    <td data-label="Item">{point.item}</td>
                    <td data-label="Created">{formatDateTime(point.createdAt)}</td>
                    <td data-label="Retained until" title={formatIso(point.retainUntil)}>
                      {formatDateTime(point.retainUntil)}{' '}
                      <span className="muted small">
                        ({point.retainUntil > now ? formatRelative(point.retainUntil, now) : 'expired'})
                      </span>
                    </td>
                    <td data-label="Lock">{point.lockMode}</td>
                    <td data-label="Legal hold">
                      {point.legalHold ? <span className="badge badge-warn">held</span> : 'no'}
                    </td>
                    <td data-label="Size" className="num">
                      {formatBytes(point.sizeBytes)}
                    </td>
                    <td data-label="Actions" className="actions">
                      <button type="button" onClick={() => setDetails(point)}>
                        Details<span className="sr-only"> of point {shortId(point.id)}</span>
                      </button>
                      {can(session, 'point.delete') ? (
                        <button type="button" className="button-danger-quiet" onClick={() => setDeleting(point)}>
                          Delete<span className="sr-only"> point {shortId(point.id)}</span>
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <PointDetailsDialog vault={vault} point={details} onClose={() => setDetails(undefined)} onChanged={changed} />
      <DeletePointDialog vault={vault} point={deleting} onClose={() => setDeleting(undefined)} onDeleted={changed} />
    </section>
  );
}
