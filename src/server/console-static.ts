import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the console's pages may load: only their own origin's scripts, styles, images and API — no
 * inline script or style, no framing, no plugins, no foreign form targets.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Vite names built assets after their content hash: they never change, so caches keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const CONSOLE_NOT_BUILT =
  'The Amber web console was not built (run `npm run build:console`). ' +
  'The API is at /api/v1 and its documentation at /api/docs.\n';

/**
 * Serves the web console (a Vite build) at `/`: hashed assets with immutable caching, index.html
 * (never cached) for every other non-API GET path so the console's own router can show it, and a
 * strict Content-Security-Policy on all of it. API paths and missing files keep the server's JSON 404.
 * When `dir` holds no build, `/` answers a short text saying so and the API runs as usual.
 */
export async function mountConsole(app: FastifyInstance, dir: string): Promise<void> {
  if (!(await exists(path.join(dir, 'index.html')))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      void reply.type('text/plain; charset=utf-8');
      return CONSOLE_NOT_BUILT;
    });
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: false,
      cacheControl: false,
      serveDotFiles: false,
      schemaHide: true,
      setHeaders: (reply, filePath) => {
        const assets = path.join(dir, 'assets') + path.sep;
        void reply.header('cache-control', filePath.startsWith(assets) ? IMMUTABLE : 'no-cache');
      },
    });
    const sendIndex = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      // API paths and file names (a stale asset) are not pages: they get the server's 404.
      const pathname = request.url.split('?')[0] ?? '/';
      if (pathname === '/api' || pathname.startsWith('/api/') || /\.[A-Za-z0-9]+$/.test(pathname)) {
        reply.callNotFound();
        return reply;
      }
      return reply.sendFile('index.html');
    };
    scope.get('/', { schema: { hide: true } }, sendIndex);
    scope.get('/*', { schema: { hide: true } }, sendIndex);
  });
}

/**
 * Where the console build lives: `<package root>/dist/console`. The package root is the first
 * directory above this module holding a package.json (this module runs from dist/server/ or, bundled,
 * from dist/bundle/).
 */
export async function defaultConsoleDir(moduleUrl: string = import.meta.url): Promise<string> {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'console');
    if (path.dirname(dir) === dir) return path.join(start, '..', 'console');
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
