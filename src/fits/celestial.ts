/**
 * A quick test for a celestial coordinate system in a header, used by `mosaic info`.
 * It only looks at keywords; the WCS module decides whether the WCS actually works.
 *
 * Reference: FITS WCS Paper II (Calabretta & Greisen 2002) §2 for celestial CTYPE prefixes
 * (RA/DEC, xLON/xLAT, yzLN/yzLT); the DSS plate solution keywords PLTRAH, AMDX1 (STScI).
 */
import type { Header } from './header.js';

const LONGITUDE = /^(RA|GLON|ELON|SLON|HLON|[A-Z]{2}LN)$/;
const LATITUDE = /^(DEC|GLAT|ELAT|SLAT|HLAT|[A-Z]{2}LT)$/;

/** The celestial part of a CTYPE value: the text before the first `-` (`RA---TAN` → `RA`). */
function prefix(ctype: string): string {
  return ctype.trim().toUpperCase().split('-')[0];
}

/**
 * True when the header has a celestial WCS: a CTYPEi longitude and a CTYPEj latitude axis
 * (any i ≠ j among NAXIS axes, 1 and 2 included even without NAXIS), or a DSS plate
 * solution (PLTRAH and AMDX1).
 */
export function hasCelestialWcs(header: Header): boolean {
  if (header.has('PLTRAH') && header.has('AMDX1')) return true;
  const n = Math.max(2, header.int('NAXIS') ?? 0, header.int('WCSAXES') ?? 0);
  let lon = false;
  let lat = false;
  for (let i = 1; i <= n; i++) {
    const c = header.string(`CTYPE${i}`);
    if (c === undefined) continue;
    const p = prefix(c);
    if (LONGITUDE.test(p)) lon = true;
    else if (LATITUDE.test(p)) lat = true;
  }
  return lon && lat;
}
