/**
 * Atomic file output: everything the engine writes goes to a temporary name in the
 * destination folder and is renamed into place only when complete, so a crash, a
 * full disk or a bad input never leaves a partial file under the real name.
 */
import { promises as fsp, openSync, writeSync, closeSync, renameSync, rmSync, unlinkSync, fsyncSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MosaicError, asMosaicError } from '../errors.js';
import { DirectAppender } from './direct-write.js';

/** A sibling temporary name: same folder (so rename is atomic), hidden, unique. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * A write error with the write-side code: a missing folder or a directory in the way is
 * E_FILE_WRITE (asMosaicError alone would call them E_FILE_NOT_FOUND / E_FILE_READ).
 */
function writeError(err: unknown, path: string, stage?: string): MosaicError {
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sys === 'ENOENT') return new MosaicError('E_FILE_WRITE', 'cannot create the file (folder does not exist)', { stage, file: path, cause: err });
  if (sys === 'ENOTDIR') return new MosaicError('E_FILE_WRITE', 'cannot create the file (a folder in its path is a file)', { stage, file: path, cause: err });
  if (sys === 'EISDIR') return new MosaicError('E_FILE_WRITE', 'is a directory, expected a file name to write', { stage, file: path, cause: err });
  return asMosaicError(err, { stage, file: path });
}

/**
 * Refuse a destination that exists and is not a regular file: renaming over a directory
 * fails obscurely, and renaming over a device such as /dev/full would replace the device.
 * @throws MosaicError E_FILE_WRITE naming `path`.
 */
function checkDestination(path: string, stage?: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // absent (the usual case) or unreadable: the write itself reports it
  }
  if (st.isDirectory()) throw new MosaicError('E_FILE_WRITE', 'is a directory, expected a file name to write', { stage, file: path });
  if (!st.isFile()) throw new MosaicError('E_FILE_WRITE', 'is not a regular file (a device, pipe or socket); refusing to replace it', { stage, file: path });
}

/**
 * Write `data` to `path` atomically.
 * @throws MosaicError E_FILE_WRITE (folder missing, destination not a regular file, no permission), E_DISK_FULL.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, stage?: string): Promise<void> {
  checkDestination(path, stage);
  const tmp = temporaryName(path);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, path, stage);
  }
}

/** Synchronous variant, for worker threads and small files. */
export function writeFileAtomicSync(path: string, chunks: Iterable<Uint8Array | string>, stage?: string): void {
  checkDestination(path, stage);
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
    throw writeError(err, path, stage);
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

  private readonly durable: boolean;
  /** With `direct`: the appender that owns the descriptor. */
  private readonly appender?: DirectAppender;

  /**
   * `durable` (default true) flushes the data to disk before the rename, so the file survives
   * a power cut; scratch files that live for one run (the build's projection cache) skip it.
   * `direct` (default false) appends through {@link DirectAppender} (O_DIRECT where the file
   * system allows, bypassing the page cache): for large outputs written front to back only;
   * `staging` are its buffers made beforehand (util/direct-write.ts `stagingBuffers`).
   * `replaceEarly` removes a file already at `path` now, in the background, instead of at
   * {@link commit}: deleting a large file is slow on file systems with online discard (~50 ms
   * per 0.3 GB on ext4 here), and a run that fails then leaves no stale file that looks like
   * its result (still never a partial one).
   */
  constructor(path: string, stage?: string, options: { durable?: boolean; direct?: boolean; staging?: Uint8Array[]; replaceEarly?: boolean } = {}) {
    this.path = path;
    this.stage = stage;
    this.durable = options.durable ?? true;
    checkDestination(path, stage);
    this.tmp = temporaryName(path);
    if (options.replaceEarly) this.removeExisting();
    try {
      if (options.direct) {
        this.appender = new DirectAppender(this.tmp, options.staging);
        this.fd = this.appender.fd;
      } else this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw writeError(err, path, stage);
    }
  }

  /** Move an existing regular file at `path` aside and delete it in the background. */
  private removeExisting(): void {
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (!st?.isFile()) return;
    const aside = `${this.tmp}.old`;
    try {
      renameSync(this.path, aside);
    } catch (err) {
      throw writeError(err, this.path, this.stage);
    }
    // The event loop waits for it before the process ends; a failure leaves only the aside name.
    void fsp.rm(aside, { force: true }).catch(() => undefined);
  }

  /** Whether the bytes bypass the page cache (a `direct` writer on a file system that allows it). */
  get direct(): boolean {
    return this.appender?.direct ?? false;
  }

  /**
   * A `direct` writer's room for the next bytes, made in place: see DirectAppender `room`
   * (undefined when the bytes go through the page cache). Count them with {@link advance}.
   */
  room(min: number): Uint8Array | undefined {
    try {
      return this.appender?.room(min);
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
  }

  /** Count `n` bytes written into the view {@link room} gave. */
  advance(n: number): void {
    try {
      this.appender!.advance(n);
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
  }

  write(chunk: Uint8Array): void {
    try {
      if (this.appender) {
        this.appender.write(chunk);
        return;
      }
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off, chunk.byteLength - off);
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
  }

  /**
   * Write `chunk` at byte `position` (the append position is not moved). A `direct` writer
   * only appends: `position` must be the current end.
   */
  writeAt(chunk: Uint8Array, position: number): void {
    if (this.appender) {
      if (position !== this.appender.length) {
        this.abort();
        throw new MosaicError('E_INTERNAL', `positional write at ${position} into a direct (append-only) file of ${this.appender.length} bytes`, { stage: this.stage, file: this.path });
      }
      this.write(chunk);
      return;
    }
    try {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off, chunk.byteLength - off, position + off);
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
  }

  /** {@link commit} after the asynchronous writes of a `direct` writer have landed. */
  async commitAsync(): Promise<void> {
    try {
      await this.appender?.drain();
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
    this.commit();
  }

  /** Move the file into place (a `direct` writer must be drained: use {@link commitAsync}). */
  commit(): void {
    try {
      this.appender?.finish();
      if (this.durable) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      if (this.durable) renameSync(this.tmp, this.path);
      else this.replaceWithoutFlush();
    } catch (err) {
      this.abort();
      throw writeError(err, this.path, this.stage);
    }
  }

  /**
   * Without the flush, renaming over an existing file makes ext4 (auto_da_alloc) write the
   * new data out synchronously inside rename(), ~1 s for a large mosaic. So the old file is
   * first renamed aside (to a name that does not exist: no flush), the new one moved into
   * place, and only then is the old one removed; if the second rename fails the old file is
   * put back. A reader may briefly see no file, never a partial one, and a failure keeps the
   * old file.
   */
  private replaceWithoutFlush(): void {
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw Object.assign(new Error(`${this.path} is not a regular file`), { code: st.isDirectory() ? 'EISDIR' : 'EEXIST' });
    const aside = st ? `${this.tmp}.old` : undefined;
    if (aside) renameSync(this.path, aside);
    try {
      renameSync(this.tmp, this.path);
    } catch (err) {
      if (aside) renameSync(aside, this.path);
      throw err;
    }
    if (aside) rmSync(aside, { force: true });
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
