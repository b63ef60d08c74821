/**
 * Roles and permissions of the vault server (DESIGN §4). The one matrix every route is checked against:
 * a route names the permission it needs, a principal holds the permissions of its role. Agents hold a
 * role too, and the server further limits them to their own items.
 */
export const PERMISSIONS = [
  'vault.read',
  'vault.manage',
  'point.read',
  'immutability.manage',
  'policy.manage',
  'item.manage',
  'item.stop',
  'item.delete-data',
  'backup.run',
  'restore.run',
  'data.upload',
  'data.read',
  'point.delete',
  'point.delete-bypass-governance',
  'hold.manage',
  'maintenance.run',
  'key.manage',
  'audit.read',
  'user.manage',
  'agent.manage',
  'job.read',
  'job.report',
  'approval.request',
  'approval.read',
  'approval.grant',
  'approval.configure',
  'clock.read',
  'clock.acknowledge',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'operator', 'security-officer', 'auditor', 'agent'] as const;

export type Role = (typeof ROLES)[number];

/** What an admin does not hold: approving (four eyes) and reporting jobs (agents only). */
const ADMIN_NEVER: readonly Permission[] = ['approval.grant', 'job.report'];

const READ: readonly Permission[] = ['vault.read', 'point.read', 'job.read', 'approval.read', 'clock.read'];

const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  // Admins run the vaults but never approve: a protected operation needs somebody else (four eyes).
  admin: PERMISSIONS.filter((p) => !ADMIN_NEVER.includes(p)),
  operator: [
    ...READ,
    'item.manage',
    'item.stop',
    'backup.run',
    'restore.run',
    'data.upload',
    'data.read',
    'approval.request',
  ],
  'security-officer': [...READ, 'hold.manage', 'audit.read', 'approval.grant', 'approval.request', 'clock.acknowledge'],
  auditor: [...READ, 'audit.read'],
  // Agents are further limited to their own items by the server.
  agent: ['point.read', 'data.upload', 'data.read', 'job.report'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles that hold a permission (for docs and the API listing). */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => roleHas(role, permission));
}
