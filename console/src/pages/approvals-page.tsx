import { useState, type FormEvent } from 'react';
import { seg } from '../api/api-client.js';
import type { ApprovalRequest, ApprovalStatus } from '../api/types.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field, Loading, PageHeader } from '../components/field.js';
import { nowMs } from '../lib/clock.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can, type Session } from '../session/session-store.js';
import { ApprovalSettingsCard } from './approval-settings-card.js';

const FILTERS: readonly (ApprovalStatus | '')[] = [
  'pending',
  '',
  'executed',
  'rejected',
  'expired',
  'failed',
  'cancelled',
];

/** The approvals inbox (security officers vote; requesters withdraw) and the approval settings. */
export function ApprovalsPage() {
  const api = useApi();
  const { session } = useSession();
  const [status, setStatus] = useState<ApprovalStatus | ''>('pending');
  const requests = useResource(
    () => api.get<ApprovalRequest[]>('/api/v1/approvals', { status: status === '' ? undefined : status }),
    [api, status],
    10_000,
  );
  return (
    <>
      <PageHeader title="Approvals" />
      <p className="muted">
        Protected operations wait here for approvals by security officers other than the requester; the last approval
        runs the operation.
      </p>
      <Field label="Show" className="field-inline">
        <select value={status} onChange={(e) => setStatus(e.target.value as ApprovalStatus | '')}>
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {f === '' ? 'all requests' : f}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNotice error={requests.error} />
      {requests.data === undefined ? (
        requests.error === undefined ? (
          <Loading what="approval requests" />
        ) : null
      ) : requests.data.length === 0 ? (
        <p className="muted" data-testid="approvals-empty">
          No {status === '' ? '' : `${status} `}requests.
        </p>
      ) : (
        <ul className="cards" data-testid="approvals-list">
          {requests.data.map((request) => (
            <li key={request.id}>
              <ApprovalCard request={request} session={session} onChanged={requests.reload} />
            </li>
          ))}
        </ul>
      )}
      <ApprovalSettingsCard />
    </>
  );
}

function ApprovalCard({
  request,
  session,
  onChanged,
}: {
  readonly request: ApprovalRequest;
  readonly session: Session | undefined;
  readonly onChanged: () => void;
}) {
  const api = useApi();
  const action = useAction();
  const [comment, setComment] = useState('');
  const approvals = request.votes.filter((v) => v.decision === 'approve').length;
  const mine = request.requester === `user:${session?.user ?? ''}`;
  const pending = request.status === 'pending';

  const vote = async (decision: 'approve' | 'reject' | 'cancel', event?: FormEvent): Promise<void> => {
    event?.preventDefault();
    const body = decision === 'cancel' ? {} : comment.trim() === '' ? {} : { comment: comment.trim() };
    if ((await action.run(() => api.post(`/api/v1/approvals/${seg(request.id)}/${decision}`, body))) !== undefined)
      onChanged();
  };

  return (
    <article className="card approval" data-approval={request.id} aria-labelledby={`title-${request.id}`}>
      <header className="approval-head">
        <h2 id={`title-${request.id}`}>{request.summary}</h2>
        <span className={`badge status-${request.status}`} data-testid="approval-status">
          {request.status}
        </span>
      </header>
      <dl className="facts">
        <dt>Request</dt>
        <dd className="mono">{request.id}</dd>
        <dt>Requested by</dt>
        <dd>
          {request.requester} at {formatDateTime(request.createdAt)}
        </dd>
        {request.reason === undefined ? null : (
          <>
            <dt>Reason</dt>
            <dd>{request.reason}</dd>
          </>
        )}
        <dt>Approvals</dt>
        <dd>
          {approvals} of {request.required}
        </dd>
        <dt>{pending ? 'Expires' : 'Decided'}</dt>
        <dd>
          {pending
            ? `${formatDateTime(request.expiresAt)} (${formatRelative(request.expiresAt, nowMs())})`
            : formatDateTime(request.decidedAt ?? request.finishedAt)}
        </dd>
      </dl>
      {request.votes.length === 0 ? null : (
        <ul className="votes">
          {request.votes.map((v) => (
            <li key={`${v.voter}-${v.at}`}>
              {v.voter} {v.decision === 'approve' ? 'approved' : 'rejected'} at {formatDateTime(v.at)}
              {v.comment === undefined ? '' : `: “${v.comment}”`}
            </li>
          ))}
        </ul>
      )}
      {request.status === 'failed' ? <p className="bad-text">{failureOf(request.result)}</p> : null}
      <ErrorNotice error={action.error} />
      {pending && can(session, 'approval.grant') && !mine ? (
        <form className="form form-inline" onSubmit={(e) => void vote('approve', e)}>
          <Field label="Comment">
            <input maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} />
          </Field>
          <button type="submit" className="button-primary" disabled={action.pending}>
            Approve
          </button>
          <button type="button" className="button-danger" disabled={action.pending} onClick={() => void vote('reject')}>
            Reject
          </button>
        </form>
      ) : null}
      {pending && mine ? (
        <button type="button" onClick={() => void vote('cancel')} disabled={action.pending}>
          Withdraw my request
        </button>
      ) : null}
    </article>
  );
}

function failureOf(result: unknown): string {
  const error = (result as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? `The operation failed: ${error.message}` : 'The operation failed.';
}
