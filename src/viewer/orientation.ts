/**
 * Which way up a FITS image is drawn: mViewer's `flipX`/`flipY` rule.
 *
 * Reference: Montage 6.0 `montageViewer.c` (flip logic before the pixel loops) with
 * the image scale and rotation from WCSTools `wcs.c` (`wcsdeltset`, `wcscdset`,
 * `wcsrotset`). mViewer mirrors x when the x increment is positive, mirrors y when the
 * y increment is positive (the usual case: FITS row 1 ends up at the bottom, north
 * up), and turns both when the rotation is between 90° and 270°. With a CD or PC
 * matrix WCSTools derives the rotation from where north and east point, and the sign
 * of the x increment from the handedness (east 90° clockwise of north = mirrored).
 * Axis-swapped headers (latitude on axis 1) get mViewer's extra x flip only.
 */
import type { Header } from '../fits/header.js';

/** Mirror flags: `flipX` reverses columns, `flipY` puts FITS row 1 at the bottom. */
export interface DisplayFlips {
  flipX: boolean;
  flipY: boolean;
}

const DEG = 180 / Math.PI;

/** Position angle of a pixel-space direction in degrees, in (−90, 270] like WCSTools. */
function positionAngle(x: number, y: number): number {
  const pa = Math.atan2(y, x) * DEG;
  return pa < -90 ? pa + 360 : pa;
}

/** x and y increments (degrees/pixel, signed as WCSTools signs them) and rotation (degrees, [0, 360)). */
function scaleAndRotation(h: Header): { xinc: number; yinc: number; rot: number } | undefined {
  const num = (k: string) => h.number(k);
  const cdelt1 = num('CDELT1');
  const cdelt2 = num('CDELT2');
  const hasCd = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].some((k) => h.has(k));
  const hasPc = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].some((k) => h.has(k));
  let m: [number, number, number, number];
  if (hasCd) {
    m = [num('CD1_1') ?? 0, num('CD1_2') ?? 0, num('CD2_1') ?? 0, num('CD2_2') ?? 0];
  } else if (hasPc && cdelt1 !== undefined) {
    const c2 = cdelt2 ?? cdelt1;
    m = [cdelt1 * (num('PC1_1') ?? 1), cdelt1 * (num('PC1_2') ?? 0), c2 * (num('PC2_1') ?? 0), c2 * (num('PC2_2') ?? 1)];
  } else if (cdelt1 !== undefined) {
    let rot = num('CROTA2') ?? num('CROTA1') ?? 0;
    if (rot < 0) rot += 360;
    if (rot >= 360) rot -= 360;
    return { xinc: cdelt1, yinc: cdelt2 || cdelt1, rot };
  } else {
    return undefined;
  }
  const [a, b, c, d] = m;
  const det = a * d - b * c;
  if (det === 0) return undefined;
  // Pixel-space directions of +RA (east) and +Dec (north): columns of the inverse matrix.
  const paEast = positionAngle(d / det, -c / det);
  const paNorth = positionAngle(-b / det, a / det);
  let rot = paNorth - 90;
  if (rot < 0) rot += 360;
  if (rot >= 360) rot -= 360;
  const turn = paEast - paNorth;
  const mirrored = (turn > -100 && turn < -80) || (turn > 260 && turn < 280);
  const xinc = Math.hypot(a, c);
  const yinc = Math.hypot(b, d);
  return { xinc: mirrored ? xinc : -xinc, yinc, rot };
}

/**
 * mViewer's display orientation for an image header. Without a usable WCS the image
 * is drawn with FITS row 1 at the bottom and columns in order.
 * @param noflip true for mViewer's `-noflip`: FITS row 1 at the top, nothing mirrored.
 */
export function displayFlips(header: Header, noflip = false): DisplayFlips {
  if (noflip) return { flipX: false, flipY: false };
  const s = scaleAndRotation(header);
  if (!s) return { flipX: false, flipY: true };
  let flipX = s.xinc > 0;
  let flipY = s.yinc > 0;
  if (Math.abs(s.rot) > 90 && Math.abs(s.rot) < 270) {
    flipX = !flipX;
    flipY = !flipY;
  }
  const ctype1 = String(header.get('CTYPE1') ?? '').toUpperCase();
  if (/^(DEC|GLAT|ELAT|SLAT|HLAT)/.test(ctype1)) flipX = !flipX;
  return { flipX, flipY };
}
