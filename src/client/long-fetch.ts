/**
 * fetch without undici's built-in 300 s limits on response headers and body gaps: a verify with
 * --read-data, a maintenance run or a catalog rebuild of a large vault answers only when it is done.
 * How long a request may take is the ApiClient's own timeout (per request). undici is loaded on the
 * first request, so commands on a local vault never pay for it.
 */
let loaded: Promise<typeof fetch> | undefined;

async function load(): Promise<typeof fetch> {
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 10_000 });
  return (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher });
}

export const longFetch: typeof fetch = async (input, init) => {
  loaded ??= load();
  return (await loaded)(input, init);
};
