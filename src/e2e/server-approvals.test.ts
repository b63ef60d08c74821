import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiAs, assertError, startServerProcess, type Api, type ServerProcess } from './testing/amber-server.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';

/**
 * Approvals (multi-user authorization) and the clock guard against a real server process on
 * 127.0.0.1, whose wall clock the test moves with libfaketime.
 */
describe('amber server: approvals and the clock guard', () => {
  let root: string;
  let server: ServerProcess;
  let admin: Api;
  const as: Record<string, Api> = {};

  before(async () => {
    root = await makeTempDir('server-approvals');
    server = await startServerProcess({ dataDir: path.join(root, 'data'), fakeTime: true });
    admin = apiAs(server.url, server.adminToken);
    for (const [name, role] of [
      ['ops', 'operator'],
      ['sec1', 'security-officer'],
      ['sec2', 'security-officer'],
      ['sec3', 'security-officer'],
    ] as const) {
      assert.equal(
        (await admin('POST', '/api/v1/users', { name, role, password: `${name}-password-long` })).status,
        201,
      );
      const login = await apiAs(server.url, undefined)<{ token: string }>('POST', '/api/v1/auth/login', {
        user: name,
        password: `${name}-password-long`,
        ttlHours: 24 * 30,
      });
      assert.equal(login.status, 200);
      as[name] = apiAs(server.url, login.body.token);
    }
  });

  after(async () => {
    await server.stop();
    await removeTree(root);
  });

  const api = (name: string): Api => as[name] as Api;

  it('runs a protected operation at once while approvals are off', async () => {
    assert.equal((await admin('POST', '/api/v1/vaults/default/immutability/enable')).status, 200);
    const disabled = await admin<{ state: string }>('POST', '/api/v1/vaults/default/immutability/disable');
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.state, 'disabled');
  });

  it('refuses settings no approver could ever satisfy', async () => {
    const answer = await admin('PUT', '/api/v1/approvals/settings', { enabled: true, requiredApprovals: 4 });
    assertError(answer, 400, 'INVALID_APPROVAL_SETTINGS');
  });

  it('needs two approvals from others, never the requester, then runs the operation', async () => {
    const settings = await admin('PUT', '/api/v1/approvals/settings', { enabled: true, requiredApprovals: 2 });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    assert.equal((await admin('POST', '/api/v1/vaults/default/immutability/enable')).status, 200);

    const asked = await admin('POST', '/api/v1/vaults/default/immutability/disable', { reason: 'migration' });
    const error = assertError(asked, 428, 'APPROVAL_REQUIRED');
    assert.match(error.message, /needs 2 approvals/);
    const id = (asked.body as { error: { details: { approvalId: string } } }).error.details.approvalId;

    // The admin holds no approval.grant; an operator neither.
    assertError(await admin('POST', `/api/v1/approvals/${id}/approve`), 403, 'PERMISSION_DENIED');
    assertError(await api('ops')('POST', `/api/v1/approvals/${id}/approve`), 403, 'PERMISSION_DENIED');

    const first = await api('sec1')<{ status: string }>('POST', `/api/v1/approvals/${id}/approve`, { comment: 'ok' });
    assert.equal(first.body.status, 'pending');
    assertError(await api('sec1')('POST', `/api/v1/approvals/${id}/approve`), 409, 'APPROVAL_ALREADY_VOTED');
    const vault = await admin<{ state: string }>('GET', '/api/v1/vaults/default');
    assert.equal(vault.body.state, 'enabled', 'nothing runs before the second approval');

    const second = await api('sec2')<{ status: string; result: { state: string } }>(
      'POST',
      `/api/v1/approvals/${id}/approve`,
    );
    assert.equal(second.body.status, 'executed', JSON.stringify(second.body));
    assert.equal(second.body.result.state, 'disabled');
    assert.equal((await admin<{ state: string }>('GET', '/api/v1/vaults/default')).body.state, 'disabled');
    assertError(await api('sec3')('POST', `/api/v1/approvals/${id}/approve`), 409, 'APPROVAL_ALREADY_DECIDED');

    const audit = await admin<{ action: string; actor: string; outcome: string }[]>(
      'GET',
      '/api/v1/vaults/default/audit',
    );
    const disable = audit.body.filter((e) => e.action === 'immutability.disabled');
    assert.equal(disable.length, 2, 'the first disable (approvals off) and the approved one');
    assert.match(disable[1]?.actor ?? '', /user:admin \(approved, executed by user:sec2\)/);
  });

  it('refuses a requester who approves their own request', async () => {
    const asked = await api('sec1')('POST', '/api/v1/clock/acknowledge', { note: 'routine check' });
    assertError(asked, 428, 'APPROVAL_REQUIRED');
    const id = (asked.body as { error: { details: { approvalId: string } } }).error.details.approvalId;
    assertError(await api('sec1')('POST', `/api/v1/approvals/${id}/approve`), 403, 'APPROVAL_SELF_APPROVAL');
    const rejected = await api('sec2')<{ status: string }>('POST', `/api/v1/approvals/${id}/reject`, { comment: 'no' });
    assert.equal(rejected.body.status, 'rejected');
    const trail = await admin<{ action: string; outcome: string; code?: string }[]>(
      'GET',
      '/api/v1/audit?action=approval',
    );
    assert.ok(trail.body.some((e) => e.outcome === 'refused' && e.code === 'APPROVAL_SELF_APPROVAL'));
  });

  it('freezes expiry after a clock jump until the alert is acknowledged with approval', async () => {
    await server.setClockOffset('+30h');
    let clock = await admin<{ frozen: boolean; accumulatedMs: number }>('GET', '/api/v1/clock');
    assert.equal(clock.body.frozen, true, JSON.stringify(clock.body));
    assert.ok(clock.body.accumulatedMs >= 29 * 3_600_000);

    const maintenance = await admin<{ expiryFrozen?: { message: string } }>(
      'POST',
      '/api/v1/vaults/default/maintenance',
      { dryRun: false },
    );
    assert.equal(maintenance.status, 200, JSON.stringify(maintenance.body));
    assert.match(maintenance.body.expiryFrozen?.message ?? '', /clock jumped/);

    const asked = await admin('POST', '/api/v1/clock/acknowledge', { note: 'NTP fixed after the outage' });
    const id = (asked.body as { error: { details: { approvalId: string } } }).error.details.approvalId;
    assertError(asked, 428, 'APPROVAL_REQUIRED');
    await api('sec1')('POST', `/api/v1/approvals/${id}/approve`);
    const done = await api('sec2')<{ status: string }>('POST', `/api/v1/approvals/${id}/approve`);
    assert.equal(done.body.status, 'executed', JSON.stringify(done.body));
    clock = await admin('GET', '/api/v1/clock');
    assert.equal(clock.body.frozen, false);
    const after = await admin<{ expiryFrozen?: unknown }>('POST', '/api/v1/vaults/default/maintenance', {
      dryRun: true,
    });
    assert.equal(after.body.expiryFrozen, undefined);
    const jumps = await admin<{ action: string }[]>('GET', '/api/v1/audit?action=clock');
    assert.deepEqual([...new Set(jumps.body.map((e) => e.action))].sort(), ['clock.acknowledge', 'clock.jump']);
  });

  it('expires a request nobody decided in time', async () => {
    const asked = await admin('POST', '/api/v1/vaults/default/immutability/enable');
    assert.equal(asked.status, 200);
    const disable = await admin('POST', '/api/v1/vaults/default/immutability/disable');
    const id = (disable.body as { error: { details: { approvalId: string } } }).error.details.approvalId;
    // 30 h (now) + 25 h: past the 24 h a request lives. The jump freezes expiry again; that is fine here.
    await server.setClockOffset('+55h');
    assertError(await api('sec1')('POST', `/api/v1/approvals/${id}/approve`), 409, 'APPROVAL_EXPIRED');
    const listed = await admin<{ id: string; status: string }[]>('GET', '/api/v1/approvals?status=expired');
    assert.ok(listed.body.some((r) => r.id === id));
  });
});
