// What the console suite (src/e2e/console.test.ts) sets up through the API and the CLI; the browser does the rest.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, describeRun, runAmber } from './amber-cli.js';
import { apiAs, type Api, type ServerProcess } from './amber-server.js';

/** Backs up a small tree into the vault with `amber backup --server` (a key envelope added for the test). */
export async function backUp(
  server: ServerProcess,
  admin: Api,
  root: string,
  vault: string,
  passphrase: string,
): Promise<string> {
  const key = await admin('POST', `/api/v1/vaults/${vault}/keys`, { passphrase, label: 'console e2e' });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  const source = path.join(root, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'report.txt'), 'quarterly figures\n');
  await copyFile(path.join(REPO_ROOT, 'package.json'), path.join(source, 'package.json'));
  const args = ['backup', '--server', server.url, '--token', server.adminToken, '--vault', vault, '--item', 'docs'];
  args.push('--json', source);
  const run = await runAmber(args, { env: { AMBER_PASSWORD: passphrase, AMBER_CACHE_DIR: path.join(root, 'cache') } });
  assert.equal(run.code, 0, describeRun(args, run));
  return (JSON.parse(run.stdout) as { id: string }).id;
}

/** Two more vaults, so the vaults page shows every Data Lock Mode: one enabled with guardrails, one locking. */
export async function otherVaults(admin: Api): Promise<void> {
  const calls: [string, string, unknown][] = [
    ['POST', '/api/v1/vaults', { name: 'archive', kind: 'local' }],
    ['POST', '/api/v1/vaults/archive/immutability/enable', {}],
    ['PATCH', '/api/v1/vaults/archive', { minRetentionDays: 30, maxRetentionDays: 3650 }],
    ['POST', '/api/v1/vaults', { name: 'finance', kind: 'local' }],
    ['POST', '/api/v1/vaults/finance/immutability/enable', {}],
    ['POST', '/api/v1/vaults/finance/immutability/lock', { coolingOffHours: 72, confirmedIrreversible: true }],
  ];
  for (const [method, route, body] of calls) {
    const answer = await admin(method, route, body);
    assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** Enrolls and registers an agent `web-01` in the vault and returns an API client with its token. */
export async function registerAgent(server: ServerProcess, admin: Api, vault: string): Promise<Api> {
  const enrollment = await admin<{ token: string }>('POST', '/api/v1/agents/enrollments', { vault });
  assert.equal(enrollment.status, 201, JSON.stringify(enrollment.body));
  const registered = await apiAs(server.url, undefined)<{ token: string }>('POST', '/api/v1/agents/register', {
    enrollToken: enrollment.body.token,
    name: 'web-01',
    hostname: 'web-01.example',
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  return apiAs(server.url, registered.body.token);
}
