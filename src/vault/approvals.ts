import { randomBytes } from 'node:crypto';
import {
  describeOperation,
  effectiveApprovalStatus,
  isProtectedOperation,
  PROTECTED_OPERATIONS,
  type ApprovalId,
  type ApprovalRequest,
  type ProtectedOperation,
  type VoteDecision,
  type Voter,
} from '../core/approval-rules.js';
import {
  DEFAULT_APPROVAL_SETTINGS,
  decideSettingsChange,
  describeSettings,
  needsApproval,
  parseApprovalSettings,
  type ApprovalSettings,
  type ApprovalSettingsPatch,
} from '../core/approval-rules-settings.js';
import { toIso, type Clock } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import type { ApprovalFilter, ApprovalStore } from '../catalog/approval-store.js';
import type { AuditEvent } from '../catalog/audit-event.js';
import { cancelEvent, executionEvent, expireEvent, requestEvent, settingsEvent, voteEvent } from './approvals-audit.js';
import { approvalRequiredError, checkApproverCount, errorText, failureOf } from './approvals-errors.js';
import { checkParams, checkText } from './approvals-input.js';

export interface ApprovalRequestInput {
  readonly operation: ProtectedOperation;
  readonly vault?: string;
  /** What the server needs to run the operation once approved; a JSON object (default {}). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Default: describeOperation(operation, vault). */
  readonly summary?: string;
  readonly requester: string;
  readonly reason?: string;
}

/** A request as it is now, and the audit event that records what just happened to it. */
export interface ApprovalOutcome {
  readonly request: ApprovalRequest;
  readonly audit: AuditEvent;
}

export interface RequestOutcome extends ApprovalOutcome {
  /** A pending request for the same thing existed and is returned instead of a new one. */
  readonly reused: boolean;
  /** APPROVAL_REQUIRED, naming the request: what the server answers the requester (exit 12, HTTP 428). */
  readonly error: AmberError;
}

export type ConfigureOutcome =
  | { readonly kind: 'unchanged'; readonly settings: ApprovalSettings }
  | { readonly kind: 'applied'; readonly settings: ApprovalSettings; readonly audit: AuditEvent }
  | ({ readonly kind: 'approval-required' } & RequestOutcome);

export type ApprovalGate = { readonly required: false } | ({ readonly required: true } & RequestOutcome);

export interface ConfigureOptions {
  readonly reason?: string;
  /**
   * How many users hold approval.grant. When given, settings needing more approvals than that are
   * refused: nobody could ever approve a request, not even one that changes the settings back.
   */
  readonly eligibleApproverCount?: number;
}

export interface ApprovalServiceOptions {
  readonly clock: Clock;
  readonly store: ApprovalStore;
  /** New request ids; default `apr_` + 24 random hex characters. */
  readonly newId?: () => ApprovalId;
}

/**
 * Multi-user authorization (DESIGN §4): protected operations wait for M approvals from holders of
 * approval.grant other than the requester; one rejection ends a request; requests expire. Once
 * approved, the server claims the request (claimForExecution, exactly once) and runs the operation on
 * behalf of the requester, then records markExecuted or markFailed. Every change returns the audit
 * event the server appends; refusals are thrown as AmberErrors (details name the request).
 */
export class ApprovalService {
  readonly #clock: Clock;
  readonly #store: ApprovalStore;
  readonly #newId: () => ApprovalId;

  constructor(options: ApprovalServiceOptions) {
    this.#clock = options.clock;
    this.#store = options.store;
    this.#newId = options.newId ?? (() => `apr_${randomBytes(12).toString('hex')}` as ApprovalId);
  }

  /** The settings in force (the defaults, approvals off, until someone configures them). */
  async settings(): Promise<ApprovalSettings> {
    const stored = await this.#store.readSettings();
    if (stored === undefined) return DEFAULT_APPROVAL_SETTINGS;
    try {
      return parseApprovalSettings(stored.settings);
    } catch (error) {
      throw new AmberError(
        'CATALOG_ERROR',
        `The stored approval settings (written by ${stored.updatedBy} at ${toIso(stored.updatedAt)}) are not valid; ${errorText(error)}`,
        { cause: error },
      );
    }
  }

  async needsApproval(operation: ProtectedOperation): Promise<boolean> {
    return needsApproval(await this.settings(), operation);
  }

  /**
   * Changes the settings by `patch`. Applies at once when approvals are off (turning them on never
   * waits) or do not protect approvals.configure; otherwise creates (or reuses) a request whose
   * execution is applyApprovedConfiguration.
   */
  async configure(
    patch: ApprovalSettingsPatch,
    actor: string,
    options: ConfigureOptions = {},
  ): Promise<ConfigureOutcome> {
    checkText('actor', actor);
    const current = await this.settings();
    const next = parseApprovalSettings(patch, current);
    checkApproverCount(next, options.eligibleApproverCount);
    const change = decideSettingsChange(current, next);
    if (change === 'unchanged') return { kind: 'unchanged', settings: current };
    if (change === 'apply') {
      const atMs = this.#clock.nowMs();
      await this.#store.writeSettings(next, atMs, actor);
      return { kind: 'applied', settings: next, audit: settingsEvent(next, actor, atMs) };
    }
    const outcome = await this.#create(
      {
        operation: 'approvals.configure',
        params: { settings: next },
        summary: `Change the approval settings to: ${describeSettings(next)}`,
        requester: actor,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      },
      current,
    );
    return { kind: 'approval-required', ...outcome };
  }

  /** Asks for approval of a protected operation; refuses one the settings do not protect (APPROVAL_NOT_REQUIRED). */
  async request(input: ApprovalRequestInput): Promise<RequestOutcome> {
    if (!isProtectedOperation(input.operation)) {
      throw new AmberError(
        'INVALID_ARGUMENT',
        `"${String(input.operation)}" is not a protected operation (known: ${PROTECTED_OPERATIONS.join(', ')}).`,
        { details: { operation: input.operation } },
      );
    }
    const settings = await this.settings();
    if (!needsApproval(settings, input.operation)) {
      const why = settings.enabled ? 'it is not among the protected operations' : 'approvals are off';
      throw new AmberError(
        'APPROVAL_NOT_REQUIRED',
        `"${input.summary ?? describeOperation(input.operation, input.vault)}" needs no approval (${why}); run it directly.`,
        { details: { operation: input.operation } },
      );
    }
    return this.#create(this.#normalizeConfigureInput(input, settings), settings);
  }

  /**
   * For the server, before a protected operation: `{ required: false }` when it may run now; else the
   * (new or reused) request, its audit event and the APPROVAL_REQUIRED error to answer with.
   */
  async requireApproval(input: ApprovalRequestInput): Promise<ApprovalGate> {
    const settings = await this.settings();
    if (!needsApproval(settings, input.operation)) return { required: false };
    return { required: true, ...(await this.#create(this.#normalizeConfigureInput(input, settings), settings)) };
  }

  /** The requester's pending request for the same operation, vault and params, if there is one. */
  async findReusable(
    requester: string,
    operation: ProtectedOperation,
    vault: string | undefined,
    params: Readonly<Record<string, unknown>>,
  ): Promise<ApprovalRequest | undefined> {
    const key = { requester, operation, params, ...(vault === undefined ? {} : { vault }) };
    return this.#store.findPending(key, this.#clock.nowMs());
  }

  async approve(id: string, voter: Voter, comment?: string): Promise<ApprovalOutcome> {
    return this.#vote(id, voter, 'approve', comment);
  }

  async reject(id: string, voter: Voter, comment?: string): Promise<ApprovalOutcome> {
    return this.#vote(id, voter, 'reject', comment);
  }

  /** The requester withdraws a pending request. */
  async cancel(id: string, actor: string): Promise<ApprovalOutcome> {
    const nowMs = this.#clock.nowMs();
    const request = await this.#store.cancel(id, actor, nowMs);
    return { request, audit: cancelEvent(request, nowMs) };
  }

  /** Requests, newest first; statuses as of now (a pending request past its expiry shows as expired). */
  async list(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    const nowMs = this.#clock.nowMs();
    const requests = await this.#store.list(filter, nowMs);
    return requests.map((request) => settle(request, nowMs));
  }

  async get(id: string): Promise<ApprovalRequest> {
    const request = await this.#store.get(id);
    if (request === undefined) {
      throw new AmberError(
        'APPROVAL_NOT_FOUND',
        `There is no approval request ${id}; list them with amber approval list.`,
        {
          details: { approvalId: id },
        },
      );
    }
    return settle(request, this.#clock.nowMs());
  }

  /** Records every pending request past its expiry as expired; returns them with their audit events. */
  async expireDue(): Promise<{ readonly expired: ApprovalRequest[]; readonly audit: AuditEvent[] }> {
    const nowMs = this.#clock.nowMs();
    const expired = await this.#store.expireDue(nowMs);
    return { expired, audit: expired.map((request) => expireEvent(request, nowMs)) };
  }

  /** Exactly one caller receives an approved request (now executing) to run; others get undefined. */
  async claimForExecution(id: string): Promise<ApprovalRequest | undefined> {
    return this.#store.claimForExecution(id, this.#clock.nowMs());
  }

  /** The claimed request ran; `result` (JSON) is kept with it. */
  async markExecuted(id: string, result?: unknown): Promise<ApprovalOutcome> {
    const nowMs = this.#clock.nowMs();
    const request = await this.#store.finish(id, 'executed', result, nowMs);
    return { request, audit: executionEvent(request, nowMs) };
  }

  /** The claimed request failed when run; its code and message are kept with it. */
  async markFailed(id: string, error: unknown): Promise<ApprovalOutcome> {
    const nowMs = this.#clock.nowMs();
    const failure = failureOf(error);
    const request = await this.#store.finish(id, 'failed', { error: failure }, nowMs);
    return { request, audit: executionEvent(request, nowMs, failure) };
  }

  /**
   * Marks executions claimed more than `olderThanMs` ago and never finished as failed (their server
   * stopped mid-way), for the server to call at start-up; returns them with their audit events.
   */
  async failInterrupted(
    olderThanMs: number,
  ): Promise<{ readonly failed: ApprovalRequest[]; readonly audit: AuditEvent[] }> {
    const nowMs = this.#clock.nowMs();
    const failure = { code: 'INTERNAL', message: 'the server stopped while running it; request it again.' };
    const failed = await this.#store.failInterrupted(nowMs - olderThanMs, failure, nowMs);
    return { failed, audit: failed.map((request) => executionEvent(request, nowMs, failure)) };
  }

  /** The execution of an approved approvals.configure request (claimed, so executing): applies its settings. */
  async applyApprovedConfiguration(
    request: ApprovalRequest,
  ): Promise<{ settings: ApprovalSettings; audit: AuditEvent }> {
    const current = await this.#store.get(request.id);
    if (current?.operation !== 'approvals.configure' || current.status !== 'executing') {
      throw new AmberError(
        'APPROVAL_ALREADY_DECIDED',
        `${request.id} is not an approved change of the approval settings claimed for execution (it is ${current === undefined ? 'unknown' : `${current.operation}, ${current.status}`}).`,
        { details: { approvalId: request.id } },
      );
    }
    const settings = parseApprovalSettings(current.params['settings'], DEFAULT_APPROVAL_SETTINGS);
    const atMs = this.#clock.nowMs();
    await this.#store.writeSettings(settings, atMs, current.requester);
    return { settings, audit: settingsEvent(settings, current.requester, atMs, current) };
  }

  async #vote(id: string, voter: Voter, decision: VoteDecision, comment: string | undefined): Promise<ApprovalOutcome> {
    checkText('comment', comment);
    const nowMs = this.#clock.nowMs();
    const { request } = await this.#store.vote(id, voter, decision, comment, nowMs);
    return { request, audit: voteEvent(request, voter.user, nowMs) };
  }

  /** An approvals.configure request carries full, valid settings (merged onto the current ones). */
  #normalizeConfigureInput(input: ApprovalRequestInput, settings: ApprovalSettings): ApprovalRequestInput {
    if (input.operation !== 'approvals.configure') return input;
    const next = parseApprovalSettings(input.params?.['settings'] ?? {}, settings);
    return { ...input, params: { settings: next } };
  }

  async #create(input: ApprovalRequestInput, settings: ApprovalSettings): Promise<RequestOutcome> {
    const summary = input.summary ?? describeOperation(input.operation, input.vault);
    const params = input.params ?? {};
    checkText('requester', input.requester);
    checkText('vault', input.vault);
    checkText('summary', summary, { maxLength: 300 });
    checkText('reason', input.reason);
    checkParams(params);
    const nowMs = this.#clock.nowMs();
    const { request, reused } = await this.#store.create(
      {
        id: this.#newId(),
        operation: input.operation,
        ...(input.vault === undefined ? {} : { vault: input.vault }),
        params,
        summary,
        requester: input.requester,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        createdAt: nowMs,
        expiresAt: nowMs + settings.requestTtlMs,
        required: settings.requiredApprovals,
      },
      nowMs,
    );
    return { request, reused, audit: requestEvent(request, reused, nowMs), error: approvalRequiredError(request) };
  }
}

function settle(request: ApprovalRequest, nowMs: number): ApprovalRequest {
  const status = effectiveApprovalStatus(request, nowMs);
  return status === request.status ? request : { ...request, status };
}

export { approvalRequiredError } from './approvals-errors.js';
