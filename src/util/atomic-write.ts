/**
 * Atomic file output: everything the engine writes goes to a temporary name in the
 * destination folder and is renamed into place only when complete, so a crash, a
 * full disk or a bad input never leaves a partial file under the real name.
 */
import { promises as fsp, openSync, writeSync, closeSync, renameSync, unlinkSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { asMosaicError } from '../errors.js';

/** A sibling temporary name: same folder (so rename is atomic), hidden, unique. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Write `data` to `path` atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, stage?: string): Promise<void> {
  const tmp = temporaryName(path);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw asMosaicError(err, { stage, file: path });
  }
}

/** Synchronous variant, for worker threads and small files. */
export function writeFileAtomicSync(path: string, chunks: Iterable<Uint8Array | string>, stage?: string): void {
  const tmp = temporaryName(path);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    for (const chunk of chunks) writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw asMosaicError(err, { stage, file: path });
  }
}

/**
 * A file written incrementally (row bands of a large image) under a temporary name.
 * `commit()` renames it into place; `abort()` removes it.
 */
export class AtomicFileWriter {
  readonly path: string;
  readonly tmp: string;
  private fd: number;
  private readonly stage?: string;

  constructor(path: string, stage?: string) {
    this.path = path;
    this.stage = stage;
    this.tmp = temporaryName(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw asMosaicError(err, { stage, file: path });
    }
  }

  write(chunk: Uint8Array): void {
    try {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off, chunk.byteLength - off);
    } catch (err) {
      this.abort();
      throw asMosaicError(err, { stage: this.stage, file: this.path });
    }
  }

  commit(): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.abort();
      throw asMosaicError(err, { stage: this.stage, file: this.path });
    }
  }

  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* ignore */
      }
      this.fd = -1;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      /* ignore */
    }
  }
}
