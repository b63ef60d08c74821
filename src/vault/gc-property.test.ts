/**
 * A property test of expiry and garbage collection: random histories (a fixed list of seeds, each
 * printed) of backups of a small changing tree, retention increases, legal holds, immutability
 * changes, clock jumps and maintenance runs. After every maintenance run: every listed point restores
 * bit-exactly, verify finds nothing, no unexpired or held point is gone, expired un-held points whose
 * locks have lapsed are gone, and in an immutable vault storage locks everything each point needs.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { MS_PER_DAY, MS_PER_HOUR, toIso } from '../core/clock.js';
import { lockUntilFor } from '../core/retention/lock-generation.js';
import type { MaintenanceReport } from './maintenance.js';
import { seededRandom, type SeededRandom } from './testing/seeded-random.js';
import { pointCoverage } from './testing/storage-coverage.js';
import {
  assertRestores,
  expectedContents,
  makeTestVault,
  writeSourceTree,
  type TestVault,
} from './testing/vault-fixture.js';

const SEEDS = [11, 23, 37, 51, 79];
const OPERATIONS = 40;
const GENERATIONS = [0, 10, 3];

const made: TestVault[] = [];
after(async () => {
  for (const tv of made) await tv.dispose();
});

interface ModelPoint {
  readonly id: string;
  readonly item: 'data' | 'adhoc';
  readonly createdAt: number;
  retainUntil: number;
  readonly expected: Map<string, string>;
}

const OPERATION_WEIGHTS = {
  backup: 5,
  adhoc: 1,
  increase: 1,
  hold: 1.5,
  release: 1,
  enable: 0.7,
  disable: 0.3,
  lock: 0.3,
  advance: 4,
  maintenance: 2,
  reopen: 0.5,
} as const;

class History {
  readonly points = new Map<string, ModelPoint>();
  readonly held = new Set<string>();
  readonly files: Record<string, Buffer> = {};
  readonly pastContents: Buffer[] = [];
  keepDays: number;
  maintenanceRuns = 0;
  readonly log: string[] = [];

  constructor(
    readonly tv: TestVault,
    readonly rng: SeededRandom,
    readonly src: string,
    readonly generationDays: number,
  ) {
    this.keepDays = rng.between(1, 7);
  }

  get now(): number {
    return this.tv.clock.nowMs();
  }

  async setUp(): Promise<void> {
    const { vault } = this.tv;
    await vault.setVaultOptions({ lockGenerationDays: this.generationDays });
    await vault.createPolicy({ name: 'pol', retention: { kind: 'simple', keepDays: this.keepDays } });
    for (let i = 0; i < 4; i++) this.files[`f${i}.bin`] = this.newContent();
    await writeSourceTree(this.src, this.files);
    await vault.addItem({ name: 'data', policy: 'pol', paths: [this.src] });
  }

  /** New bytes, or (sometimes) the bytes a file had earlier, so that old blobs come back. */
  newContent(): Buffer {
    if (this.pastContents.length > 0 && this.rng.chance(0.25)) return this.rng.pick(this.pastContents);
    const content = this.rng.bytes(this.rng.between(1, 3000));
    this.pastContents.push(content);
    return content;
  }

  async mutateTree(): Promise<void> {
    const names = Object.keys(this.files);
    for (let n = this.rng.between(0, 3); n > 0; n--) {
      const roll = this.rng.float();
      if (roll < 0.3 || names.length < 2)
        this.files[`${this.rng.pick(['', 'sub/', 'sub/deep/'])}n${this.rng.between(0, 99)}.bin`] = this.newContent();
      else if (roll < 0.7) this.files[this.rng.pick(names)] = this.newContent();
      else delete this.files[this.rng.pick(names)];
    }
    await writeSourceTree(this.src, this.files);
  }

  async backup(item: 'data' | 'adhoc'): Promise<void> {
    await this.mutateTree();
    const retainDays = item === 'adhoc' ? this.rng.between(0, 5) : 0;
    const { point } = await this.tv.vault.backup({
      item,
      paths: item === 'adhoc' ? [this.src] : [],
      retainDays,
      hostname: 'prop',
    });
    const days = item === 'adhoc' ? retainDays : this.keepDays;
    assert.equal(point.retainUntil, point.createdAt + days * MS_PER_DAY, `retention of the ${item} point`);
    this.points.set(point.id, {
      id: point.id,
      item,
      createdAt: point.createdAt,
      retainUntil: point.retainUntil,
      expected: expectedContents(this.files),
    });
    this.log.push(`backup ${item} ${point.id.slice(0, 8)} until ${toIso(point.retainUntil)}`);
  }

  async increaseRetention(): Promise<void> {
    this.keepDays += this.rng.between(1, 5);
    await this.tv.vault.updatePolicy('pol', { retention: { kind: 'simple', keepDays: this.keepDays } });
    for (const point of this.points.values()) {
      if (point.item === 'data')
        point.retainUntil = Math.max(point.retainUntil, point.createdAt + this.keepDays * MS_PER_DAY);
    }
    this.log.push(`policy keeps ${this.keepDays} days`);
  }

  async step(): Promise<void> {
    const { vault, clock } = this.tv;
    const op = this.rng.weighted(OPERATION_WEIGHTS);
    const state = (await vault.showVault()).state;
    const unheld = [...this.points.keys()].filter((id) => !this.held.has(id));
    switch (op) {
      case 'backup':
      case 'adhoc':
        return this.backup(op === 'backup' ? 'data' : 'adhoc');
      case 'increase':
        return this.increaseRetention();
      case 'hold':
        if (unheld.length === 0) return;
        return this.hold(this.rng.pick(unheld));
      case 'release':
        if (this.held.size === 0) return;
        return this.release(this.rng.pick([...this.held]));
      case 'enable':
        if (state === 'disabled') await vault.enableImmutability();
        break;
      case 'disable':
        if (state === 'enabled') await vault.disableImmutability();
        break;
      case 'lock':
        if (state !== 'enabled') return;
        await vault.lockImmutability({
          coolingOffMs: this.rng.pick([0, MS_PER_HOUR, 2 * MS_PER_DAY]),
          confirmedIrreversible: true,
        });
        break;
      case 'advance':
        clock.advanceMs(Math.round(this.rng.logUniform(MS_PER_HOUR, 21 * MS_PER_DAY)));
        break;
      case 'maintenance':
        return this.maintain();
      case 'reopen':
        await this.tv.reopen();
        break;
    }
    this.log.push(`${op} (${state} → ${(await vault.showVault()).state}) at ${toIso(clock.nowMs())}`);
  }

  async hold(id: string): Promise<void> {
    await this.tv.vault.setLegalHold(id, 'property test');
    this.held.add(id);
    this.log.push(`hold ${id.slice(0, 8)}`);
  }

  async release(id: string): Promise<void> {
    await this.tv.vault.releaseLegalHold(id);
    this.held.delete(id);
    this.log.push(`release ${id.slice(0, 8)}`);
  }

  async maintain(): Promise<void> {
    const report = await this.tv.vault.runMaintenance({ dryRun: false });
    this.maintenanceRuns++;
    this.log.push(
      `maintenance at ${toIso(this.now)}: expired ${report.expiredPoints.length}, deferred ${report.deferredPoints.length}, packs -${report.deletedPacks.length}`,
    );
    await this.check(report);
  }

  async check(report: MaintenanceReport): Promise<void> {
    const { vault } = this.tv;
    const now = this.now;
    const state = (await vault.showVault()).state;
    const listed = new Map((await vault.listPoints()).map((p) => [p.id as string, p]));
    for (const [id, row] of listed) {
      const model = this.points.get(id);
      assert.ok(model !== undefined, `listed point ${id.slice(0, 8)} was never made`);
      assert.equal(row.retainUntil, model.retainUntil, `catalog retention of ${id.slice(0, 8)}`);
      assert.equal(row.legalHold, this.held.has(id), `legal hold flag of ${id.slice(0, 8)}`);
    }
    const deferred = new Map(report.deferredPoints.map((d) => [d.id, d.lockedUntil]));
    for (const model of [...this.points.values()]) {
      const expired = now >= model.retainUntil;
      const held = this.held.has(model.id);
      if (!listed.has(model.id)) {
        assert.ok(expired && !held, `point ${model.id.slice(0, 8)} (${held ? 'held' : 'unexpired'}) was removed`);
        this.points.delete(model.id);
        continue;
      }
      if (!expired || held) continue;
      const lockedUntil = deferred.get(model.id);
      assert.ok(
        lockedUntil !== undefined && lockedUntil > now,
        `expired point ${model.id.slice(0, 8)} stays only while locked`,
      );
      assert.notEqual(state, 'disabled', 'a disabled vault defers no expiry for a governance lock');
      const bound =
        this.generationDays > 0
          ? lockUntilFor(model.retainUntil, { generationDays: this.generationDays })
          : model.retainUntil;
      assert.ok(
        lockedUntil <= bound,
        `the lock of ${model.id.slice(0, 8)} ends within one generation of its retention`,
      );
    }
    for (const model of this.points.values()) {
      await assertRestores(
        vault,
        model.id,
        this.src,
        this.tv.base,
        model.expected,
        `(after maintenance ${this.maintenanceRuns})`,
      );
    }
    const verify = await vault.verify({ readData: true });
    assert.deepEqual(verify.problems, [], 'verify finds no problem');
    await this.checkCoverage(state, now);
  }

  /** In an immutable vault every object an unexpired point needs is locked until its retainUntil; held points' objects are held. */
  async checkCoverage(state: string, now: number): Promise<void> {
    const mode = state === 'locked' ? 'compliance' : 'governance';
    for (const { pointId, objects } of await pointCoverage(this.tv.vault)) {
      const model = this.points.get(pointId) as ModelPoint;
      for (const info of objects) {
        const isVaultWide =
          !info.key.startsWith('points/') && !info.key.startsWith('packs/') && !info.key.startsWith('index/');
        if (this.held.has(pointId) && !isVaultWide)
          assert.ok(info.legalHold, `${info.key} is held for ${pointId.slice(0, 8)}`);
        if (state === 'disabled' || now >= model.retainUntil) continue;
        assert.equal(info.lock?.mode, mode, `${info.key} needed by ${pointId.slice(0, 8)} has a ${mode} lock`);
        assert.ok(
          (info.lock?.retainUntil ?? 0) >= model.retainUntil,
          `${info.key} is locked as long as ${pointId.slice(0, 8)}`,
        );
      }
    }
  }
}

async function runHistory(t: TestContext, seed: number, index: number): Promise<void> {
  const tv = await makeTestVault(`gc-${seed}`);
  made.push(tv);
  const history = new History(
    tv,
    seededRandom(seed),
    path.join(tv.base, 'src'),
    GENERATIONS[index % GENERATIONS.length] ?? 0,
  );
  t.diagnostic(`seed ${seed}, lock generation ${history.generationDays} days, keep ${history.keepDays} days`);
  try {
    await history.setUp();
    for (let i = 0; i < OPERATIONS; i++) await history.step();
    await history.maintain();
    tv.clock.advanceMs(400 * MS_PER_DAY);
    for (const id of [...history.held]) await history.release(id);
    await history.maintain();
    await history.maintain();
    assert.deepEqual([...history.points.keys()], [], 'once every retention and lock lapsed, every point is gone');
    const verify = await tv.vault.verify({ readData: false });
    assert.equal(verify.packs, 0, 'and so is every pack');
  } catch (error) {
    t.diagnostic(`history of seed ${seed}:`);
    for (const line of history.log) t.diagnostic(`  ${line}`);
    throw error;
  }
  t.diagnostic(`${history.maintenanceRuns} maintenance runs checked`);
}

for (const [index, seed] of SEEDS.entries()) {
  test(`a random history (seed ${seed}) keeps exactly the points it must, all restorable`, (t) =>
    runHistory(t, seed, index));
}
