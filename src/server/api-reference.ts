import { rolesWith } from '../core/rbac.js';
import type { RouteDef } from './route-def.js';
import type { ServerContext } from './server-context.js';
import { routeTable } from './route-table.js';

/**
 * The route table without a running server, for docs/api.md: the route factories only register
 * executors on the context while they are built, so an empty registry stands in for it.
 */
export function listRoutes(): RouteDef[] {
  return routeTable({ executors: new Map() } as unknown as ServerContext);
}

/** The endpoint table of docs/api.md: method, path, permission, the roles that hold it, summary. */
export function apiReferenceTable(routes: readonly RouteDef[]): string {
  const lines = ['| method | path | permission | roles | what it does |', '| --- | --- | --- | --- | --- |'];
  for (const route of routes) {
    const roles =
      route.permission === 'public'
        ? 'anyone'
        : route.permission === 'authenticated'
          ? 'any token'
          : rolesWith(route.permission).join(', ');
    lines.push(
      `| ${route.method} | \`${route.url}\` | ${route.permission} | ${roles} | ${route.summary.replaceAll('|', '\\|')} |`,
    );
  }
  return lines.join('\n');
}
