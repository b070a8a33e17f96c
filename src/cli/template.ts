/**
 * Mosaic header templates as the stage commands take them: read and checked once, at the
 * command's edge, so that a template without a usable celestial WCS is reported against the
 * template file instead of as a failure of every image projected onto it.
 */
import { MosaicError } from '../errors.js';
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
