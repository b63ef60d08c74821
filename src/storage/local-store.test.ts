import { FakeClock } from '../core/testing/fake-clock.js';
import { LocalStore } from './local-store.js';
import { runConformanceSuite } from './testing/conformance.js';
import { makeTempRoot, removeTempRoot } from './testing/temp-root.js';

runConformanceSuite(
  'LocalStore',
  async () => {
    const root = await makeTempRoot('local-store');
    const clock = new FakeClock();
    // A zero flush delay sets the attribute almost at once, so deletes meet immutable files.
    const store = await LocalStore.open(root, clock, { immutableFlushDelayMs: 0 });
    return { store, clock, cleanup: () => removeTempRoot(root) };
  },
  { manyObjects: 200 },
);
