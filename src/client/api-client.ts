import { AmberError } from '../core/errors.js';
import { errorFromAnswer, networkError } from './api-errors.js';
import { longFetch } from './long-fetch.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined;

export interface ApiRequestOptions {
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body. */
  readonly body?: unknown;
  /** A binary body, sent as application/octet-stream (uploads). */
  readonly raw?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Retry on network failures. Default: GET and HEAD only; a caller may mark a request whose repetition
   * changes nothing (an upload of a content-addressed object, a job's final report).
   */
  readonly idempotent?: boolean;
  /** Sent even after the stop signal (a last clean-up call such as abandoning a backup session). */
  readonly sendWhileStopping?: boolean;
  /** This request's timeout instead of the client's; 0: none (work that lasts as long as the vault is big). */
  readonly timeoutMs?: number;
}

export interface ApiClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8420`. */
  readonly baseUrl: string;
  /** The bearer token (a user's or an agent's); none for public endpoints such as sign-in. */
  readonly token?: string;
  /** Waits before each retry of an idempotent request that got no answer; default 0.25 s, then 1 s. */
  readonly retryDelaysMs?: readonly number[];
  /** How long one request may take before it counts as a network failure; default 10 minutes. */
  readonly timeoutMs?: number;
  /** Once aborted, no new request starts (those under way finish): the agent's orderly stop. */
  readonly stopSignal?: AbortSignal;
  readonly fetch?: typeof fetch;
}

/** The raw answer of a request: status, headers and body bytes (downloads, HEAD). */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1000];
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * The HTTP client of the Amber API (/api/v1): bearer-token authentication, JSON in and out, binary
 * uploads and downloads, and the translation of every failure into an AmberError — the server's own
 * code for an error answer, SERVER_UNREACHABLE (with the URL) when no answer came. The token is never
 * part of an error message.
 */
export class ApiClient {
  readonly baseUrl: string;
  readonly #options: ApiClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.#options = options;
    this.#fetch = options.fetch ?? longFetch;
  }

  /** Whether this client carries a token. */
  get authenticated(): boolean {
    return this.#options.token !== undefined;
  }

  /** The same server with another token (e.g. the one a sign-in returned). */
  withToken(token: string): ApiClient {
    return new ApiClient({ ...this.#options, baseUrl: this.baseUrl, token });
  }

  /** Sends a request and returns its JSON answer (undefined for 204 No Content). */
  async request<T>(method: HttpMethod, path: string, options: ApiRequestOptions = {}): Promise<T> {
    const answer = await this.send(method, path, options, 'application/json');
    if (answer.status === 204 || answer.bytes.length === 0) return undefined as T;
    try {
      return JSON.parse(answer.bytes.toString('utf8')) as T;
    } catch (error) {
      throw new AmberError(
        'SERVER_UNREACHABLE',
        `${method} ${path} at ${this.baseUrl} was answered with something that is not JSON.`,
        { cause: error, details: { server: this.baseUrl, status: answer.status } },
      );
    }
  }

  /** Sends a request and returns the raw answer; an error status still becomes an AmberError. */
  async send(method: HttpMethod, path: string, options: ApiRequestOptions = {}, accept = '*/*'): Promise<RawAnswer> {
    const url = this.#url(path, options.query);
    const init = this.#init(method, options, accept);
    const what = `${method} ${path}`;
    const retries =
      (options.idempotent ?? (method === 'GET' || method === 'HEAD'))
        ? (this.#options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)
        : [];
    for (let attempt = 0; ; attempt++) {
      if (options.sendWhileStopping !== true) this.#throwIfStopped(what);
      let response: Response;
      let bytes: Buffer;
      try {
        const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        response = await this.#fetch(url, {
          ...init,
          ...(timeoutMs === 0 ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
        });
        bytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
      } catch (error) {
        const delayMs = retries[attempt];
        if (delayMs === undefined || this.#options.stopSignal?.aborted === true) {
          throw networkError(error, this.baseUrl, what);
        }
        await wait(delayMs);
        continue;
      }
      if (!response.ok) throw errorFromAnswer(response.status, bytes.toString('utf8'), what);
      return { status: response.status, headers: response.headers, bytes };
    }
  }

  #url(path: string, query: ApiRequestOptions['query']): string {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  #init(method: HttpMethod, options: ApiRequestOptions, accept: string): RequestInit {
    const headers: Record<string, string> = { accept, ...(options.headers ?? {}) };
    if (this.#options.token !== undefined) headers['authorization'] = `Bearer ${this.#options.token}`;
    let body: RequestInit['body'];
    if (options.raw !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = options.raw;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    return { method, headers, ...(body === undefined ? {} : { body }) };
  }

  #throwIfStopped(what: string): void {
    if (this.#options.stopSignal?.aborted === true) {
      throw new AmberError('INTERRUPTED', `${what} was not sent: this process is stopping.`);
    }
  }
}

/** `http(s)://host[:port][/prefix]` without a trailing slash; anything else is a usage error. */
export function normalizeBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AmberError('USAGE', `"${text}" is not a server URL; give one such as http://127.0.0.1:8420.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AmberError('USAGE', `The server URL ${text} must start with http:// or https://.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AmberError('USAGE', `The server URL ${text} must not carry credentials, a query or a fragment.`);
  }
  return url.toString().replace(/\/+$/, '');
}

function wait(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
