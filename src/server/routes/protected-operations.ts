import type { ApprovalRequest, ProtectedOperation } from '../../core/approval-rules.js';
import { principalOf, type ApiRequest } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { actorName, type Principal } from '../principal.js';
import { runAs } from '../request-context.js';

/** Runs a protected operation; gets the vault name, the request's params and whether approvers granted it. */
export type Executor = (
  vault: string | undefined,
  params: Readonly<Record<string, unknown>>,
  approved: boolean,
) => Promise<unknown>;

/** Registers how a protected operation runs (once per operation, by the routes that offer it). */
export function defineProtected(ctx: ServerContext, operation: ProtectedOperation, executor: Executor): void {
  ctx.executors.set(operation, executor);
}

/**
 * Runs a protected operation now, or — when approvals are on for it — files (or reuses) an approval
 * request and answers APPROVAL_REQUIRED naming it. Once approved, the server runs it (executeApproved).
 */
export async function guarded(
  ctx: ServerContext,
  request: ApiRequest,
  input: { operation: ProtectedOperation; vault?: string; params?: Record<string, unknown>; reason?: string },
): Promise<unknown> {
  const executor = executorOf(ctx, input.operation);
  const requester = actorName(principalOf(request));
  const gate = await ctx.approvals.requireApproval({
    operation: input.operation,
    ...(input.vault === undefined ? {} : { vault: input.vault }),
    params: input.params ?? {},
    requester,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  });
  if (!gate.required) return executor(input.vault, input.params ?? {}, false);
  await ctx.auditPrepared(gate.audit);
  throw gate.error;
}

/** Runs an approved request on behalf of its requester, exactly once, and records how it ended. */
export async function executeApproved(
  ctx: ServerContext,
  approved: ApprovalRequest,
  approver: Principal,
): Promise<ApprovalRequest> {
  const claimed = await ctx.approvals.claimForExecution(approved.id);
  if (claimed === undefined) return ctx.approvals.get(approved.id);
  try {
    const result = await runAs(
      approver,
      async () => {
        if (claimed.operation !== 'approvals.configure') {
          return executorOf(ctx, claimed.operation)(claimed.vault, claimed.params, true);
        }
        const applied = await ctx.approvals.applyApprovedConfiguration(claimed);
        await ctx.auditPrepared(applied.audit);
        return applied.settings;
      },
      claimed.requester,
    );
    const outcome = await ctx.approvals.markExecuted(claimed.id, jsonSafe(result));
    await ctx.auditPrepared(outcome.audit);
    return outcome.request;
  } catch (error) {
    const outcome = await ctx.approvals.markFailed(claimed.id, error);
    await ctx.auditPrepared(outcome.audit);
    return outcome.request;
  }
}

function executorOf(ctx: ServerContext, operation: ProtectedOperation): Executor {
  const executor = ctx.executors.get(operation);
  if (executor === undefined) throw new Error(`no executor registered for ${operation}`);
  return executor;
}

function jsonSafe(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
