/**
 * The tamper-evident audit trail through the `amber` CLI (separate processes): `audit verify` passes
 * on an intact trail and names the first bad event, exit 1 and AUDIT_CHAIN_BROKEN, when the catalog
 * was edited, an event deleted, two events reordered or the newest events cut off after an anchor;
 * `audit list` filters; `audit export` as JSON lines and CSV parses back to the listed events.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { amberJson, amberOk, describeRun, runAmber, stackLines, type AmberRunOptions } from './testing/amber-cli.js';
import { makeTempDir, removeTree, runTool } from './testing/temp-dir.js';

interface EventJson {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  code?: string;
  message: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface VerifyJson {
  ok: boolean;
  checked: number;
  head?: { seq: number; hash: string };
  firstBad?: { seq: number; reason: string; message: string };
  anchorsChecked: number;
  newestAnchor?: { seq: number; hash: string; at: string };
}

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + record.join(''), '', 'the CSV ends with CRLF');
  return records;
}

describe('amber CLI: the audit trail', () => {
  let base: string;
  let vault: string;
  let run: AmberRunOptions;
  let copies = 0;
  /** The trail as `audit list --json` shows it once the setup is done. */
  let events: EventJson[];

  const verifyIn = (dir: string, ...extra: string[]): ReturnType<typeof runAmber> =>
    runAmber(['audit', 'verify', '--vault', dir, ...extra], run);

  /** A copy of the vault whose catalog `sql` then changes behind Amber's back. */
  const tampered = async (...statements: string[]): Promise<string> => {
    const copy = path.join(base, `copy-${++copies}`);
    await runTool('cp', ['-a', vault, copy]);
    const db = new Database(path.join(copy, '.catalog', 'catalog.sqlite'));
    for (const statement of statements) db.exec(statement);
    db.close();
    return copy;
  };

  /** Expects verify to exit 1 with `amber: <sentence> [AUDIT_CHAIN_BROKEN]` and no stack trace. */
  const assertBroken = async (dir: string, sentence: RegExp): Promise<void> => {
    const args = ['audit', 'verify', '--vault', dir];
    const result = await verifyIn(dir);
    assert.equal(result.code, 1, describeRun(args, result));
    assert.match(result.stderr, /^amber: .+ \[AUDIT_CHAIN_BROKEN\]$/m, describeRun(args, result));
    assert.match(result.stderr, sentence, describeRun(args, result));
    assert.deepEqual(stackLines(result.stderr), []);
  };

  before(async () => {
    base = await makeTempDir('audit');
    vault = path.join(base, 'vault');
    const src = path.join(base, 'src');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, 'a.txt'), 'alpha, "quoted"\n');
    run = {
      env: { AMBER_PASSWORD: 'audit passphrase', AMBER_CACHE_DIR: path.join(base, 'cache'), AMBER_VAULT: undefined },
    };
    const at = ['--vault', vault];
    await amberOk(['init', vault], run);
    await amberOk(['policy', 'create', 'p30', '--keep', '30', ...at], run);
    await amberOk(['item', 'add', 'docs', '--policy', 'p30', '--path', src, ...at], run);
    const pointId = (await amberOk(['backup', '--item', 'docs', ...at], run)).stdout.trim();
    await amberOk(['vault', 'immutability', 'enable', ...at], run);
    const refused = await runAmber(['points', 'delete', pointId, ...at], run);
    assert.equal(refused.code, 10, describeRun(['points', 'delete'], refused));
    await amberOk(['maintenance', 'run', ...at], run);
    await amberOk(['policy', 'create', 'p60', '--keep', '60', ...at], run);
    events = await amberJson<EventJson[]>(['audit', 'list', ...at, '--json'], run);
  });

  after(async () => {
    if (base !== undefined) await removeTree(base);
  });

  test('verify exits 0 on an intact trail and names the newest anchor it checked', async () => {
    assert.ok(events.length >= 6, `a few events: ${events.map((e) => e.action).join(', ')}`);
    const report = await amberJson<VerifyJson>(['audit', 'verify', '--vault', vault, '--json'], run);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.checked, events.length);
    assert.deepEqual(report.head, { seq: events.length, hash: events.at(-1)?.hash });
    assert.equal(report.anchorsChecked, 1);
    assert.equal(report.newestAnchor?.seq, events.length - 1, 'maintenance anchored the head before p60');
    const text = await amberOk(['audit', 'verify', '--vault', vault], run);
    assert.match(text.stdout, new RegExp(`^Audit trail intact: ${events.length} events checked`));
    assert.match(text.stdout, new RegExp(`the newest, #${events.length - 1}, was written`));
  });

  test('list filters by action prefix, outcome, actor and time', async () => {
    const list = (...filters: string[]): Promise<EventJson[]> =>
      amberJson<EventJson[]>(['audit', 'list', '--vault', vault, '--json', ...filters], run);
    const refusals = await list('--outcome', 'refused');
    assert.deepEqual(
      refusals.map((e) => [e.action, e.code]),
      [['point.delete', 'RETENTION_ACTIVE']],
    );
    assert.deepEqual(
      (await list('--action', 'policy')).map((e) => e.target),
      ['p30', 'p60'],
    );
    assert.deepEqual(await list('--actor', events[0]?.actor ?? ''), events);
    assert.deepEqual(await list('--since', '2999-01-01T00:00:00Z'), []);
    const usage = await runAmber(['audit', 'list', '--vault', vault, '--since', 'yesterday'], run);
    assert.equal(usage.code, 2, describeRun(['audit', 'list', '--since', 'yesterday'], usage));
  });

  test('export writes JSON lines and RFC 4180 CSV that parse back to the listed events', async () => {
    const jsonl = await amberOk(['audit', 'export', '--vault', vault], run);
    const lines = jsonl.stdout.split('\n');
    assert.equal(lines.pop(), '', 'every line ends with a newline');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as EventJson),
      events,
    );
    const file = path.join(base, 'audit.csv');
    await amberOk(['audit', 'export', '--vault', vault, '--format', 'csv', '--output', file], run);
    const [header, ...rows] = parseCsv(await readFile(file, 'utf8'));
    assert.deepEqual(header, [
      'seq',
      'at',
      'actor',
      'action',
      'target',
      'outcome',
      'code',
      'message',
      'details',
      'prevHash',
      'hash',
    ]);
    assert.deepEqual(
      rows.map(([seq, at, actor, action, target, outcome, code, message, details, prevHash, hash]) => ({
        seq: Number(seq),
        at,
        actor,
        action,
        target,
        outcome,
        ...(code === '' ? {} : { code }),
        message,
        details: JSON.parse(details ?? '') as Record<string, unknown>,
        prevHash,
        hash,
      })),
      events,
    );
  });

  test('verify names an edited event', async () => {
    const copy = await tampered("update audit_events set message = 'Nothing was refused.' where seq = 5");
    await assertBroken(copy, /^amber: Audit event 5 was edited: its hash does not match its contents\. \[/m);
    const result = await verifyIn(copy, '--json');
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as VerifyJson;
    assert.deepEqual(
      { ok: report.ok, seq: report.firstBad?.seq, reason: report.firstBad?.reason },
      { ok: false, seq: 5, reason: 'edited' },
    );
  });

  test('verify names a deleted event', async () => {
    const copy = await tampered('delete from audit_events where seq = 3');
    await assertBroken(copy, /^amber: Audit event 3 was deleted: event 2 is followed by the event recorded as 4\. \[/m);
  });

  test('verify names reordered events', async () => {
    const columns = 'at, actor, action, target, outcome, code, message, details, prev_hash, hash';
    const copy = await tampered(
      `create table swap as select seq, ${columns} from audit_events where seq in (2, 4)`,
      `update audit_events set (${columns}) = (select ${columns} from swap where swap.seq = 6 - audit_events.seq) where seq in (2, 4)`,
      'drop table swap',
    );
    await assertBroken(copy, /^amber: Audit event 2 is out of order: it was recorded as event 4/m);
  });

  test('verify catches the newest events cut off after the anchor', async () => {
    const anchored = events.length - 1;
    const copy = await tampered(`delete from audit_events where seq >= ${anchored - 1}`);
    await assertBroken(
      copy,
      new RegExp(`Audit events ${anchored - 1}–${anchored} are missing: .* the catalog was truncated`),
    );
  });
});
