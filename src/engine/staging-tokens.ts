/**
 * A counting semaphore shared by the archive workers and the main thread: a worker takes a token
 * before it stages a pack on disk and the main thread gives it back once the pack is stored (or
 * dropped). It bounds the packs written but not yet stored, however slow storage is: a worker that
 * finds no token waits (blocking its own thread only).
 */
export interface StagingTokens {
  /** One Int32 cell: the tokens available. */
  readonly cell: SharedArrayBuffer;
}

export function createStagingTokens(count: number): StagingTokens {
  const cell = new SharedArrayBuffer(4);
  Atomics.store(new Int32Array(cell), 0, count);
  return { cell };
}

/** Takes a token, waiting until one is given back. */
export function takeStagingToken(tokens: StagingTokens): void {
  const cell = new Int32Array(tokens.cell);
  for (;;) {
    const available = Atomics.load(cell, 0);
    if (available > 0) {
      if (Atomics.compareExchange(cell, 0, available, available - 1) === available) return;
      continue;
    }
    Atomics.wait(cell, 0, available);
  }
}

export function giveBackStagingToken(tokens: StagingTokens): void {
  const cell = new Int32Array(tokens.cell);
  Atomics.add(cell, 0, 1);
  Atomics.notify(cell, 0, 1);
}
