import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';

describe('server authentication and permissions', () => {
  let server: TestServer;
  let auditorToken: string;

  before(async () => {
    server = await startTestServer();
    const created = await server.call('POST', '/api/v1/users', {
      token: server.adminToken,
      body: { name: 'aud', role: 'auditor', password: 'auditor-password' },
    });
    assert.equal(created.status, 201);
    const login = await server.call<{ token: string }>('POST', '/api/v1/auth/login', {
      body: { user: 'aud', password: 'auditor-password' },
    });
    assert.equal(login.status, 200);
    auditorToken = login.body.token;
  });

  after(() => server.close());

  it('refuses a request without a token, or with an unknown one, as 401', async () => {
    assert.equal((await server.call('GET', '/api/v1/vaults')).status, 401);
    const unknown = await server.call<{ error: { code: string } }>('GET', '/api/v1/vaults', { token: 'amber_nope' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.code, 'UNAUTHENTICATED');
  });

  it('rejects unknown fields instead of ignoring them', async () => {
    const answer = await server.call<{ error: { code: string } }>('POST', '/api/v1/users', {
      token: server.adminToken,
      body: { name: 'eve', role: 'admin', password: 'long-enough-password', isRoot: true },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'USAGE');
  });

  it('lets an auditor read but not change, and audits the refusal', async () => {
    assert.equal((await server.call('GET', '/api/v1/vaults', { token: auditorToken })).status, 200);
    const refused = await server.call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/v1/vaults/default/immutability/enable',
      { token: auditorToken },
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'PERMISSION_DENIED');
    assert.match(refused.body.error.message, /immutability\.manage/);
    const trail = await server.call<{ actor: string; outcome: string; code: string }[]>(
      'GET',
      '/api/v1/vaults/default/audit',
      { token: auditorToken },
    );
    assert.ok(
      trail.body.some((e) => e.actor === 'user:aud' && e.outcome === 'refused' && e.code === 'PERMISSION_DENIED'),
    );
  });

  it('ends a token when it expires and when it is revoked', async () => {
    const login = await server.call<{ token: string; tokenId: string }>('POST', '/api/v1/auth/login', {
      body: { user: 'aud', password: 'auditor-password', ttlHours: 1 },
    });
    assert.equal((await server.call('GET', '/api/v1/auth/me', { token: login.body.token })).status, 200);
    server.clock.advanceMs(3_600_001);
    assert.equal((await server.call('GET', '/api/v1/auth/me', { token: login.body.token })).status, 401);

    const fresh = await server.call<{ token: string }>('POST', '/api/v1/auth/login', {
      body: { user: 'aud', password: 'auditor-password' },
    });
    assert.equal((await server.call('POST', '/api/v1/auth/logout', { token: fresh.body.token })).status, 200);
    assert.equal((await server.call('GET', '/api/v1/auth/me', { token: fresh.body.token })).status, 401);
  });

  it('pauses sign-in after five failures, and says until when', async () => {
    for (let i = 0; i < 5; i++) {
      const failed = await server.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', {
        body: { user: 'admin', password: `wrong-${i}` },
      });
      assert.equal(failed.body.error.code, 'LOGIN_FAILED');
    }
    const paused = await server.call<{ error: { code: string; details: { until: string } } }>(
      'POST',
      '/api/v1/auth/login',
      { body: { user: 'admin', password: 'anything' } },
    );
    assert.equal(paused.status, 429);
    assert.equal(paused.body.error.code, 'LOGIN_RATE_LIMITED');
    assert.match(paused.body.error.details.until, /^\d{4}-\d\d-\d\dT/);
    server.clock.advanceMs(15 * 60_000 + 1);
    const again = await server.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', {
      body: { user: 'admin', password: 'still-wrong' },
    });
    assert.equal(again.body.error.code, 'LOGIN_FAILED');
  });

  it('lets a read-only token read, and refuses (and audits) any change made with it', async () => {
    const created = await server.call<{ token: string; id: string }>('POST', '/api/v1/tokens', {
      token: server.adminToken,
      body: { label: 'monitoring', readOnly: true },
    });
    assert.equal(created.status, 201);
    const readOnly = created.body.token;
    assert.equal((await server.call('GET', '/api/v1/vaults', { token: readOnly })).status, 200);
    const refused = await server.call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/v1/vaults/default/immutability/enable',
      { token: readOnly },
    );
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /read-only/);
    const trail = await server.call<{ code?: string; outcome: string; message: string }[]>(
      'GET',
      '/api/v1/vaults/default/audit?outcome=refused',
      { token: readOnly },
    );
    assert.ok(trail.body.some((e) => e.code === 'PERMISSION_DENIED' && /read-only/.test(e.message)));
    assert.equal((await server.call('POST', '/api/v1/auth/logout', { token: readOnly })).status, 200);
  });

  it('uses an enrollment token once only', async () => {
    const enrollment = await server.call<{ token: string }>('POST', '/api/v1/agents/enrollments', {
      token: server.adminToken,
      body: { vault: 'default' },
    });
    assert.equal(enrollment.status, 201);
    const register = (name: string) =>
      server.call<{ token: string; error?: { code: string } }>('POST', '/api/v1/agents/register', {
        body: { enrollToken: enrollment.body.token, name, hostname: 'host-1' },
      });
    const first = await register('agent-one');
    assert.equal(first.status, 201);
    const second = await register('agent-two');
    assert.equal(second.status, 401);
    // An agent token reaches only the agent's endpoints.
    const vaults = await server.call('GET', '/api/v1/vaults', { token: first.body.token });
    assert.equal(vaults.status, 403);
  });
});
