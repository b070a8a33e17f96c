import { it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFromCards, loadFixtures } from './helpers.js';
it('dbg', () => {
  for (const name of ['HorseHead', 'dss.14.29.56-62.41.05', '1904-66_CSC']) {
    const fx = loadFixtures().find((f) => f.name === name)!;
    const h = headerFromCards(fx.cards.filter((c) => !/^(CTYPE|CD|CRVAL|CRPIX|CDELT|PC|CROTA)/.test(c)));
    const w = Wcs.fromHeader(name.includes('CSC') ? headerFromCards(fx.cards) : h);
    console.log(name, w.ctype, w.crval, w.crpix, w.cd, w.distortion, w.projectionCode);
    for (let i = 0; i < fx.pix!.length; i += 40) console.log(' p', fx.pix![i], fx.world![i], w.pixToSky(...fx.pix![i]));
    for (let i = 0; i < fx.sky!.length; i++) { const o = w.skyToPix(...fx.sky![i]); const r = fx.skyPix![i]; if (r[0] === null || Math.abs(o[0] - r[0]!) > 1e-7 || Math.abs(o[1] - r[1]!) > 1e-7) console.log(' s', fx.sky![i], r, o); }
  }
});
