import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFromText } from './helpers.js';
it('dbg', () => {
  const w = Wcs.fromHeader(headerFromText(readFileSync('../shared/data/wcs-headers/sip-broken.hdr', 'latin1')));
  console.log(w.naxis, w.crpix, w.distortion);
  for (const [x, y] of [[0.5, 0.5], [10.5, 10.5], [5, 5]]) {
    const [l, b] = w.pixToSky(x, y);
    const [x2, y2] = w.skyToPix(l, b);
    console.log(x, y, x2 - x, y2 - y);
  }
  const w2 = Wcs.fromHeader(headerFromText(readFileSync('../shared/data/wcs-headers/invalid_header.hdr', 'latin1')));
  console.log(w2.ctype, w2.crval, w2.distortion, w2.projectionCode);
});
