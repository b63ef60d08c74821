import type { AuditAnchor } from '../core/audit-chain.js';
import type { ServerContext } from './server-context.js';

/** The trail name of the server's own audit anchors in each vault's storage (audit/server/<seq>). */
export const SERVER_TRAIL = 'server';

/**
 * Anchors every audit trail the server keeps: each vault's own, and the server's trail into every
 * vault's storage (so that a rewritten server catalog disagrees with locked objects it cannot change).
 */
export async function anchorAuditTrails(ctx: ServerContext): Promise<void> {
  for (const record of await ctx.vaults.list()) {
    await ctx.vaults.exclusive(record.name, async (vault) => {
      await vault.anchorAudit();
      await vault.anchorAudit({ source: ctx.auditLog, trail: SERVER_TRAIL });
    });
  }
}

/** The server trail's anchors from every vault's storage. */
export async function serverTrailAnchors(ctx: ServerContext): Promise<AuditAnchor[]> {
  const anchors: AuditAnchor[] = [];
  for (const record of await ctx.vaults.list()) {
    anchors.push(...(await (await ctx.vaults.get(record.name)).readAuditAnchors(SERVER_TRAIL)));
  }
  return anchors.sort((a, b) => a.seq - b.seq);
}
