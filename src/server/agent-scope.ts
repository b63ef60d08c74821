import { AmberError } from '../core/errors.js';
import type { ApiRequest } from './route-def.js';
import { principalOf } from './route-def.js';
import type { ServerContext } from './server-context.js';

/**
 * Agents reach only their own items (DESIGN §4): the vault they were enrolled in and the items
 * assigned to them. Users pass. A refusal is audited and thrown as PERMISSION_DENIED.
 */
export async function assertOwnItem(
  ctx: ServerContext,
  request: ApiRequest,
  action: string,
  vault: string,
  item: string,
): Promise<void> {
  const principal = principalOf(request);
  if (principal.kind !== 'agent') return;
  const owner = principal.vault === vault ? await ctx.catalog.agentOfItem(vault, item) : undefined;
  if (owner === principal.name) return;
  throw await refuse(
    ctx,
    request,
    action,
    `Agent ${principal.name} may act only on its own items; ${item} in vault ${vault} is not one of them.`,
  );
}

/** Agents may only touch the vault they belong to. */
export async function assertAgentVault(
  ctx: ServerContext,
  request: ApiRequest,
  action: string,
  vault: string,
): Promise<void> {
  const principal = principalOf(request);
  if (principal.kind === 'agent' && principal.vault !== vault) {
    throw await refuse(
      ctx,
      request,
      action,
      `Agent ${principal.name} belongs to vault ${principal.vault ?? '?'}, not ${vault}.`,
    );
  }
}

/** Records a permission refusal in the audit trail and returns the error to throw. */
export async function refuse(
  ctx: ServerContext,
  request: ApiRequest,
  action: string,
  message: string,
): Promise<AmberError> {
  const error = new AmberError('PERMISSION_DENIED', message);
  await ctx.recordRefusal(request, action, error);
  return error;
}
