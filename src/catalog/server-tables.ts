/** The server catalog's own tables (users, tokens, agents, jobs); vault data stays in each vault's catalog. */
export interface UsersTable {
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
}

export interface TokensTable {
  id: string;
  /** SHA-256 (hex) of the secret: the secret itself is never stored. */
  hash: string;
  kind: 'user' | 'agent' | 'enroll';
  /** The user or agent name; for enrollment tokens, the agent name to be (or '' for any). */
  principal: string;
  label: string;
  /** `full`: everything the principal's role allows; `read`: only reading (GET) endpoints. */
  scope: 'full' | 'read';
  /** For enrollment tokens: the vault the agent will belong to. */
  vault: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AgentsTable {
  name: string;
  vault: string;
  hostname: string;
  created_at: number;
  last_seen_at: number | null;
  key_id: string | null;
}

export interface ItemAgentsTable {
  vault: string;
  item: string;
  agent: string;
}

export interface JobsTable {
  id: string;
  vault: string;
  item: string;
  agent: string | null;
  kind: 'backup' | 'restore';
  trigger: 'schedule' | 'manual';
  scheduled_for: number | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  requested_by: string;
  point_id: string | null;
  files: number | null;
  bytes: number | null;
  added_bytes: number | null;
  duration_ms: number | null;
  warnings: number | null;
  /** JSON: progress while running ({filesDone, bytesDone, ...}). */
  progress: string | null;
  message: string | null;
  /** JSON: restore parameters (point, target, includes). */
  params: string;
}

export interface VaultsTable {
  name: string;
  kind: 'local' | 's3';
  /** A directory for local vaults; for S3 vaults, JSON of the bucket settings (no secrets). */
  location: string;
  created_at: number;
}

export interface ServerTables {
  vaults: VaultsTable;
  users: UsersTable;
  tokens: TokensTable;
  agents: AgentsTable;
  item_agents: ItemAgentsTable;
  jobs: JobsTable;
}
