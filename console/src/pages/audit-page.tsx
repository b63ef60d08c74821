import { useState, type FormEvent } from 'react';
import { seg, type Query } from '../api/api-client.js';
import type { AuditEvent, AuditVerifyReport, Vault } from '../api/types.js';
import { OutcomeBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field, Loading, PageHeader } from '../components/field.js';
import { formatDateTime, formatIso, shortId } from '../lib/format.js';
import { useRouter } from '../lib/router.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi } from '../session/session-context.js';

interface Filters {
  readonly actor: string;
  readonly action: string;
  readonly outcome: '' | 'ok' | 'refused' | 'failed';
}

const EMPTY: Filters = { actor: '', action: '', outcome: '' };
const PAGE = 200;

/** The server's trail or a vault's, filtered, with the hash chain's status and CSV/JSONL export. */
export function AuditPage() {
  const api = useApi();
  const { search, navigate } = useRouter();
  const source = new URLSearchParams(search).get('vault') ?? '';
  const vaults = useResource(() => api.get<Vault[]>('/api/v1/vaults'), [api]);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [shown, setShown] = useState(PAGE);
  const base = source === '' ? '/api/v1/audit' : `/api/v1/vaults/${seg(source)}/audit`;
  const query: Query = { actor: filters.actor, action: filters.action, outcome: filters.outcome, limit: 10_000 };
  const events = useResource(() => api.get<AuditEvent[]>(base, query), [api, base, filters]);
  const chain = useResource(() => api.get<AuditVerifyReport>(`${base}/verify`), [api, base]);

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    setShown(PAGE);
    setFilters({ actor: draft.actor.trim(), action: draft.action.trim(), outcome: draft.outcome });
  };
  const newest = [...(events.data ?? [])].reverse();

  return (
    <>
      <PageHeader title="Audit trail" />
      <form className="form filters" onSubmit={apply} aria-label="Audit filters">
        <Field label="Trail">
          <select
            value={source}
            onChange={(e) => navigate(e.target.value === '' ? '/audit' : `/audit?vault=${seg(e.target.value)}`)}
          >
            <option value="">Server (sign-ins, users, approvals, jobs, clock)</option>
            {(vaults.data ?? []).map((v) => (
              <option key={v.name} value={v.name}>
                Vault {v.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Actor">
          <input
            value={draft.actor}
            placeholder="user:alice"
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </Field>
        <Field label="Action (prefix)">
          <input
            value={draft.action}
            placeholder="immutability"
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
        </Field>
        <Field label="Outcome">
          <select
            value={draft.outcome}
            onChange={(e) => setDraft({ ...draft, outcome: e.target.value as Filters['outcome'] })}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="refused">refused</option>
            <option value="failed">failed</option>
          </select>
        </Field>
        <button type="submit">Apply filters</button>
      </form>
      <div className="toolbar">
        <ChainStatus report={chain.data} loading={chain.data === undefined && chain.error === undefined} />
        <ExportButtons base={base} query={query} name={source === '' ? 'server' : source} />
      </div>
      <ErrorNotice error={events.error ?? chain.error} />
      {events.data === undefined ? (
        events.error === undefined ? (
          <Loading what="the audit trail" />
        ) : null
      ) : newest.length === 0 ? (
        <p className="muted">No events match.</p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit events table">
            <table className="table table-dense" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {newest.slice(0, shown).map((event) => (
                  <tr key={event.seq}>
                    <td className="num">{event.seq}</td>
                    <td className="nowrap" title={formatIso(event.at)}>
                      {formatDateTime(event.at)}
                    </td>
                    <td>{event.actor}</td>
                    <td className="mono">{event.action}</td>
                    <td className="mono nowrap" title={event.target}>
                      {shortId(event.target, 16)}
                    </td>
                    <td>
                      <OutcomeBadge outcome={event.outcome} />
                      {event.code === undefined ? null : <div className="mono small code">{event.code}</div>}
                    </td>
                    <td className="message">{event.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {newest.length > shown ? (
            <button type="button" onClick={() => setShown(shown + PAGE)}>
              Show older events ({newest.length - shown} more)
            </button>
          ) : null}
        </>
      )}
    </>
  );
}

function ChainStatus({
  report,
  loading,
}: {
  readonly report: AuditVerifyReport | undefined;
  readonly loading: boolean;
}) {
  if (loading) return <span className="muted">Verifying the hash chain…</span>;
  if (report === undefined) return null;
  if (report.ok) {
    return (
      <span className="badge badge-ok" data-testid="chain-status" role="status">
        Chain intact: {report.checked} events checked
        {report.anchorsChecked > 0 ? `, ${report.anchorsChecked} anchors` : ''}
      </span>
    );
  }
  return (
    <span className="badge badge-bad" data-testid="chain-status" role="alert">
      Chain broken{report.firstBad === undefined ? '' : ` at #${report.firstBad.seq}: ${report.firstBad.message}`}
    </span>
  );
}

/** Downloads the filtered trail; the token travels in a header, the file is built in the browser. */
function ExportButtons({ base, query, name }: { readonly base: string; readonly query: Query; readonly name: string }) {
  const api = useApi();
  const action = useAction();
  const download = async (format: 'csv' | 'jsonl'): Promise<void> => {
    const blob = await action.run(() => api.blob(base, { ...query, format }));
    if (blob === undefined) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `amber-audit-${name}.${format}`;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div className="export">
      <button type="button" onClick={() => void download('csv')} disabled={action.pending}>
        Export CSV
      </button>
      <button type="button" onClick={() => void download('jsonl')} disabled={action.pending}>
        Export JSONL
      </button>
      <ErrorNotice error={action.error} />
    </div>
  );
}
