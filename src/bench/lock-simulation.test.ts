import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAmberError } from '../core/errors.js';
import {
  DEFAULT_LOCK_SIMULATION,
  parseLockSimulationArgs,
  renderLockSimulationTable,
  simulateLockGenerations,
  type LockScheme,
  type LockSimulationResult,
} from './lock-simulation.js';

const scheme = (result: LockSimulationResult, name: LockScheme) => {
  const found = result.schemes.find((s) => s.scheme === name);
  assert.ok(found, `no ${name} scheme`);
  return found;
};

describe('lock-generation simulation', () => {
  const result = simulateLockGenerations();
  const naive = scheme(result, 'naive');
  const amber = scheme(result, 'amber');
  const maintenance = scheme(result, 'maintenance');

  test('models 90 daily backups of a corpus that keeps reusing old packs', () => {
    assert.equal(result.options.days, 90);
    assert.equal(result.backups, 90 * DEFAULT_LOCK_SIMULATION.phases);
    assert.ok(result.objectsWritten > DEFAULT_LOCK_SIMULATION.packs * 4, `${result.objectsWritten} objects`);
    assert.ok(result.meanObjectsPerBackup > DEFAULT_LOCK_SIMULATION.packs, `${result.meanObjectsPerBackup} per backup`);
    assert.ok(naive.extensionRequests > 100 * result.backups);
  });

  test('Amber sends at most 10 % of the naive extension requests', () => {
    // Over all phases of the grid this is exactly 1/generationDays: each extension buys one generation.
    assert.ok(
      amber.extensionRequests * 10 <= naive.extensionRequests,
      `${amber.extensionRequests} of ${naive.extensionRequests}`,
    );
    assert.ok(amber.extensionRequests * 11 > naive.extensionRequests, 'fewer requests than one per generation');
  });

  test('Amber keeps no object locked 10 days or more beyond its requirement', () => {
    assert.ok(amber.maxOverRetentionDays <= 10, `${amber.maxOverRetentionDays} days`);
    assert.ok(amber.maxOverRetentionDays < DEFAULT_LOCK_SIMULATION.generationDays);
    assert.ok(amber.meanOverRetentionDays > 0);
    assert.equal(naive.maxOverRetentionDays, 0);
  });

  test('every scheme has every needed object locked until the point retainUntil when the point commits', () => {
    for (const s of result.schemes) assert.equal(s.uncoveredReferences, 0, s.scheme);
  });

  test('daily maintenance of every live object costs more requests and holds a full retention longer', () => {
    assert.ok(maintenance.extensionRequests > naive.extensionRequests);
    assert.ok(maintenance.maxOverRetentionDays >= DEFAULT_LOCK_SIMULATION.retainDays);
  });

  test('is deterministic, and a longer generation means fewer requests and more over-retention', () => {
    assert.deepEqual(simulateLockGenerations(), result);
    const share = (generationDays: number) => {
      const run = simulateLockGenerations({ generationDays, phases: generationDays, days: 60 });
      return {
        amber: scheme(run, 'amber'),
        ratio: scheme(run, 'amber').extensionRequests / scheme(run, 'naive').extensionRequests,
      };
    };
    const longer = share(30);
    const shorter = share(5);
    assert.ok(longer.ratio < shorter.ratio, `${longer.ratio} vs ${shorter.ratio}`);
    assert.ok(longer.amber.maxOverRetentionDays > shorter.amber.maxOverRetentionDays);
  });

  test('prints a table naming every scheme', () => {
    const table = renderLockSimulationTable(result);
    for (const s of result.schemes) assert.ok(table.includes(s.label), s.label);
    assert.match(table, /10\.0 %/);
  });

  test('parses its command line and refuses mistakes', () => {
    assert.deepEqual(parseLockSimulationArgs(['--days', '30', '--retain-days', '14']), { days: 30, retainDays: 14 });
    assert.deepEqual(parseLockSimulationArgs(['--generation-days', '7']), { generationDays: 7, phases: 7 });
    assert.equal(parseLockSimulationArgs(['-h']), 'help');
    assert.throws(
      () => parseLockSimulationArgs(['--days', '0']),
      (error: unknown) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
    assert.throws(
      () => parseLockSimulationArgs(['--nope']),
      (error: unknown) => isAmberError(error, 'USAGE'),
    );
  });
});
