import type { Vault } from '../api/types.js';
import { seg } from '../api/api-client.js';
import { DataLockMode } from '../components/badges.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Loading, PageHeader } from '../components/field.js';
import { Link } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { useApi } from '../session/session-context.js';
import { VaultOverview } from './vault-overview.js';
import { PoliciesPanel } from './policies-panel.js';
import { ItemsPanel } from './items-panel.js';
import { PointsPanel } from './points-panel.js';

export type VaultTab = 'overview' | 'policies' | 'items' | 'points';

const TABS: readonly { readonly tab: VaultTab; readonly label: string; readonly suffix: string }[] = [
  { tab: 'overview', label: 'Immutability & settings', suffix: '' },
  { tab: 'policies', label: 'Policies', suffix: '/policies' },
  { tab: 'items', label: 'Protected items', suffix: '/items' },
  { tab: 'points', label: 'Recovery points', suffix: '/points' },
];

/** One vault: its immutability panel and settings, policies, protected items and recovery points. */
export function VaultPage({ name, tab }: { readonly name: string; readonly tab: VaultTab }) {
  const api = useApi();
  const vault = useResource(() => api.get<Vault>(`/api/v1/vaults/${seg(name)}`), [api, name]);
  const base = `/vaults/${seg(name)}`;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/vaults">Vaults</Link> <span aria-hidden="true">›</span> {name}
      </p>
      <PageHeader title={`Vault ${name}`}>
        {vault.data === undefined ? null : <DataLockMode vault={vault.data} />}
      </PageHeader>
      <nav className="tabs" aria-label={`Vault ${name}`}>
        {TABS.map((t) => (
          <Link key={t.tab} to={base + t.suffix} current={t.tab === tab} className="tab">
            {t.label}
          </Link>
        ))}
      </nav>
      <ErrorNotice error={vault.error} />
      {vault.data === undefined ? (
        vault.error === undefined ? (
          <Loading what="the vault" />
        ) : null
      ) : (
        <VaultTabContent vault={vault.data} tab={tab} onChanged={vault.reload} />
      )}
    </>
  );
}

function VaultTabContent({
  vault,
  tab,
  onChanged,
}: {
  readonly vault: Vault;
  readonly tab: VaultTab;
  readonly onChanged: () => void;
}) {
  switch (tab) {
    case 'overview':
      return <VaultOverview vault={vault} onChanged={onChanged} />;
    case 'policies':
      return <PoliciesPanel vault={vault} />;
    case 'items':
      return <ItemsPanel vault={vault} />;
    case 'points':
      return <PointsPanel vault={vault} onChanged={onChanged} />;
  }
}
