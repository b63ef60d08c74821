/**
 * A fixed pool of shared pack buffers between the archive workers and the main thread. A worker
 * seals blobs straight into a free slot; the main thread stores the finished pack from that same
 * memory and then frees the slot. No pack is ever copied or transferred, and memory for packs is
 * bounded by the pool, however slow storage is: a worker that finds no free slot waits.
 *
 * Layout of `states` (Int32): one cell per slot (0 free, 1 taken), then a generation counter that is
 * bumped (and waited on) whenever a slot is freed.
 */
export interface PackSlotPool {
  readonly buffers: readonly SharedArrayBuffer[];
  readonly states: SharedArrayBuffer;
}

export function createPackSlotPool(slotCount: number, slotBytes: number): PackSlotPool {
  return {
    buffers: Array.from({ length: slotCount }, () => new SharedArrayBuffer(slotBytes)),
    states: new SharedArrayBuffer(4 * (slotCount + 1)),
  };
}

/** Takes a free slot, waiting (blocking this worker thread) until one is freed. */
export function acquirePackSlot(pool: PackSlotPool): number {
  const states = new Int32Array(pool.states);
  const generationCell = pool.buffers.length;
  for (;;) {
    const generation = Atomics.load(states, generationCell);
    for (let i = 0; i < pool.buffers.length; i++) {
      if (Atomics.compareExchange(states, i, 0, 1) === 0) return i;
    }
    Atomics.wait(states, generationCell, generation);
  }
}

export function releasePackSlot(pool: PackSlotPool, slot: number): void {
  const states = new Int32Array(pool.states);
  const generationCell = pool.buffers.length;
  Atomics.store(states, slot, 0);
  Atomics.add(states, generationCell, 1);
  Atomics.notify(states, generationCell);
}
