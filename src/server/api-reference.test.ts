import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS } from '../core/rbac.js';
import { apiReferenceTable, listRoutes } from './api-reference.js';

function readApiDoc(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [resolve(here, '../../docs/api.md'), resolve(process.cwd(), 'docs/api.md')].find((p) => existsSync(p));
  assert.ok(found, 'docs/api.md not found');
  return readFileSync(found, 'utf8');
}

describe('the API reference', () => {
  const routes = listRoutes();

  it('lists every endpoint with its permission, as the route table defines them', () => {
    const doc = readApiDoc();
    const start = doc.indexOf('<!-- routes:start -->');
    const end = doc.indexOf('<!-- routes:end -->');
    assert.ok(start >= 0 && end > start, 'docs/api.md lacks the routes:start/routes:end markers');
    const documented = doc
      .slice(start, end)
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' '))
      .filter((line) => /^\| [A-Z]+ \|/.test(line));
    const expected = apiReferenceTable(routes)
      .split('\n')
      .slice(2)
      .map((line) => line.replace(/\s+/g, ' '));
    assert.deepEqual(documented, expected, 'regenerate it: npm run build && node scripts/gen-api-doc.mjs --write');
  });

  it('has one route per method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('names only known permissions, and every state change needs more than a token', () => {
    for (const route of routes) {
      assert.ok(
        route.permission === 'public' || route.permission === 'authenticated' || PERMISSIONS.includes(route.permission),
        `${route.method} ${route.url}: unknown permission ${route.permission}`,
      );
    }
    const publicRoutes = routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(publicRoutes.sort(), ['POST /api/v1/agents/register', 'POST /api/v1/auth/login']);
  });

  it('gives agents only the data plane and their jobs', () => {
    const agentRoutes = routes
      .filter((r) => ['point.read', 'data.upload', 'data.read', 'job.report'].includes(r.permission))
      .map((r) => `${r.method} ${r.url}`);
    assert.ok(!agentRoutes.some((r) => r.startsWith('DELETE') && !r.includes('/backups/')), agentRoutes.join('\n'));
  });
});
