import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmberError, isAmberError } from '../../core/errors.js';
import { errorKind, KIND_OUTCOMES } from '../../core/error-catalog.js';
import type { BackupSession } from '../../vault/backup-session.js';
import type { EmbeddedVault } from '../../vault/embedded-vault.js';
import type { JobView } from '../api-views.js';

/** One request as the fake server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/**
 * A small stand-in for the vault server's data plane and agent endpoints, over one in-process
 * EmbeddedVault (node:http on 127.0.0.1), so the client's engine flows run against real sessions,
 * real hash checks and a real commit. It speaks the API contract (docs/cli-server.md), not more.
 */
export class FakeVaultServer {
  readonly seen: SeenRequest[] = [];
  readonly jobs: JobView[] = [];
  readonly finished = new Map<string, Record<string, unknown>>();
  readonly progress: Record<string, unknown>[] = [];
  hellos = 0;
  /** Called with each request before it is answered (a test may stop a client here). */
  onRequest: (request: SeenRequest) => void = () => undefined;
  readonly #server: Server;
  readonly #vault: EmbeddedVault;
  readonly #token: string;
  readonly #sessions = new Map<string, BackupSession>();
  #url = '';

  private constructor(vault: EmbeddedVault, token: string) {
    this.#vault = vault;
    this.#token = token;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  static async start(vault: EmbeddedVault, token: string): Promise<FakeVaultServer> {
    const fake = new FakeVaultServer(vault, token);
    fake.#server.listen(0, '127.0.0.1');
    await once(fake.#server, 'listening');
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  get url(): string {
    return this.#url;
  }

  get openSessions(): number {
    return this.#sessions.size;
  }

  async stop(): Promise<void> {
    for (const session of this.#sessions.values()) await session.release();
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://x');
    const json =
      request.headers['content-type'] === 'application/json' ? (JSON.parse(raw.toString()) as unknown) : undefined;
    const seen = { method: request.method ?? '', path: url.pathname, body: json };
    this.seen.push(seen);
    this.onRequest(seen);
    try {
      if (request.headers.authorization !== `Bearer ${this.#token}`) {
        throw new AmberError('UNAUTHENTICATED', 'This endpoint needs a token.');
      }
      const answer = await this.#route(request.method ?? '', url, json, raw, request.headers.range, response);
      if (response.headersSent) return;
      if (answer === undefined) response.writeHead(204).end();
      else if (Buffer.isBuffer(answer)) response.writeHead(200, { 'content-length': answer.length }).end(answer);
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (error) {
      const amber = isAmberError(error) ? error : new AmberError('INTERNAL', String(error));
      const status = KIND_OUTCOMES[errorKind(amber.code)].http;
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: amber.code, message: amber.message, details: amber.details } }));
    }
  }

  async #route(
    method: string,
    url: URL,
    json: unknown,
    raw: Buffer,
    range: string | undefined,
    response: ServerResponse,
  ): Promise<unknown> {
    const p = url.pathname;
    const body = (json ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if (method === 'GET' && /^\/api\/v1\/vaults\/[^/]+\/objects$/.test(p)) {
      const out: { key: string; size: number }[] = [];
      for await (const o of this.#vault.objects.list(url.searchParams.get('prefix') ?? '')) out.push(o);
      return out;
    }
    if ((m = /^\/api\/v1\/vaults\/[^/]+\/objects\/(.+)$/.exec(p)) !== null) {
      return this.#object(method, m[1] as string, range, response);
    }
    if (method === 'POST' && /^\/api\/v1\/vaults\/[^/]+\/backups$/.test(p)) {
      const session = await this.#vault.beginBackup(body as never);
      this.#sessions.set(session.id, session);
      return { sessionId: session.id, createdAt: session.createdAt, retainUntil: session.retention.retainUntil };
    }
    if ((m = /^\/api\/v1\/vaults\/[^/]+\/backups\/([^/]+)(\/.*)?$/.exec(p)) !== null) {
      return this.#session(method, m[1] as string, m[2] ?? '', body, raw);
    }
    if (method === 'GET' && (m = /^\/api\/v1\/vaults\/[^/]+\/points\/([^/]+)$/.exec(p)) !== null) {
      return this.#vault.resolvePoint(decodeURIComponent(m[1] as string), url.searchParams.get('item') ?? undefined);
    }
    if (method === 'GET' && /^\/api\/v1\/vaults\/[^/]+\/items$/.test(p)) return this.#vault.listItems();
    if (method === 'POST' && p === '/api/v1/agents/me/hello') {
      this.hellos++;
      for (const job of this.jobs.splice(0))
        this.jobs.push(job.status === 'running' ? { ...job, status: 'queued' } : job);
      return { requeued: 0 };
    }
    if (method === 'POST' && p === '/api/v1/agents/me/jobs/claim') {
      const index = this.jobs.findIndex((j) => j.status === 'queued');
      if (index < 0) return undefined;
      const job = { ...(this.jobs[index] as JobView), status: 'running' as const };
      this.jobs[index] = job;
      const items = await this.#vault.listItems();
      return { ...job, paths: items.find((i) => i.name === job.item)?.paths ?? [] };
    }
    if ((m = /^\/api\/v1\/jobs\/([^/]+)\/(progress|finish)$/.exec(p)) !== null && method === 'POST') {
      if (m[2] === 'progress') this.progress.push(body);
      else {
        this.finished.set(m[1] as string, body);
        const index = this.jobs.findIndex((j) => j.id === m?.[1]);
        const status = body['status'] === 'succeeded' ? 'succeeded' : 'failed';
        if (index >= 0) this.jobs[index] = { ...(this.jobs[index] as JobView), status };
      }
      return { ok: true };
    }
    throw new AmberError('NOT_FOUND', `There is no endpoint ${method} ${p}.`);
  }

  async #object(method: string, key: string, range: string | undefined, response: ServerResponse): Promise<unknown> {
    const info = await this.#vault.objects.stat(key);
    if (method === 'HEAD') {
      response.writeHead(200, { 'content-length': info.size }).end();
      return undefined;
    }
    const match = range === undefined ? null : /^bytes=(\d+)-(\d+)$/.exec(range);
    if (match === null) return this.#vault.objects.get(key);
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (end >= info.size) throw new AmberError('INVALID_ARGUMENT', `${key} is shorter than the range asked.`);
    const bytes = await this.#vault.objects.getRange(key, start, end - start + 1);
    response.writeHead(206, { 'content-length': bytes.length }).end(bytes);
    return undefined;
  }

  async #session(
    method: string,
    id: string,
    rest: string,
    body: Record<string, unknown>,
    raw: Buffer,
  ): Promise<unknown> {
    const session = this.#sessions.get(id);
    if (session === undefined) throw new AmberError('SESSION_NOT_FOUND', `There is no open backup session ${id}.`);
    if (method === 'DELETE' && rest === '') {
      this.#sessions.delete(id);
      await session.release();
      return { released: id };
    }
    if (method === 'PUT' && rest.startsWith('/objects/')) {
      const key = rest.slice('/objects/'.length);
      return { key, result: await this.#vault.putUploaded(session, key, raw) };
    }
    if (method === 'POST' && rest === '/commit') {
      this.#sessions.delete(id);
      return { point: await this.#vault.commitBackup(session, body as never) };
    }
    throw new AmberError('NOT_FOUND', `There is no endpoint ${method} backups/${id}${rest}.`);
  }
}
