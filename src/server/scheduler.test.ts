import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';

const HOUR = 3_600_000;

describe('the scheduler', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const admin = { token: server.adminToken };
    const enrollment = await server.call<{ token: string }>('POST', '/api/v1/agents/enrollments', {
      ...admin,
      body: { vault: 'default' },
    });
    await server.call('POST', '/api/v1/agents/register', {
      body: { enrollToken: enrollment.body.token, name: 'web-01', hostname: 'web' },
    });
    // FakeClock starts at 2026-01-01T00:00:00Z.
    await server.call('POST', '/api/v1/vaults/default/policies', {
      ...admin,
      body: { name: 'nightly', retention: { kind: 'simple', keepDays: 7 }, schedule: '0 2 * * *', timeZone: 'UTC' },
    });
    await server.call('POST', '/api/v1/vaults/default/policies', {
      ...admin,
      body: { name: 'manual', retention: { kind: 'simple', keepDays: 7 } },
    });
    for (const [name, policy] of [
      ['web', 'nightly'],
      ['db', 'manual'],
    ]) {
      const added = await server.call('POST', '/api/v1/vaults/default/items', {
        ...admin,
        body: { name, policy, paths: ['/srv/' + name], agent: 'web-01' },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
  });

  after(() => server.close());

  const scheduled = async () =>
    (await server.ctx.jobs.list({ vault: 'default' })).filter((job) => job.trigger === 'schedule');

  it('queues nothing before the first scheduled time', async () => {
    server.clock.advanceMs(1 * HOUR);
    assert.equal(await server.ctx.scheduler.tick(), 0);
  });

  it("queues one job for the item's agent when the schedule comes due, and only once", async () => {
    server.clock.advanceMs(1.5 * HOUR);
    assert.equal(await server.ctx.scheduler.tick(), 1);
    assert.equal(await server.ctx.scheduler.tick(), 0);
    const [job] = await scheduled();
    assert.equal(job?.item, 'web');
    assert.equal(job?.agent, 'web-01');
    assert.equal(job?.scheduled_for, Date.UTC(2026, 0, 1, 2));
  });

  it('catches up with one job, not one per missed run, after the server was down', async () => {
    server.clock.advanceMs(72 * HOUR);
    assert.equal(await server.ctx.scheduler.tick(), 1);
    const jobs = await scheduled();
    assert.equal(jobs.length, 2);
    assert.equal(jobs[0]?.scheduled_for, Date.UTC(2026, 0, 4, 2));
  });

  it('shows the next run of each item', async () => {
    const items = await server.call<{ name: string; nextBackupAt: number | null }[]>(
      'GET',
      '/api/v1/vaults/default/items',
      {
        token: server.adminToken,
      },
    );
    const byName = new Map(items.body.map((i) => [i.name, i.nextBackupAt]));
    assert.equal(byName.get('web'), Date.UTC(2026, 0, 5, 2));
    assert.equal(byName.get('db'), null);
  });

  it('queues a manual backup now, for the agent that owns the item', async () => {
    const now = await server.call<{ trigger: string; agent: string; status: string }>(
      'POST',
      '/api/v1/vaults/default/items/db/backup',
      { token: server.adminToken },
    );
    assert.equal(now.status, 202);
    assert.deepEqual([now.body.trigger, now.body.agent, now.body.status], ['manual', 'web-01', 'queued']);
  });
});
