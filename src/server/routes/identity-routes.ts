import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import { MS_PER_DAY, toIso } from '../../core/clock.js';
import { permissionsOf } from '../../core/rbac.js';
import { DEFAULT_SESSION_TTL_MS } from '../identity-service.js';
import { partsOf, principalOf, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { IdParams, Name, NameParams, Strict, Text } from './schemas.js';

const Login = Type.Object(
  {
    user: Name,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    ttlHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30 })),
  },
  Strict,
);
const NewUser = Type.Object(
  { name: Name, role: Type.String({ maxLength: 32 }), password: Type.Optional(Type.String({ maxLength: 1024 })) },
  Strict,
);
const UserChanges = Type.Object(
  {
    role: Type.Optional(Type.String({ maxLength: 32 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    disabled: Type.Optional(Type.Literal(true)),
  },
  Strict,
);
const NewToken = Type.Object(
  {
    label: Text(200),
    ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    readOnly: Type.Optional(Type.Boolean()),
  },
  Strict,
);

/** Sign-in, users and tokens (DESIGN §4). */
export function identityRoutes(ctx: ServerContext): RouteDef[] {
  return [
    {
      method: 'POST',
      url: '/api/v1/auth/login',
      permission: 'public',
      summary: 'Sign in with a user name and password; returns a token',
      tags: ['auth'],
      schema: { body: Login },
      handler: async (request) => {
        const { body } = partsOf<unknown, unknown, Static<typeof Login>>(request);
        ctx.throttle.check(body.user, request.ip);
        try {
          const user = await ctx.identity.checkPassword(body.user, body.password);
          ctx.throttle.recordSuccess(body.user);
          const ttlMs = body.ttlHours === undefined ? DEFAULT_SESSION_TTL_MS : body.ttlHours * 3_600_000;
          const token = await ctx.identity.issueToken({ kind: 'user', principal: user.name, label: 'login', ttlMs });
          await ctx.audit({
            actor: `user:${user.name}`,
            action: 'auth.login',
            target: user.name,
            outcome: 'ok',
            message: `${user.name} signed in from ${request.ip}.`,
            details: { tokenId: token.id },
          });
          return { token: token.secret, tokenId: token.id, expiresAt: toIso(token.expiresAt ?? 0), user };
        } catch (error) {
          if (error instanceof AmberError && error.code === 'LOGIN_FAILED') {
            ctx.throttle.recordFailure(body.user, request.ip);
            await ctx.audit({
              actor: `user:${body.user}`,
              action: 'auth.login',
              target: body.user,
              outcome: 'refused',
              code: error.code,
              message: `A sign-in as ${body.user} from ${request.ip} failed.`,
            });
          }
          throw error;
        }
      },
    },
    {
      method: 'POST',
      url: '/api/v1/auth/logout',
      permission: 'authenticated',
      summary: 'Revoke the token of this request',
      tags: ['auth'],
      handler: async (request) => {
        const principal = principalOf(request);
        await ctx.identity.revokeToken(principal.tokenId);
        await ctx.audit({ action: 'token.revoke', target: principal.tokenId, outcome: 'ok', message: 'Signed out.' });
        return { revoked: principal.tokenId };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/auth/me',
      permission: 'authenticated',
      summary: 'Show who this token is',
      tags: ['auth'],
      handler: (request) => {
        const principal = principalOf(request);
        return Promise.resolve({ ...principal, permissions: [...permissionsOf(principal.role)] });
      },
    },
    {
      method: 'GET',
      url: '/api/v1/users',
      permission: 'user.manage',
      summary: 'List users',
      tags: ['users'],
      handler: async () => ctx.identity.listUsers(),
    },
    {
      method: 'POST',
      url: '/api/v1/users',
      permission: 'user.manage',
      summary: 'Create a user',
      tags: ['users'],
      schema: { body: NewUser },
      handler: async (request, reply) => {
        const { body } = partsOf<unknown, unknown, Static<typeof NewUser>>(request);
        const user = await ctx.identity.createUser(body);
        await ctx.audit({
          action: 'user.create',
          target: user.name,
          outcome: 'ok',
          message: `User ${user.name} created with role ${user.role}.`,
        });
        void reply.status(201);
        return user;
      },
    },
    {
      method: 'PATCH',
      url: '/api/v1/users/:name',
      permission: 'user.manage',
      summary: "Change a user's role or password, or disable the user",
      tags: ['users'],
      schema: { params: NameParams, body: UserChanges },
      handler: async (request) => {
        const { params, body } = partsOf<{ name: string }, unknown, Static<typeof UserChanges>>(request);
        if (body.password !== undefined) await ctx.identity.setPassword(params.name, body.password);
        if (body.role !== undefined) await ctx.identity.setRole(params.name, body.role);
        if (body.disabled === true) await ctx.identity.disableUser(params.name);
        const changed = Object.keys(body).join(', ');
        await ctx.audit({
          action: 'user.update',
          target: params.name,
          outcome: 'ok',
          message: `User ${params.name} changed (${changed || 'nothing'}).`,
          details: { changed: Object.keys(body), ...(body.role === undefined ? {} : { role: body.role }) },
        });
        return ctx.identity.getUser(params.name);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/auth/password',
      permission: 'authenticated',
      summary: 'Change your own password',
      tags: ['auth'],
      schema: { body: Type.Object({ password: Type.String({ maxLength: 1024 }) }, Strict) },
      handler: async (request) => {
        const principal = principalOf(request);
        if (principal.kind !== 'user') throw new AmberError('PERMISSION_DENIED', 'Agents have no password.');
        await ctx.identity.setPassword(principal.name, (request.body as { password: string }).password);
        await ctx.audit({
          action: 'user.password',
          target: principal.name,
          outcome: 'ok',
          message: 'Password changed.',
        });
        return { changed: true };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/tokens',
      permission: 'authenticated',
      summary: 'List your tokens (all tokens with user.manage)',
      tags: ['tokens'],
      handler: async (request) => {
        const principal = principalOf(request);
        const all = principal.role === 'admin';
        return ctx.identity.listTokens(all ? {} : { principal: principal.name });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/tokens',
      permission: 'authenticated',
      summary: 'Create an API token for yourself',
      tags: ['tokens'],
      schema: { body: NewToken },
      handler: async (request, reply) => {
        const principal = principalOf(request);
        if (principal.kind !== 'user') throw new AmberError('PERMISSION_DENIED', 'Agents cannot create tokens.');
        const { body } = partsOf<unknown, unknown, Static<typeof NewToken>>(request);
        const token = await ctx.identity.issueToken({
          kind: 'user',
          principal: principal.name,
          label: body.label,
          ttlMs: (body.ttlDays ?? 90) * MS_PER_DAY,
          ...(body.readOnly === true ? { readOnly: true } : {}),
        });
        await ctx.audit({
          action: 'token.create',
          target: token.id,
          outcome: 'ok',
          message: `Token ${token.id} (${body.label}) created for ${principal.name}.`,
        });
        void reply.status(201);
        return {
          id: token.id,
          token: token.secret,
          expiresAt: token.expiresAt === null ? null : toIso(token.expiresAt),
        };
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      permission: 'authenticated',
      summary: 'Revoke a token (your own; any with user.manage)',
      tags: ['tokens'],
      schema: { params: IdParams },
      handler: async (request) => {
        const principal = principalOf(request);
        const { params } = partsOf<{ id: string }>(request);
        const token = await ctx.identity.getToken(params.id);
        if (token.principal !== principal.name && principal.role !== 'admin') {
          throw new AmberError('TOKEN_NOT_FOUND', `There is no token ${params.id} of yours.`);
        }
        const revoked = await ctx.identity.revokeToken(params.id);
        await ctx.audit({
          action: 'token.revoke',
          target: params.id,
          outcome: 'ok',
          message: `Token ${params.id} revoked.`,
        });
        return revoked;
      },
    },
  ];
}
