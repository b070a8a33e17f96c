/**
 * Scratch pixel planes: a run's private cache of Float64 images as raw native-endian bytes,
 * no header. `build` caches its projected images between passes; with FITS files each
 * write and read-back cost a byte swap and a copy of every pixel (BITPIX −64 is
 * big-endian) plus a header parse per read, ~1 s per thread at M17 size. These files never
 * outlive the run nor leave its temporary folder; anything meant for other tools (`--workdir`)
 * is written as FITS.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { MosaicError, asMosaicError } from '../errors.js';

/** Write `data` (all of it) to `path`, replacing any file there. */
export function writeScratchPlane(path: string, data: Float64Array): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let fd = -1;
  try {
    fd = openSync(path, 'w');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } catch (err) {
    throw asMosaicError(err, { stage: 'cache', file: path });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Rows [y0, y0 + rows) of a plane `width` pixels wide written by {@link writeScratchPlane},
 * into the start of `into` when it is long enough (a view of it is returned), else a new array.
 * @throws MosaicError E_FILE_READ when the file is shorter than those rows.
 */
export function readScratchRows(path: string, width: number, y0: number, rows: number, into?: Float64Array): Float64Array {
  // Reading into a caller's reused buffer spares a fresh allocation (and its page faults) per read.
  const out = into && into.length >= width * rows ? into.subarray(0, width * rows) : new Float64Array(width * rows);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const start = y0 * width * 8;
    for (let off = 0; off < bytes.length; ) {
      const n = readSync(fd, bytes, off, bytes.length - off, start + off);
      if (n === 0) throw new MosaicError('E_FILE_READ', `scratch plane ends before row ${y0 + rows} (${width} pixels wide)`, { stage: 'cache', file: path });
      off += n;
    }
  } catch (err) {
    throw asMosaicError(err, { stage: 'cache', file: path });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return out;
}
