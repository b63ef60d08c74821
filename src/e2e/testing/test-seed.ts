import { randomInt } from 'node:crypto';
import { inheritedEnv } from './amber-cli.js';

/**
 * The seed of a randomized test: AMBER_E2E_SEED when set (to repeat a run), else a fresh one. Tests
 * print it, so any failure can be replayed.
 */
export function testSeed(): string {
  const fromEnv = inheritedEnv()['AMBER_E2E_SEED'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : String(randomInt(1, 2 ** 31));
}
