import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { isRole, type Role } from '../core/rbac.js';
import type { ServerCatalog, TokenRecord, UserRecord } from '../catalog/server-catalog.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { hashTokenSecret, newTokenId, newTokenSecret } from './token-secrets.js';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60_000;
export const DEFAULT_ENROLL_TTL_MS = 24 * 60 * 60_000;
/** A stored hash no password matches: the user signs in with a token until a password is set. */
const NO_PASSWORD = '!';
const NAME_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;

export interface IssuedToken {
  readonly id: string;
  readonly secret: string;
  readonly expiresAt: number | null;
}

export interface UserView {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
}

export interface TokenView {
  readonly id: string;
  readonly kind: TokenRecord['kind'];
  readonly principal: string;
  readonly label: string;
  readonly scope: TokenRecord['scope'];
  readonly vault: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export function validateName(kind: 'user' | 'agent' | 'vault', name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `The ${kind} name "${name}" is not valid: use 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter.`,
    );
  }
}

/** Users, passwords and tokens of the server (DESIGN §4). Tokens are random; only their hash is stored. */
export class IdentityService {
  readonly #catalog: ServerCatalog;
  readonly #clock: Clock;

  constructor(catalog: ServerCatalog, clock: Clock) {
    this.#catalog = catalog;
    this.#clock = clock;
  }

  async createUser(input: { name: string; role: string; password?: string }): Promise<UserView> {
    validateName('user', input.name);
    if (!isRole(input.role) || input.role === 'agent') {
      throw new AmberError(
        'INVALID_ARGUMENT',
        `"${input.role}" is not a user role: choose admin, operator, security-officer or auditor.`,
      );
    }
    if (await this.#catalog.getUser(input.name)) {
      throw new AmberError('USER_EXISTS', `A user named ${input.name} already exists.`);
    }
    const record: UserRecord = {
      name: input.name,
      role: input.role,
      password_hash: input.password === undefined ? NO_PASSWORD : await hashPassword(checkedPassword(input.password)),
      created_at: this.#clock.nowMs(),
      disabled_at: null,
    };
    await this.#catalog.addUser(record);
    return userView(record);
  }

  async setPassword(name: string, password: string): Promise<void> {
    await this.#user(name);
    await this.#catalog.updateUser(name, { password_hash: await hashPassword(checkedPassword(password)) });
  }

  async setRole(name: string, role: string): Promise<UserView> {
    if (!isRole(role) || role === 'agent') {
      throw new AmberError('INVALID_ARGUMENT', `"${role}" is not a user role.`);
    }
    await this.#user(name);
    await this.#catalog.updateUser(name, { role });
    return userView(await this.#user(name));
  }

  /** Disables a user and revokes every token of theirs. */
  async disableUser(name: string): Promise<UserView> {
    await this.#user(name);
    const now = this.#clock.nowMs();
    await this.#catalog.updateUser(name, { disabled_at: now });
    for (const token of await this.#catalog.listTokens({ principal: name, kind: 'user' })) {
      await this.#catalog.revokeToken(token.id, now);
    }
    return userView(await this.#user(name));
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.#catalog.listUsers()).map(userView);
  }

  async getUser(name: string): Promise<UserView> {
    return userView(await this.#user(name));
  }

  /** Checks a password; LOGIN_FAILED for a wrong one, an unknown or a disabled user alike. */
  async checkPassword(name: string, password: string): Promise<UserView> {
    const user = await this.#catalog.getUser(name);
    // Hash even for unknown users, so timing does not tell which names exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (user === undefined || !ok || user.disabled_at !== null) {
      throw new AmberError('LOGIN_FAILED', 'The user name or password is wrong.');
    }
    return userView(user);
  }

  async issueToken(input: {
    kind: TokenRecord['kind'];
    principal: string;
    label: string;
    ttlMs: number | null;
    vault?: string;
    readOnly?: boolean;
  }): Promise<IssuedToken> {
    const secret = newTokenSecret();
    const now = this.#clock.nowMs();
    const record: TokenRecord = {
      id: newTokenId(),
      hash: hashTokenSecret(secret),
      kind: input.kind,
      principal: input.principal,
      label: input.label,
      scope: input.readOnly === true ? 'read' : 'full',
      vault: input.vault ?? null,
      created_at: now,
      expires_at: input.ttlMs === null ? null : now + input.ttlMs,
      revoked_at: null,
      last_used_at: null,
    };
    await this.#catalog.addToken(record);
    return { id: record.id, secret, expiresAt: record.expires_at };
  }

  /** The principal a bearer token stands for; UNAUTHENTICATED for anything else. */
  async authenticate(secret: string): Promise<Principal> {
    const token = await this.#catalog.findTokenByHash(hashTokenSecret(secret));
    const now = this.#clock.nowMs();
    if (token === undefined || token.revoked_at !== null) throw unauthenticated('unknown or revoked');
    if (token.expires_at !== null && token.expires_at <= now) {
      throw unauthenticated(`expired at ${toIso(token.expires_at)}`);
    }
    if (token.kind === 'enroll') throw unauthenticated('an enrollment token only registers an agent');
    if (token.last_used_at === null || now - token.last_used_at > 60_000) await this.#catalog.touchToken(token.id, now);
    if (token.kind === 'agent') {
      const agent = await this.#catalog.getAgent(token.principal);
      if (agent === undefined) throw unauthenticated('its agent is gone');
      return { kind: 'agent', name: agent.name, role: 'agent', tokenId: token.id, vault: agent.vault, readOnly: false };
    }
    const user = await this.#catalog.getUser(token.principal);
    if (user === undefined || user.disabled_at !== null || !isRole(user.role))
      throw unauthenticated('its user is disabled');
    return { kind: 'user', name: user.name, role: user.role, tokenId: token.id, readOnly: token.scope === 'read' };
  }

  /** Consumes an enrollment token (one use): returns its vault; UNAUTHENTICATED when not valid. */
  async consumeEnrollment(secret: string): Promise<{ vault: string; tokenId: string }> {
    const token = await this.#catalog.findTokenByHash(hashTokenSecret(secret));
    const now = this.#clock.nowMs();
    if (token === undefined || token.kind !== 'enroll' || token.revoked_at !== null || token.vault === null) {
      throw unauthenticated('not a valid enrollment token');
    }
    if (token.expires_at !== null && token.expires_at <= now)
      throw unauthenticated(`expired at ${toIso(token.expires_at)}`);
    if (!(await this.#catalog.revokeToken(token.id, now))) throw unauthenticated('already used');
    return { vault: token.vault, tokenId: token.id };
  }

  async listTokens(filter: { principal?: string } = {}): Promise<TokenView[]> {
    return (await this.#catalog.listTokens(filter)).map(tokenView);
  }

  async getToken(id: string): Promise<TokenView> {
    const token = await this.#catalog.getToken(id);
    if (token === undefined) throw new AmberError('TOKEN_NOT_FOUND', `There is no token ${id}.`);
    return tokenView(token);
  }

  async revokeToken(id: string): Promise<TokenView> {
    const token = await this.getToken(id);
    await this.#catalog.revokeToken(id, this.#clock.nowMs());
    return { ...token, revokedAt: token.revokedAt ?? toIso(this.#clock.nowMs()) };
  }

  async #user(name: string): Promise<UserRecord> {
    const user = await this.#catalog.getUser(name);
    if (user === undefined) throw new AmberError('USER_NOT_FOUND', `There is no user named ${name}.`);
    return user;
  }
}

const DUMMY_HASH = 'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function checkedPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AmberError('INVALID_ARGUMENT', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  return password;
}

function unauthenticated(why: string): AmberError {
  return new AmberError('UNAUTHENTICATED', `The token is not valid (${why}); sign in again with amber login.`);
}

function userView(user: UserRecord): UserView {
  return {
    name: user.name,
    role: isRole(user.role) ? user.role : 'auditor',
    createdAt: toIso(user.created_at),
    disabled: user.disabled_at !== null,
    hasPassword: user.password_hash !== NO_PASSWORD,
  };
}

function tokenView(token: TokenRecord): TokenView {
  const iso = (ms: number | null): string | null => (ms === null ? null : toIso(ms));
  return {
    id: token.id,
    kind: token.kind,
    principal: token.principal,
    label: token.label,
    scope: token.scope,
    vault: token.vault,
    createdAt: toIso(token.created_at),
    expiresAt: iso(token.expires_at),
    revokedAt: iso(token.revoked_at),
    lastUsedAt: iso(token.last_used_at),
  };
}
