import { it } from 'vitest';
import { montageChain, montageExactPlain } from '/work/main/test/pipeline/montage-oracle.js';
it('warm', () => {
  for (const s of ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights']) { console.log(montageChain(s)); console.log(montageExactPlain(s)); }
}, 1200000);
