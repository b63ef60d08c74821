import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { BlobId, PackId } from '../core/ids.js';
import { PackWriter, type PackEntry } from '../format/pack.js';
import type { VaultKeys } from '../format/vault-keys.js';
import { tempName } from '../storage/local-fs.js';

/** Writing a staged pack failed (e.g. the disk is full): the backup fails; it is no file's warning. */
export class StagingError extends Error {}

/**
 * One pack an archive worker writes as a file in the staging directory: records stream through a
 * 1 MiB buffer into the file as they are sealed (no pack in memory); `finish` closes it for the
 * main thread to store. Every failure is a StagingError; `drop` removes the file.
 */
export class StagedPack {
  readonly file: string;
  readonly #dir: string;
  readonly #fd: number;
  readonly #pack: PackWriter;
  readonly #buffer: Buffer;
  #buffered = 0;

  /** Creates the file; `buffer` (1 MiB or so) is the worker's, reused pack after pack. */
  constructor(dir: string, keys: VaultKeys, buffer: Buffer) {
    this.#dir = dir;
    this.file = path.join(dir, tempName('.pack'));
    try {
      this.#fd = openSync(
        this.file,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
    } catch (error) {
      throw new StagingError(`Cannot create a pack in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    this.#buffer = buffer;
    this.#pack = new PackWriter(keys, { write: (bytes) => this.#write(bytes) });
  }

  get byteLength(): number {
    return this.#pack.byteLength;
  }

  /** True when the pack holds the most blobs a pack may. */
  get full(): boolean {
    return this.#pack.full;
  }

  add(id: BlobId, chunk: Uint8Array): void {
    this.#pack.add(id, 'data', chunk);
  }

  /** Seals the footer and closes the file: the pack is complete on disk. */
  finish(): { packId: PackId; byteLength: number; entries: PackEntry[] } {
    try {
      const { packId, byteLength, entries } = this.#pack.finish();
      this.#flush();
      closeSync(this.#fd);
      return { packId, byteLength, entries };
    } catch (error) {
      throw error instanceof StagingError
        ? error
        : new StagingError(`Cannot finish a pack in ${this.#dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Removes the file of an unfinished pack (after a failure). */
  drop(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    unlinkSync(this.file);
  }

  #write(bytes: Uint8Array): void {
    if (this.#buffered + bytes.length > this.#buffer.length) this.#flush();
    if (bytes.length >= this.#buffer.length) this.#writeAll(bytes);
    else {
      this.#buffer.set(bytes, this.#buffered);
      this.#buffered += bytes.length;
    }
  }

  #flush(): void {
    this.#writeAll(this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
  }

  #writeAll(bytes: Uint8Array): void {
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(this.#fd, bytes, at, bytes.length - at);
    } catch (error) {
      throw new StagingError(`Cannot write a pack to ${this.#dir}: ${(error as Error).message}`, { cause: error });
    }
  }
}
