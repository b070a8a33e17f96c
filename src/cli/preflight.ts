/**
 * Checks a command makes at its edge, before any work: the mosaic template is read and its WCS
 * built once (so a bad template is reported against the template file, not as a failure of
 * every image projected onto it), and output paths are checked to be writable (so a run of
 * many minutes does not end on a missing folder).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { readTemplate } from '../tables/template.js';
import { Wcs } from '../wcs/wcs.js';

/**
 * Read a mosaic header template (`.hdr`) and check it describes an image grid with a celestial WCS.
 * @param path the template file, named in every error.
 * @param stage the command, for the error's context.
 * @throws MosaicError E_FILE_NOT_FOUND / E_FILE_READ, E_TEMPLATE (empty, unparsable, no positive
 *   NAXIS1/NAXIS2), E_WCS_* (no celestial WCS, unknown projection, singular matrix).
 */
export async function readMosaicTemplate(path: string, stage: string): Promise<Header> {
  const header = await readTemplate(path, stage);
  const naxis1 = header.int('NAXIS1') ?? 0;
  const naxis2 = header.int('NAXIS2') ?? 0;
  if (naxis1 < 1 || naxis2 < 1)
    throw new MosaicError('E_TEMPLATE', `needs positive NAXIS1 and NAXIS2 but has ${naxis1} and ${naxis2}`, { stage, file: path });
  try {
    Wcs.fromHeader(header, { file: path });
  } catch (err) {
    throw err instanceof MosaicError ? new MosaicError(err.code, err.message, { stage, file: path, cause: err }) : err;
  }
  return header;
}

/**
 * Check that a file can be created at `path`: its folder exists and is writable, and `path` is
 * not a directory or a device. The write itself stays atomic (util/atomic-write.ts); this only
 * fails early.
 * @throws MosaicError E_FILE_WRITE naming `path`.
 */
export function checkOutputFile(path: string, stage: string): void {
  const fail = (why: string) => new MosaicError('E_FILE_WRITE', why, { stage, file: path });
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined; // absent, or a path component is a file
    }
  };
  const st = stat(path);
  if (st?.isDirectory()) throw fail('is a directory, expected a file name to write');
  if (st && !st.isFile()) throw fail('is not a regular file (a device, pipe or socket); refusing to replace it');
  const dir = stat(dirname(path));
  if (!dir?.isDirectory()) throw fail('cannot create the file (folder does not exist)');
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    throw asMosaicError(err, { stage, file: path });
  }
}
