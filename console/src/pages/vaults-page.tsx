import { useState, type ChangeEvent, type FormEvent } from 'react';
import type { CreatedVault, Vault } from '../api/types.js';
import { DataLockMode } from '../components/badges.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Field, Loading, PageHeader } from '../components/field.js';
import { PreflightReport } from '../components/preflight-report.js';
import { formatBytes, formatDays } from '../lib/format.js';
import { Link } from '../lib/router.js';
import { useAction, useResource } from '../lib/use-resource.js';
import { useApi, useSession } from '../session/session-context.js';
import { can } from '../session/session-store.js';
import { seg } from '../api/api-client.js';

/** Every vault with its Data Lock Mode, size, points and guardrails; admins create vaults here. */
export function VaultsPage() {
  const api = useApi();
  const { session } = useSession();
  const vaults = useResource(() => api.get<Vault[]>('/api/v1/vaults'), [api]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedVault | undefined>(undefined);

  return (
    <>
      <PageHeader title="Vaults">
        {can(session, 'vault.manage') ? (
          <button type="button" className="button-primary" onClick={() => setCreating(true)}>
            Create vault
          </button>
        ) : null}
      </PageHeader>
      {created === undefined ? null : (
        <section className="card" aria-labelledby="created-title" data-testid="vault-created">
          <h2 id="created-title">
            Vault <Link to={`/vaults/${seg(created.name)}`}>{created.name}</Link> created
          </h2>
          <PreflightReport report={created.preflight} />
        </section>
      )}
      <ErrorNotice error={vaults.error} />
      {vaults.data === undefined ? (
        vaults.error === undefined ? (
          <Loading what="vaults" />
        ) : null
      ) : (
        <VaultTable vaults={vaults.data} />
      )}
      <Dialog open={creating} title="Create a vault" onClose={() => setCreating(false)}>
        <CreateVaultForm
          onCreated={(vault) => {
            setCreating(false);
            setCreated(vault);
            vaults.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
    </>
  );
}

function VaultTable({ vaults }: { readonly vaults: readonly Vault[] }) {
  if (vaults.length === 0) return <p className="muted">No vaults yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Vaults table">
      <table className="table table-stack" data-testid="vaults-table">
        <caption className="sr-only">Vaults</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Storage</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Points
            </th>
            <th scope="col">Data Lock Mode</th>
            <th scope="col">Min retention</th>
            <th scope="col">Max retention</th>
          </tr>
        </thead>
        <tbody>
          {vaults.map((vault) => (
            <tr key={vault.name} data-vault={vault.name}>
              <th scope="row">
                <Link to={`/vaults/${seg(vault.name)}`}>{vault.name}</Link>
              </th>
              <td data-label="Kind">{vault.kind}</td>
              <td data-label="Storage" className="mono wrap">
                {vault.location}
              </td>
              <td
                data-label="Size"
                className="num"
                title={`${formatBytes(vault.storedBytes)} stored after deduplication and compression`}
              >
                {formatBytes(vault.sizeBytes)}
              </td>
              <td data-label="Points" className="num">
                {vault.points}
              </td>
              <td data-label="Data Lock Mode">
                <DataLockMode vault={vault} />
              </td>
              <td data-label="Min retention">{formatDays(vault.minRetentionDays)}</td>
              <td data-label="Max retention">{formatDays(vault.maxRetentionDays)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreateVaultForm({
  onCreated,
  onCancel,
}: {
  readonly onCreated: (vault: CreatedVault) => void;
  readonly onCancel: () => void;
}) {
  const api = useApi();
  const action = useAction();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'local' | 's3'>('local');
  const [path, setPath] = useState('');
  const [s3, setS3] = useState({
    endpoint: '',
    region: '',
    bucket: '',
    prefix: '',
    accessKeyId: '',
    secretAccessKey: '',
  });
  const [immutable, setImmutable] = useState(false);
  const s3Field = (field: keyof typeof s3) => ({
    name: `s3-${field}`,
    value: s3[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setS3({ ...s3, [field]: e.target.value }),
  });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const vault = await action.run(async () => {
      const storage =
        kind === 'local'
          ? { kind, ...(path.trim() === '' ? {} : { path: path.trim() }) }
          : {
              kind,
              s3: {
                endpoint: s3.endpoint.trim(),
                bucket: s3.bucket.trim(),
                accessKeyId: s3.accessKeyId.trim(),
                secretAccessKey: s3.secretAccessKey,
                ...(s3.region.trim() === '' ? {} : { region: s3.region.trim() }),
                ...(s3.prefix.trim() === '' ? {} : { prefix: s3.prefix.trim() }),
              },
            };
      const made = await api.post<CreatedVault>('/api/v1/vaults', { name: name.trim(), ...storage });
      if (!immutable) return made;
      const view = await api.post<Vault>(`/api/v1/vaults/${seg(made.name)}/immutability/enable`);
      return { ...made, ...view, preflight: made.preflight };
    });
    if (vault !== undefined) onCreated(vault);
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="form">
      <ErrorNotice error={action.error} />
      <Field label="Name" hint="Lower-case letters, digits, '.', '_' and '-'; starts with a letter.">
        <input
          name="name"
          required
          pattern="[a-z][a-z0-9._\-]{0,63}"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field
        label="Storage"
        hint="A hardened local directory, or an S3 bucket with versioning and Object Lock (checked before the vault is created)."
      >
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value === 's3' ? 's3' : 'local')}>
          <option value="local">Local directory</option>
          <option value="s3">S3 bucket with Object Lock</option>
        </select>
      </Field>
      {kind === 'local' ? (
        <Field label="Directory (optional)" hint="Absolute path on the server; default: inside its data directory.">
          <input name="path" value={path} onChange={(e) => setPath(e.target.value)} />
        </Field>
      ) : (
        <>
          <Field label="Endpoint" hint="For example https://s3.eu-central-1.amazonaws.com or a Ceph RGW.">
            <input required type="url" {...s3Field('endpoint')} />
          </Field>
          <Field label="Bucket" hint="Versioning and Object Lock on; no default retention.">
            <input required {...s3Field('bucket')} />
          </Field>
          <Field label="Prefix (optional)" hint="Keys of this vault live below it, e.g. vaults/finance/.">
            <input {...s3Field('prefix')} />
          </Field>
          <Field label="Region (optional)" hint="Default us-east-1.">
            <input {...s3Field('region')} />
          </Field>
          <Field label="Access key id" hint="Kept by the server only, in its secrets directory.">
            <input required autoComplete="off" {...s3Field('accessKeyId')} />
          </Field>
          <Field label="Secret access key" hint="Never shown again.">
            <input required type="password" autoComplete="new-password" {...s3Field('secretAccessKey')} />
          </Field>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={immutable} onChange={(e) => setImmutable(e.target.checked)} />
        Enable immutability at once (reversible until you lock it)
      </label>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={action.pending}>
          {action.pending ? 'Creating and checking…' : 'Create vault'}
        </button>
      </div>
    </form>
  );
}
