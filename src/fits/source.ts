/**
 * Random access to the bytes of a FITS file: plain files are read in place through a file
 * handle (so a band of rows never loads the whole image); gzip files, recognised by their
 * magic bytes (1f 8b) whatever their name, are decompressed into memory once.
 */
import { closeSync, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { MosaicError, asMosaicError } from '../errors.js';

const gunzipAsync = promisify(gunzip);

/** Read-only byte access to a (decompressed) FITS stream. Call `close()` when done. */
export interface FitsSource {
  readonly path: string;
  readonly size: number;
  readonly gzip: boolean;
  /**
   * `length` bytes from `offset`, in a fresh buffer that the caller may modify — or, for a plain
   * file given `into` (at least `length` bytes), in its first `length` bytes.
   * @throws MosaicError E_FITS_TRUNCATED when the range passes the end.
   */
  read(offset: number, length: number, into?: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

class MemorySource implements FitsSource {
  readonly gzip = true;
  constructor(readonly path: string, private readonly bytes: Buffer) {}
  get size(): number {
    return this.bytes.length;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    return Buffer.from(this.bytes.subarray(offset, offset + length));
  }
  async close(): Promise<void> {}
}

/** A plain file read with blocking calls: for pool threads, which have nothing else to do meanwhile. */
class SyncFileSource implements FitsSource {
  readonly gzip = false;
  constructor(readonly path: string, private fd: number, readonly size: number) {}
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkRange(this, offset, length);
    const buf = into && into.length >= length ? into.subarray(0, length) : allocate(length, this.path);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw truncated(this.path, offset + done, offset + length);
      done += n;
    }
    return buf;
  }
  async close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

class FileSource implements FitsSource {
  readonly gzip = false;
  constructor(readonly path: string, private readonly handle: fsp.FileHandle, readonly size: number) {}
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkRange(this, offset, length);
    const buf = into && into.length >= length ? into.subarray(0, length) : allocate(length, this.path);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw truncated(this.path, offset + done, offset + length);
      done += bytesRead;
    }
    return buf;
  }
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A blocking source for a plain file, or undefined for a gzip file (decompressed the usual way). */
function openSyncSource(path: string): FitsSource | undefined {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw notAFile(path);
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    if (isGzip(stat.size, magic)) {
      closeSync(fd);
      return undefined;
    }
    return new SyncFileSource(path, fd, stat.size);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    throw asMosaicError(err, { stage: 'fits', file: path });
  }
}

/** A file of `size` bytes starting with `magic` is gzip data (its magic bytes 1f 8b, whatever its name). */
function isGzip(size: number, magic: Buffer): boolean {
  return size >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

function notAFile(path: string): MosaicError {
  return new MosaicError('E_FILE_READ', 'is a directory, expected a FITS file', { stage: 'fits', file: path });
}

function checkRange(src: FitsSource, offset: number, length: number): void {
  if (offset + length > src.size) throw truncated(src.path, src.size, offset + length);
}

/** `E_FITS_TRUNCATED: file: data unit ends at byte <actual> of <expected>`. */
export function truncated(path: string, actual: number, expected: number, what = 'data unit'): MosaicError {
  return new MosaicError('E_FITS_TRUNCATED', `${what} ends at byte ${actual} of ${expected}`, { stage: 'fits', file: path });
}

/** A zero-filled buffer, or E_FILE_READ when it is too large to allocate. */
export function allocate(length: number, path: string): Buffer {
  try {
    return Buffer.alloc(length);
  } catch (err) {
    throw new MosaicError('E_FILE_READ', `cannot allocate ${length} bytes`, { stage: 'fits', file: path, cause: err });
  }
}

/**
 * Open a FITS file for reading. In a worker thread (or given `blocking`) plain files are read
 * with blocking calls (each await of the asynchronous ones costs a trip through libuv's pool,
 * and the thread has nothing else to do meanwhile); the main thread keeps asynchronous I/O.
 * @throws MosaicError E_FILE_NOT_FOUND, E_FILE_READ (a folder, unreadable), E_GZIP_CORRUPT.
 */
export async function openFitsSource(path: string, opts: { blocking?: boolean } = {}): Promise<FitsSource> {
  if (!isMainThread || opts.blocking) {
    const sync = openSyncSource(path);
    if (sync) return sync;
  }
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (err) {
    throw asMosaicError(err, { stage: 'fits', file: path });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw notAFile(path);
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    if (isGzip(stat.size, magic)) {
      const packed = await handle.readFile();
      await handle.close();
      let bytes: Buffer;
      try {
        bytes = await gunzipAsync(packed);
      } catch (err) {
        throw new MosaicError('E_GZIP_CORRUPT', `corrupt gzip data (${(err as Error).message})`, {
          stage: 'fits',
          file: path,
          cause: err,
        });
      }
      return new MemorySource(path, bytes);
    }
    return new FileSource(path, handle, stat.size);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw asMosaicError(err, { stage: 'fits', file: path });
  }
}
