import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { MS_PER_DAY } from '../core/clock.js';
import { CORPUS_BASE_AT, KIB, MIB, setFileTime, writeFileAt } from './corpus-files.js';
import { listFiles } from './file-tree.js';
import { createKeystream, createRng, type Keystream, type Rng } from './prng.js';
import { logText, sourceText } from './text-content.js';
import { createVocabulary, type Vocabulary } from './vocabulary.js';

export interface MutationOptions {
  readonly seed: string | number;
  /** Day number: mutated files get mtime = 2024-01-01 + day days; each day mutates differently. */
  readonly day: number;
  /** Percentage of the files outside images/ to change (edit, append, rename or delete). */
  readonly pct: number;
}

export interface MutationSummary {
  readonly selected: number;
  readonly edited: number;
  readonly appended: number;
  readonly renamed: number;
  readonly deleted: number;
  readonly created: number;
  readonly imageBlocks: number;
  readonly bytesWritten: number;
}

/** Files larger than this are edited in place (same length) rather than rewritten. */
const REWRITE_LIMIT_BYTES = 64 * MIB;
const IMAGE_BLOCK_BYTES = 4 * KIB;
const IMAGE_BLOCKS_PER_DAY = 16;
const isBinaryName = (rel: string): boolean => /\.(db|jpg|mp4|img)$/.test(rel);
const isLogName = (rel: string): boolean => /\.log(\.\d+)?$/.test(rel);

interface Mutator {
  readonly dir: string;
  readonly day: number;
  readonly rng: Rng;
  readonly vocab: Vocabulary;
  readonly keystream: Keystream;
  readonly mtimeMs: number;
  readonly counts: { -readonly [K in keyof MutationSummary]: MutationSummary[K] };
}

/**
 * Applies one deterministic "next day" of changes to a tree (a generated corpus or any directory):
 * round(pct % of the files outside images/) are selected — 45 % edited in the middle, 30 % appended
 * to, 15 % renamed, 10 % deleted; max(1, 20 % of that) new source files appear under
 * src/new-day<N>/ plus one new 1–4 MiB log; 16 × 4 KiB blocks are overwritten in ceil(pct % of the
 * images) disk images (at least one). The same tree, seed, day and pct give the same result.
 */
export function mutateCorpus(dir: string, options: MutationOptions): MutationSummary {
  const { seed, day, pct } = options;
  const m: Mutator = {
    dir,
    day,
    rng: createRng(seed, 'mutate', day, pct),
    vocab: createVocabulary(seed),
    keystream: createKeystream(seed, `mutate-${day}-${pct}`),
    mtimeMs: CORPUS_BASE_AT + day * MS_PER_DAY,
    counts: {
      selected: 0,
      edited: 0,
      appended: 0,
      renamed: 0,
      deleted: 0,
      created: 0,
      imageBlocks: 0,
      bytesWritten: 0,
    },
  };
  const all = listFiles(dir);
  const images = all.filter((rel) => rel.startsWith('images/'));
  const others = all.filter((rel) => !rel.startsWith('images/'));
  const selected = pickDistinct(m.rng, others, Math.round((others.length * pct) / 100));
  m.counts.selected = selected.length;
  for (const rel of selected) changeFile(m, rel);
  addNewFiles(m, Math.max(1, Math.round(selected.length * 0.2)));
  const imageCount = pct > 0 ? Math.min(images.length, Math.max(1, Math.ceil((images.length * pct) / 100))) : 0;
  for (const rel of pickDistinct(m.rng, images, imageCount)) overwriteImageBlocks(m, rel);
  return { ...m.counts };
}

/** `count` distinct elements, chosen by a partial Fisher–Yates shuffle. */
function pickDistinct(rng: Rng, items: readonly string[], count: number): string[] {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(pool.length - i);
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  return pool.slice(0, count);
}

function changeFile(m: Mutator, rel: string): void {
  const abs = path.join(m.dir, rel);
  const roll = m.rng.below(100);
  if (roll < 45) {
    editInMiddle(m, rel, abs);
    m.counts.edited++;
  } else if (roll < 75) {
    const add = isLogName(rel)
      ? logText(m.rng, m.vocab, m.rng.between(4 * KIB, 512 * KIB), m.mtimeMs)
      : isBinaryName(rel)
        ? m.keystream(m.rng.between(4 * KIB, 256 * KIB))
        : sourceText(m.rng, m.vocab, m.rng.between(256, 64 * KIB));
    appendFileSync(abs, add);
    setFileTime(abs, m.mtimeMs);
    m.counts.appended++;
    m.counts.bytesWritten += add.length;
  } else if (roll < 90) {
    renameSync(abs, path.join(path.dirname(abs), `renamed-d${m.day}-${path.basename(abs)}`));
    m.counts.renamed++;
  } else {
    unlinkSync(abs);
    m.counts.deleted++;
  }
}

/** Text files: a region is replaced by new text of another length. Binary or big files: same-length overwrite. */
function editInMiddle(m: Mutator, rel: string, abs: string): void {
  const sizeBytes = statSync(abs).size;
  const at = Math.floor(sizeBytes * (0.25 + 0.5 * m.rng.float()));
  const oldLength = Math.min(sizeBytes - at, m.rng.between(16, 4 * KIB));
  if (isBinaryName(rel) || sizeBytes > REWRITE_LIMIT_BYTES) {
    const fd = openSync(abs, 'r+');
    try {
      writeSync(fd, m.keystream(Math.max(oldLength, 1)), 0, Math.max(oldLength, 1), at);
    } finally {
      closeSync(fd);
    }
    setFileTime(abs, m.mtimeMs);
    m.counts.bytesWritten += oldLength;
  } else {
    const data = readFileSync(abs);
    const replacement = sourceText(m.rng, m.vocab, m.rng.between(16, 4 * KIB));
    const edited = Buffer.concat([data.subarray(0, at), replacement, data.subarray(at + oldLength)]);
    writeFileAt(abs, edited, m.mtimeMs);
    m.counts.bytesWritten += edited.length;
  }
}

function addNewFiles(m: Mutator, count: number): void {
  for (let i = 0; i < count; i++) {
    const size = m.rng.logUniform(KIB, 64 * KIB + 1);
    const data = sourceText(m.rng, m.vocab, size);
    writeFileAt(path.join(m.dir, 'src', `new-day${m.day}`, `${m.vocab.identifier(m.rng)}-${i}.ts`), data, m.mtimeMs);
    m.counts.created++;
    m.counts.bytesWritten += data.length;
  }
  const log = logText(m.rng, m.vocab, m.rng.between(MIB, 4 * MIB), m.mtimeMs - MS_PER_DAY);
  writeFileAt(path.join(m.dir, 'data', 'logs', `daily-${m.day}.log`), log, m.mtimeMs);
  m.counts.created++;
  m.counts.bytesWritten += log.length;
}

function overwriteImageBlocks(m: Mutator, rel: string): void {
  const abs = path.join(m.dir, rel);
  const blockCount = Math.max(1, Math.floor(statSync(abs).size / IMAGE_BLOCK_BYTES));
  const fd = openSync(abs, 'r+');
  try {
    for (let b = 0; b < IMAGE_BLOCKS_PER_DAY; b++) {
      writeSync(fd, m.keystream(IMAGE_BLOCK_BYTES), 0, IMAGE_BLOCK_BYTES, m.rng.below(blockCount) * IMAGE_BLOCK_BYTES);
      m.counts.imageBlocks++;
      m.counts.bytesWritten += IMAGE_BLOCK_BYTES;
    }
  } finally {
    closeSync(fd);
  }
  setFileTime(abs, m.mtimeMs);
}
