import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';

type ErrorAnswer = { error: { code: string; message: string } };

describe('rules refuse before approvals are asked for', () => {
  let server: TestServer;
  const asAdmin = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
    server.call<ErrorAnswer>(method, url, { token: server.adminToken, ...(body === undefined ? {} : { body }) });

  before(async () => {
    server = await startTestServer();
    await asAdmin('POST', '/api/v1/users', { name: 'sec', role: 'security-officer', password: 'security-password' });
    assert.equal((await asAdmin('PUT', '/api/v1/approvals/settings', { enabled: true })).status, 200);
    await asAdmin('POST', '/api/v1/vaults/default/policies', {
      name: 'keep30',
      retention: { kind: 'simple', keepDays: 30 },
    });
  });
  after(() => server.close());

  it('asks for approval to reduce retention in a vault without immutability', async () => {
    const answer = await asAdmin('PATCH', '/api/v1/vaults/default/policies/keep30', {
      retention: { kind: 'simple', keepDays: 20 },
    });
    assert.equal(answer.status, 428);
    assert.equal(answer.body.error.code, 'APPROVAL_REQUIRED');
  });

  it('refuses a reduction in an immutable vault with the rule, filing no request', async () => {
    assert.equal((await asAdmin('POST', '/api/v1/vaults/default/immutability/enable')).status, 200);
    const pending = (await server.ctx.approvals.list({ status: 'pending' })).length;
    const answer = await asAdmin('PATCH', '/api/v1/vaults/default/policies/keep30', {
      retention: { kind: 'simple', keepDays: 10 },
    });
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error.code, 'RETENTION_REDUCTION_BLOCKED');
    assert.equal((await server.ctx.approvals.list({ status: 'pending' })).length, pending);
  });

  it('refuses to disable immutability of a locked vault with the rule, filing no request', async () => {
    const lock = await asAdmin('POST', '/api/v1/vaults/default/immutability/lock', {
      coolingOffHours: 72,
      confirmedIrreversible: true,
    });
    assert.equal(lock.status, 200, JSON.stringify(lock.body));
    server.clock.advanceMs(73 * 3_600_000);
    const pending = (await server.ctx.approvals.list({ status: 'pending' })).length;
    const answer = await asAdmin('POST', '/api/v1/vaults/default/immutability/disable');
    assert.equal(answer.status, 409, JSON.stringify(answer.body));
    assert.match(answer.body.error.message, /locked/i);
    assert.equal((await server.ctx.approvals.list({ status: 'pending' })).length, pending);
  });
});
