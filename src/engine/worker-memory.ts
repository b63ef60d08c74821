import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a worker thread's memory to what it uses. Workers allocate few JavaScript objects but many
 * short-lived Buffers (decrypted and decompressed blobs, cipher output), whose memory V8 returns
 * only at its next collection — and with so little JavaScript garbage, that comes only after some
 * 64 MiB of dead Buffers have piled up, in each thread. A young-generation collection after every
 * `everyBytes` of Buffers costs well under a millisecond and frees them (measured on a restore of
 * the 2 GiB bench corpus: peak RSS 241 → 195 MiB, no change in time).
 */
export function bufferCollector(everyBytes: number): (bytes: number) => void {
  v8.setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    collect({ type: 'minor' });
  };
}

/** The young generation of a worker thread: small, since workers keep little in JavaScript objects. */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 2 } as const;
