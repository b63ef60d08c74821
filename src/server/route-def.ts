import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { Permission } from '../core/rbac.js';
import type { Principal } from './principal.js';

/**
 * One endpoint of the API: its permission is part of its definition, so the route table is also the
 * permission table (docs/api.md is generated from it).
 */
export interface RouteDef {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  /** `public`: no token; `authenticated`: any valid token; otherwise the permission a role must hold. */
  readonly permission: Permission | 'public' | 'authenticated';
  /** Audit action name of a refusal (e.g. `point.delete`); defaults to the permission. */
  readonly action?: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly schema?: {
    readonly params?: TSchema;
    readonly querystring?: TSchema;
    readonly body?: TSchema;
  };
  /** Raw bodies (uploads) may be larger than the JSON default. */
  readonly bodyLimit?: number;
  readonly handler: (request: ApiRequest, reply: FastifyReply) => Promise<unknown>;
}

export type ApiRequest = FastifyRequest & { principal?: Principal };

/** The principal of an authenticated route (the auth hook guarantees it is there). */
export function principalOf(request: ApiRequest): Principal {
  const principal = request.principal;
  if (principal === undefined) throw new Error('route used principalOf() without authentication');
  return principal;
}

/** Typed access to validated parts of a request (validated by the route's schema before the handler runs). */
export function partsOf<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  request: ApiRequest,
): { params: P; query: Q; body: B } {
  return { params: request.params as P, query: request.query as Q, body: request.body as B };
}
