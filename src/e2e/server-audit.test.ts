import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { apiAs, startServerProcess, type ServerProcess } from './testing/amber-server.js';
import { describeRun, runAmber } from './testing/amber-cli.js';
import { makeTempDir, removeTree } from './testing/temp-dir.js';

interface VerifyReport {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string; message: string };
}

/**
 * The server's audit trail is hash-chained: an event edited, deleted or moved in its SQLite catalog
 * (by someone with file access, the server stopped) is found by verify, which names the first bad one.
 */
describe('amber server: tamper-evident audit trail', () => {
  let root: string;
  let dataDir: string;
  let pristine: string;
  let server: ServerProcess | undefined;

  const catalogFile = (): string => path.join(dataDir, 'server.sqlite');

  /** Restarts the server on the data directory and asks it to verify its trail. */
  async function verifyThroughServer(token: string): Promise<VerifyReport> {
    server = await startServerProcess({ dataDir });
    try {
      const answer = await apiAs(server.url, token)<VerifyReport>('GET', '/api/v1/audit/verify');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    } finally {
      await server.stop();
    }
  }

  /** Restores the untouched catalog, then changes it with raw SQL. */
  async function tamper(sql: string): Promise<void> {
    await copyFile(pristine, catalogFile());
    const db = new Database(catalogFile());
    try {
      db.pragma('journal_mode = DELETE');
      db.exec(sql);
    } finally {
      db.close();
    }
  }

  let token: string;

  before(async () => {
    root = await makeTempDir('server-audit');
    dataDir = path.join(root, 'data');
    server = await startServerProcess({ dataDir });
    token = server.adminToken;
    const admin = apiAs(server.url, token);
    for (const name of ['ann', 'ben', 'cas', 'dee']) {
      await admin('POST', '/api/v1/users', { name, role: 'auditor', password: `${name}-password-long` });
    }
    await admin('POST', '/api/v1/vaults/default/immutability/enable');
    await server.stop();
    // A copy taken with the server stopped (its WAL checkpointed on close).
    const db = new Database(catalogFile());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    pristine = path.join(root, 'pristine.sqlite');
    await copyFile(catalogFile(), pristine);
  });

  after(async () => {
    await server?.stop();
    await removeTree(root);
  });

  it('verifies an untouched trail', async () => {
    await copyFile(pristine, catalogFile());
    const report = await verifyThroughServer(token);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok(report.checked >= 5);
  });

  it('names an edited event', async () => {
    await tamper(`update audit_events set message = 'nothing happened' where seq = 3`);
    const report = await verifyThroughServer(token);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad?.seq, 3);
    assert.equal(report.firstBad?.reason, 'edited');
  });

  it('makes `amber audit verify --server-trail` fail naming the edited event', async () => {
    await tamper(`update audit_events set actor = 'user:nobody' where seq = 2`);
    server = await startServerProcess({ dataDir });
    try {
      const args = ['audit', 'verify', '--server-trail'];
      const run = await runAmber(args, {
        env: { AMBER_SERVER: server.url, AMBER_TOKEN: token, XDG_CONFIG_HOME: path.join(root, 'config') },
      });
      assert.equal(run.code, 1, describeRun(args, run));
      assert.match(run.stderr, /Audit event 2 was edited.*\[AUDIT_CHAIN_BROKEN\]/);
    } finally {
      await server.stop();
    }
  });

  it('names the gap a deleted event leaves', async () => {
    await tamper(`delete from audit_events where seq = 4`);
    const report = await verifyThroughServer(token);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad?.reason, 'deleted');
    assert.equal(report.firstBad?.seq, 4, JSON.stringify(report.firstBad));
  });

  it('catches a trail cut short by the anchor in the vault storage', async () => {
    await tamper(`delete from audit_events where seq > 3`);
    const report = await verifyThroughServer(token);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad?.reason, 'anchor-mismatch', JSON.stringify(report.firstBad));
  });

  it('names events that were swapped', async () => {
    await tamper(`
      update audit_events set seq = -1 where seq = 3;
      update audit_events set seq = 3 where seq = 4;
      update audit_events set seq = 4 where seq = -1;`);
    const report = await verifyThroughServer(token);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad?.seq, 3, JSON.stringify(report.firstBad));
    assert.equal(report.firstBad?.reason, 'reordered');
  });
});
