/** A 100×100 TAN template (.hdr text), 1″ pixels, centred on (83.8, −5.4): for the coordinate CLI tests. */
export const SMALL_TAN_TEMPLATE = [
  'SIMPLE  = T',
  'BITPIX  = -32',
  'NAXIS   = 2',
  'NAXIS1  = 100',
  'NAXIS2  = 100',
  "CTYPE1  = 'RA---TAN'",
  "CTYPE2  = 'DEC--TAN'",
  'EQUINOX = 2000.0',
  'CRVAL1  = 83.8',
  'CRVAL2  = -5.4',
  'CRPIX1  = 50.5',
  'CRPIX2  = 50.5',
  'CDELT1  = -0.000277777778',
  'CDELT2  = 0.000277777778',
  'CROTA2  = 0.0',
  'END',
].join('\n');
