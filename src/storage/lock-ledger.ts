import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError } from '../core/errors.js';
import { fsyncDir, tempName, unlinkIfPresent, withParentDir, writeDurableFile } from './local-fs.js';
import { UNLOCKED, type LockState } from './lock-rules.js';
import type { LockMode } from './object-store.js';
import { errnoCode, translateFsError } from './storage-errors.js';

const LEDGER_VERSION = 1;

interface LedgerRecord {
  readonly version: number;
  readonly mode?: LockMode;
  readonly retainUntil?: number;
  readonly legalHold: boolean;
}

/**
 * The local driver's lock ledger: per protected object one small JSON file
 * `<root>/.locks/<key>.json` `{version, mode, retainUntil, legalHold}`, replaced atomically (temp +
 * fsync + rename + directory fsync). An object without an entry is unprotected. An unreadable entry
 * fails closed (CORRUPT_OBJECT), so a damaged ledger never lets a delete through.
 *
 * Ledger files are not given the immutable attribute: they are rewritten on every extension, and the
 * object files they describe carry the attribute themselves.
 */
export class LockLedger {
  readonly #locksDir: string;
  readonly #tmpDir: string;

  constructor(locksDir: string, tmpDir: string) {
    this.#locksDir = locksDir;
    this.#tmpDir = tmpDir;
  }

  pathOf(key: string): string {
    return path.join(this.#locksDir, `${key}.json`);
  }

  async read(key: string): Promise<LockState> {
    let text: string;
    try {
      text = await fs.readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return UNLOCKED;
      throw translateFsError(error, key, 'lock');
    }
    return parseRecord(key, text);
  }

  /** Records state for key; an unprotecting state (no lock, no hold) removes the entry. */
  async write(key: string, state: LockState): Promise<void> {
    if (state.lock === undefined && !state.legalHold) {
      await this.remove(key);
      return;
    }
    const record: LedgerRecord =
      state.lock === undefined
        ? { version: LEDGER_VERSION, legalHold: state.legalHold }
        : {
            version: LEDGER_VERSION,
            mode: state.lock.mode,
            retainUntil: state.lock.retainUntil,
            legalHold: state.legalHold,
          };
    const finalPath = this.pathOf(key);
    const tmpPath = path.join(this.#tmpDir, tempName('.lock'));
    try {
      await writeDurableFile(tmpPath, Buffer.from(JSON.stringify(record)), 0o444);
      await withParentDir(path.dirname(finalPath), () => fs.rename(tmpPath, finalPath));
      await fsyncDir(path.dirname(finalPath));
    } catch (error) {
      await unlinkIfPresent(tmpPath).catch(() => undefined);
      throw translateFsError(error, key, 'lock');
    }
  }

  async remove(key: string): Promise<void> {
    const entryPath = this.pathOf(key);
    try {
      if (await unlinkIfPresent(entryPath)) await fsyncDir(path.dirname(entryPath));
    } catch (error) {
      if (errnoCode(error) === 'ENOTDIR') return;
      throw translateFsError(error, key, 'lock');
    }
  }
}

function parseRecord(key: string, text: string): LockState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corruptEntry(key, error);
  }
  if (!isRecord(value)) throw corruptEntry(key);
  if (value.mode === undefined) return { legalHold: value.legalHold };
  if (value.retainUntil === undefined) throw corruptEntry(key);
  return { lock: { mode: value.mode, retainUntil: value.retainUntil }, legalHold: value.legalHold };
}

function isRecord(value: unknown): value is LedgerRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const modeOk = record.mode === undefined || record.mode === 'governance' || record.mode === 'compliance';
  const untilOk = record.retainUntil === undefined || Number.isSafeInteger(record.retainUntil);
  return record.version === LEDGER_VERSION && typeof record.legalHold === 'boolean' && modeOk && untilOk;
}

function corruptEntry(key: string, cause?: unknown): AmberError {
  return new AmberError(
    'CORRUPT_OBJECT',
    `The lock ledger entry of ${key} is unreadable; the object is treated as locked until it is repaired.`,
    cause === undefined ? { details: { key } } : { cause, details: { key } },
  );
}
