import { closeSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { MS_PER_DAY } from '../core/clock.js';
import { AmberError } from '../core/errors.js';
import { CORPUS_BASE_AT, KIB, MIB, setFileTime, writeFileAt } from './corpus-files.js';
import { dbPages } from './db-pages.js';
import { createKeystream, createRng, type Rng } from './prng.js';
import { csvText, jsonText, logText, sourceText } from './text-content.js';
import { createVocabulary, type Vocabulary } from './vocabulary.js';

export { CORPUS_BASE_AT } from './corpus-files.js';
export { mutateCorpus, type MutationOptions, type MutationSummary } from './mutate-corpus.js';

/** Bumped whenever the generator's output changes, so cached corpora are regenerated. */
export const CORPUS_GENERATOR_VERSION = 1;

export interface CorpusOptions {
  readonly seed: string | number;
  /** 1 ≈ 2 GiB; multiplies file counts and image sizes (0.05 ≈ 100 MiB). */
  readonly scale: number;
}

export interface CorpusSummary {
  readonly fileCount: number;
  readonly sizeBytes: number;
  readonly duplicateCount: number;
}

const SMALL_FILES_AT_SCALE_1 = 20_000;
const PROJECTS_AT_SCALE_1 = 40;
const MEDIUM_FILES_AT_SCALE_1 = 140;
const IMAGE_COUNT = 3;
const IMAGE_BYTES_AT_SCALE_1 = 256 * MIB;
const WRITE_CHUNK_BYTES = 8 * MIB;
const SOURCE_EXTENSIONS = ['ts', 'ts', 'ts', 'js', 'md', 'json', 'py', 'go', 'css', 'html', 'txt', 'sh'];
/** Medium-file kinds in a fixed cycle, so even tiny scales get each kind (7 logs, 5 JSON, 3 CSV, 3 db, 2 media). */
const MEDIUM_KINDS = [
  'log',
  'json',
  'csv',
  'db',
  'media',
  'log',
  'json',
  'log',
  'csv',
  'db',
  'log',
  'json',
  'log',
  'media',
  'json',
  'csv',
  'log',
  'db',
  'json',
  'log',
] as const;

/**
 * Writes a deterministic backup source into `dir` (absent or empty), shaped like a developer's or a
 * small server's data: src/ (≈ 20k source-like files of 1–64 KiB, ~5 % exact duplicates, a few
 * executable scripts), data/ (≈ 140 logs, JSON, CSV, db-like files of 1–20 MiB, some logs rotated
 * copies of others), media/ (incompressible) and images/ (3 random disk images of 256 MiB).
 * `scale` multiplies counts and image sizes; below 0.05 it also shrinks the medium files.
 */
export function generateCorpus(dir: string, options: CorpusOptions): CorpusSummary {
  const { seed, scale } = options;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new AmberError('INVALID_ARGUMENT', `The corpus scale must be a positive number, not ${scale}.`);
  }
  ensureEmptyDir(dir);
  const vocab = createVocabulary(seed);
  const small = writeSmallFiles(dir, seed, scale, vocab);
  const medium = writeMediumFiles(dir, seed, scale, vocab);
  const images = writeImages(dir, seed, scale);
  return {
    fileCount: small.fileCount + medium.fileCount + images.fileCount,
    sizeBytes: small.sizeBytes + medium.sizeBytes + images.sizeBytes,
    duplicateCount: small.duplicateCount,
  };
}

function ensureEmptyDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) {
    throw new AmberError('INVALID_ARGUMENT', `Cannot generate a corpus in ${dir}: the directory is not empty.`, {
      details: { dir },
    });
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function writeSmallFiles(dir: string, seed: string | number, scale: number, vocab: Vocabulary): CorpusSummary {
  const count = Math.max(1, Math.round(SMALL_FILES_AT_SCALE_1 * scale));
  const projects = Math.max(1, Math.round(PROJECTS_AT_SCALE_1 * scale));
  const pool: Buffer[] = [];
  let sizeBytes = 0;
  let duplicateCount = 0;
  for (let i = 0; i < count; i++) {
    const rng = createRng(seed, 'small', i);
    const ext = rng.pick(SOURCE_EXTENSIONS);
    const rel = `src/project-${pad2(i % projects)}/module-${pad2(rng.below(25))}/${vocab.identifier(rng)}-${i}.${ext}`;
    let data: Buffer;
    if (i >= 20 && rng.chance(0.05)) {
      data = rng.pick(pool); // a vendored or copied file: an exact duplicate
      duplicateCount++;
    } else {
      data = sourceText(rng, vocab, rng.logUniform(KIB, 64 * KIB + 1));
    }
    if (pool.length < 2000) pool.push(data);
    else pool[rng.below(pool.length)] = data;
    const mtimeMs = CORPUS_BASE_AT - rng.below(365 * 86_400) * 1000;
    writeFileAt(path.join(dir, rel), data, mtimeMs, ext === 'sh' ? 0o755 : undefined);
    sizeBytes += data.length;
  }
  return { fileCount: count, sizeBytes, duplicateCount };
}

function writeMediumFiles(dir: string, seed: string | number, scale: number, vocab: Vocabulary): CorpusSummary {
  const count = Math.max(1, Math.round(MEDIUM_FILES_AT_SCALE_1 * scale));
  const sizeFactor = Math.min(1, scale / 0.05);
  const recentLogs: Buffer[] = [];
  let sizeBytes = 0;
  for (let i = 0; i < count; i++) {
    const rng = createRng(seed, 'medium', i);
    const kind = MEDIUM_KINDS[i % MEDIUM_KINDS.length] ?? 'log';
    const size = Math.max(4 * KIB, Math.round(rng.logUniform(MIB, 20 * MIB + 1) * sizeFactor));
    const mtimeMs = CORPUS_BASE_AT - rng.below(90 * 86_400) * 1000;
    const { rel, data } = mediumFile(kind, i, size, { rng, vocab, seed, recentLogs });
    writeFileAt(path.join(dir, rel), data, mtimeMs);
    sizeBytes += data.length;
  }
  return { fileCount: count, sizeBytes, duplicateCount: 0 };
}

interface MediumContext {
  readonly rng: Rng;
  readonly vocab: Vocabulary;
  readonly seed: string | number;
  /** The last few fresh logs, some later files are rotated copies of them. */
  readonly recentLogs: Buffer[];
}

function mediumFile(
  kind: (typeof MEDIUM_KINDS)[number],
  i: number,
  size: number,
  ctx: MediumContext,
): { rel: string; data: Buffer } {
  const { rng, vocab, seed, recentLogs } = ctx;
  const startAt = CORPUS_BASE_AT - 30 * MS_PER_DAY + i * 3_600_000;
  switch (kind) {
    case 'log': {
      if (recentLogs.length > 0 && rng.chance(0.3)) {
        const base = rng.pick(recentLogs);
        const cut = Math.floor(base.length * (0.5 + 0.4 * rng.float()));
        const tail = logText(rng, vocab, Math.max(4 * KIB, size - cut), startAt);
        return { rel: `data/logs/service-${i}.log.1`, data: Buffer.concat([base.subarray(0, cut), tail]) };
      }
      const data = logText(rng, vocab, size, startAt);
      recentLogs.push(data);
      if (recentLogs.length > 4) recentLogs.shift();
      return { rel: `data/logs/service-${i}.log`, data };
    }
    case 'json':
      return { rel: `data/json/export-${i}.json`, data: jsonText(rng, vocab, size, CORPUS_BASE_AT) };
    case 'csv':
      return { rel: `data/csv/ledger-${i}.csv`, data: csvText(rng, vocab, size, CORPUS_BASE_AT) };
    case 'db':
      return { rel: `data/db/store-${i}.db`, data: dbPages(rng, createKeystream(seed, `db-${i}`), vocab, size) };
    case 'media': {
      const ext = rng.chance(0.5) ? 'jpg' : 'mp4';
      return { rel: `media/clip-${i}.${ext}`, data: createKeystream(seed, `media-${i}`)(size) };
    }
  }
}

function writeImages(dir: string, seed: string | number, scale: number): CorpusSummary {
  const unitBytes = 64 * KIB;
  const imageBytes = Math.max(1, Math.round((IMAGE_BYTES_AT_SCALE_1 * scale) / unitBytes)) * unitBytes;
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  for (let i = 0; i < IMAGE_COUNT; i++) {
    const file = path.join(dir, 'images', `disk-${i}.img`);
    const keystream = createKeystream(seed, `image-${i}`);
    const fd = openSync(file, 'w');
    try {
      for (let at = 0; at < imageBytes; at += WRITE_CHUNK_BYTES) {
        writeSync(fd, keystream(Math.min(WRITE_CHUNK_BYTES, imageBytes - at)));
      }
    } finally {
      closeSync(fd);
    }
    setFileTime(file, CORPUS_BASE_AT - 7 * MS_PER_DAY);
  }
  return { fileCount: IMAGE_COUNT, sizeBytes: IMAGE_COUNT * imageBytes, duplicateCount: 0 };
}
