import type { Role } from '../core/rbac.js';

/** Who a request acts as: a user or an agent, with the token that proved it. */
export interface Principal {
  readonly kind: 'user' | 'agent';
  readonly name: string;
  readonly role: Role;
  readonly tokenId: string;
  /** A read-only token reaches only endpoints that change nothing. */
  readonly readOnly: boolean;
  /** Agents belong to one vault. */
  readonly vault?: string;
}

/** The name audit events use for a principal, e.g. `user:alice`, `agent:web-01`. */
export function actorName(principal: Principal | undefined): string {
  return principal === undefined ? 'anonymous' : `${principal.kind}:${principal.name}`;
}
