import { errorFromResponse } from './api-error.js';

export type QueryValue = string | number | boolean | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/** The path and query of an API call; undefined and empty query values are left out. */
export function apiPath(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Encodes one path segment (a vault, item or point reference). */
export const seg = (value: string): string => encodeURIComponent(value);

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string, query?: Query): Promise<T>;
  /** A download (exports): the body as a Blob. */
  blob(path: string, query?: Query): Promise<Blob>;
}

/**
 * The console's client of /api/v1: the token goes in the Authorization header only (never in a URL),
 * same-origin requests, no cookies. A 401 on a signed-in request ends the session (`onUnauthorized`).
 */
export function createApiClient(token: string | undefined, onUnauthorized: (message: string) => void): ApiClient {
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.ok) return response;
    const error = await errorFromResponse(response);
    if (response.status === 401 && token !== undefined) onUnauthorized(error.message);
    throw error;
  };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(method, path, body);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    get: (path, query) => json('GET', apiPath(path, query)),
    post: (path, body) => json('POST', path, body ?? {}),
    put: (path, body) => json('PUT', path, body ?? {}),
    patch: (path, body) => json('PATCH', path, body ?? {}),
    del: (path, query) => json('DELETE', apiPath(path, query)),
    blob: async (path, query) => (await send('GET', apiPath(path, query))).blob(),
  };
}
