/**
 * Appending to a file without the page cache (O_DIRECT), for the large sequential outputs of
 * `build` (a mosaic and its area are ~0.3 GB each at M17 size).
 *
 * Why: every page the kernel caches for a written file is memory it must first obtain and
 * zero; on virtual machines whose memory the host hands out on first touch that costs about
 * 3 ms per MB of system time (measured here: 640 MB written through the cache took 2.2 s of
 * system time, the same bytes with O_DIRECT 0.12 s), more than the whole coadd computes.
 * O_DIRECT sends the bytes from this process's buffer straight to the device.
 *
 * How: O_DIRECT wants the buffer address, the file offset and the length to be multiples of the
 * device's block size. Bytes are gathered in a staging buffer aligned to {@link DIRECT_ALIGN}
 * (carved out of a slightly larger array with the native addon's `alignmentOffset`: JavaScript
 * cannot see addresses) and written in whole staging buffers from offset 0; the last, partial
 * one is zero-padded to the alignment and the file then truncated to its true length.
 *
 * Where it cannot work — no native addon, no O_DIRECT on this platform, a file system that
 * refuses it (tmpfs, some network mounts: EINVAL, found by a first test write) — the appender
 * says so through `direct` and writes through the page cache instead.
 */
import { closeSync, constants, ftruncateSync, openSync, write, writeSync } from 'node:fs';
import { native } from '../native/load.js';

/** Alignment of O_DIRECT buffers, offsets and lengths (a page: enough for every common device). */
export const DIRECT_ALIGN = 4096;

/** Bytes gathered before each write (a multiple of {@link DIRECT_ALIGN}). */
const STAGING_BYTES = 1 << 21;

/**
 * Staging buffers on their way to the file at most (a band of a large mosaic, written in one
 * go, fills several before the event loop can hear of the first one's completion); past that
 * the next full one is written synchronously: a caller writing faster than the device waits
 * instead of allocating. Each buffer is fresh memory the first time, but the caller is the
 * build's folding thread, which the pool waits on: at M17 size 4 held it 250–350 ms in
 * synchronous writes (single bands up to 57 ms), 12 about 190 ms, and the build ran ~0.1 s
 * faster (8 runs each) for ~30 MB more.
 */
const MAX_IN_FLIGHT = 12;

/**
 * A view of `bytes` bytes whose memory starts on a {@link DIRECT_ALIGN} boundary, or undefined
 * without the native addon.
 */
export function alignedBytes(bytes: number, shared = false): Uint8Array | undefined {
  if (!native?.alignmentOffset) return undefined;
  const raw = shared ? new Uint8Array(new SharedArrayBuffer(bytes + DIRECT_ALIGN)) : new Uint8Array(bytes + DIRECT_ALIGN);
  const skip = native.alignmentOffset(raw, DIRECT_ALIGN);
  return raw.subarray(skip, skip + bytes);
}

/** Staging buffers one appender takes at most after its first: those on their way to the file. */
export const STAGING_BUFFERS = MAX_IN_FLIGHT;

/**
 * An appender's staging buffers made beforehand, in shared memory ({@link DirectAppender}'s
 * `made`): another thread can fault them in (each is fresh memory the first time) before the
 * appender's first staging buffer is full. Undefined where the appender could not use them.
 */
export function stagingBuffers(count = STAGING_BUFFERS): Uint8Array[] | undefined {
  if (!constants.O_DIRECT || !native?.alignmentOffset) return undefined;
  return Array.from({ length: count }, () => alignedBytes(STAGING_BYTES, true)!);
}

/** Whether a failed open or write means "this file system does not do O_DIRECT". */
function refusesDirect(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EINVAL' || code === 'EOPNOTSUPP' || code === 'ENOTSUP';
}

/**
 * Appends to a new file (created or truncated at `path`), with O_DIRECT where possible. Full
 * staging buffers go to the device asynchronously (libuv's pool), so the caller computes the
 * next rows meanwhile; {@link drain} waits for them. Errors other than O_DIRECT refusals are
 * thrown as the system reports them (an asynchronous one by the next call); the caller closes
 * the descriptor (`close`) in every case.
 */
export class DirectAppender {
  /** Whether the bytes bypass the page cache. */
  direct: boolean;
  /** The open descriptor (for fsync). */
  fd: number;
  /** Bytes appended so far (the file's length once {@link finish}ed). */
  length = 0;
  private staging: Uint8Array | undefined;
  private fill = 0;
  /** File offset of the staging buffer's first byte. */
  private position = 0;
  /** Staging buffers whose write finished, for reuse. */
  private readonly spare: Uint8Array[] = [];
  private inFlight = 0;
  private failure: unknown;
  private waiters: Array<() => void> = [];

  /**
   * `made`: buffers from {@link stagingBuffers} to take, once the first staging buffer is
   * full, before making any (each STAGING_BYTES long and aligned).
   */
  constructor(path: string, made?: Uint8Array[]) {
    // Taken once the first is full: the caller may fault them in until then.
    this.spare.push(...(made ?? []).filter((b) => b.byteLength >= STAGING_BYTES));
    const staging = constants.O_DIRECT ? alignedBytes(STAGING_BYTES) : undefined;
    let fd = -1;
    if (staging) {
      try {
        fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DIRECT, 0o666);
        // Some file systems take the flag at open and refuse the writes: try one block (the
        // file's first bytes are written again later).
        writeSync(fd, staging, 0, DIRECT_ALIGN, 0);
      } catch (err) {
        if (fd >= 0) closeSync(fd);
        fd = -1;
        if (!refusesDirect(err)) throw err;
      }
    }
    this.direct = fd >= 0;
    this.staging = this.direct ? staging : undefined;
    this.fd = fd >= 0 ? fd : openSync(path, 'w');
  }

  /**
   * Where the next bytes go, for a caller that makes them in place (no copy): a view of the
   * staging buffer at least `min` bytes long, or undefined when the appender is not direct.
   * Count what was written there with {@link advance} before any other call.
   */
  room(min: number): Uint8Array | undefined {
    this.check();
    if (!this.staging) return undefined;
    if (this.staging.byteLength - this.fill < min) this.submit(min);
    return this.staging.subarray(this.fill);
  }

  /** Count `n` bytes written into the view {@link room} gave. */
  advance(n: number): void {
    const staging = this.staging!;
    if (!(n >= 0 && this.fill + n <= staging.byteLength)) throw new RangeError(`advance(${n}) past the staging buffer's ${staging.byteLength - this.fill} free bytes`);
    this.length += n;
    this.fill += n;
    if (this.fill >= STAGING_BYTES) this.submit();
  }

  /** Append `chunk` (copied; the caller may reuse it at once). */
  write(chunk: Uint8Array): void {
    this.check();
    this.length += chunk.byteLength;
    if (!this.staging) {
      writeAll(this.fd, chunk, this.position);
      this.position += chunk.byteLength;
      return;
    }
    let off = 0;
    while (off < chunk.byteLength) {
      const n = Math.min(chunk.byteLength - off, this.staging.byteLength - this.fill);
      this.staging.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === this.staging.byteLength) this.submit();
    }
  }

  /** Wait until every staged write has reached the file. @throws its error, if one failed. */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiters.push(r));
    this.check();
  }

  /**
   * Write what is staged (padded to the alignment) and give the file its true length.
   * Call after {@link drain}.
   */
  finish(): void {
    this.check();
    if (this.inFlight > 0) throw new Error('DirectAppender.finish() before drain()');
    if (this.staging && this.fill > 0) {
      const padded = Math.ceil(this.fill / DIRECT_ALIGN) * DIRECT_ALIGN;
      this.staging.fill(0, this.fill, padded);
      writeAll(this.fd, this.staging.subarray(0, padded), this.position);
      this.position += this.fill;
      this.fill = 0;
    }
    // Cuts the zero padding off again.
    if (this.staging) ftruncateSync(this.fd, this.length);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * Send the staged bytes' whole blocks to the file and continue in a buffer with room for
   * `min` more bytes after the unaligned rest, which moves to its start.
   */
  private submit(min = 0): void {
    const buffer = this.staging!;
    const aligned = this.fill - (this.fill % DIRECT_ALIGN);
    const tail = this.fill - aligned;
    const need = Math.max(STAGING_BYTES, Math.ceil((tail + min) / DIRECT_ALIGN) * DIRECT_ALIGN);
    const position = this.position;
    this.position += aligned;
    this.fill = tail;
    const spare = this.spare.findIndex((b) => b.byteLength >= need);
    if (aligned === 0 || (spare < 0 && this.inFlight >= MAX_IN_FLIGHT)) {
      // Nothing to send, or too much on its way already: written now, the buffer kept.
      if (aligned > 0) writeAll(this.fd, buffer.subarray(0, aligned), position);
      if (buffer.byteLength >= need) buffer.copyWithin(0, aligned, aligned + tail);
      else (this.staging = alignedBytes(need)!).set(buffer.subarray(aligned, aligned + tail));
      return;
    }
    const next = spare >= 0 ? this.spare.splice(spare, 1)[0] : alignedBytes(need)!;
    next.set(buffer.subarray(aligned, aligned + tail));
    this.staging = next;
    this.inFlight++;
    const done = (err: unknown, written = 0) => {
      if (!err && written < aligned) {
        // A short write: the rest goes now.
        write(this.fd, buffer, written, aligned - written, position + written, (e, n) => done(e, written + n));
        return;
      }
      this.inFlight--;
      if (err) this.failure ??= err;
      else this.spare.push(buffer);
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    write(this.fd, buffer, 0, aligned, position, (err, n) => done(err, n));
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off, bytes.byteLength - off, position + off);
}
