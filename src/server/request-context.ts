import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './principal.js';
import { actorName } from './principal.js';

interface RequestScope {
  readonly principal: Principal | undefined;
  /** Set while an approved operation runs on behalf of its requester. */
  readonly onBehalfOf?: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `work` as `principal`: audit events written meanwhile name it as the actor. */
export function runAs<T>(principal: Principal | undefined, work: () => T, onBehalfOf?: string): T {
  return scope.run(onBehalfOf === undefined ? { principal } : { principal, onBehalfOf }, work);
}

/** The actor of the request being served (`user:alice`, `agent:web-01`, `server` outside requests). */
export function currentActor(): string {
  const current = scope.getStore();
  if (current === undefined) return 'server';
  const actor = actorName(current.principal);
  return current.onBehalfOf === undefined ? actor : `${current.onBehalfOf} (approved, executed by ${actor})`;
}
