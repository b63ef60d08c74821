import type { RouteDef } from './route-def.js';
import type { ServerContext } from './server-context.js';
import { agentRoutes } from './routes/agent-routes.js';
import { approvalRoutes } from './routes/approval-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { clockRoutes } from './routes/clock-routes.js';
import { dataRoutes } from './routes/data-routes.js';
import { identityRoutes } from './routes/identity-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { pointRoutes } from './routes/point-routes.js';
import { protectionRoutes } from './routes/protection-routes.js';
import { vaultRoutes } from './routes/vault-routes.js';

/**
 * Every endpoint of /api/v1 with the permission it needs: the one route table (and permission table)
 * of the server. docs/api.md is generated from it (scripts/gen-api-doc.mjs) and a test keeps it in sync.
 */
export function routeTable(ctx: ServerContext): RouteDef[] {
  return [
    ...identityRoutes(ctx),
    ...vaultRoutes(ctx),
    ...protectionRoutes(ctx),
    ...pointRoutes(ctx),
    ...keyRoutes(ctx),
    ...dataRoutes(ctx),
    ...agentRoutes(ctx),
    ...approvalRoutes(ctx),
    ...auditRoutes(ctx),
    ...clockRoutes(ctx),
  ];
}
