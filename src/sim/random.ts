/**
 * A small seeded pseudo-random generator for the synthetic sky, so a seed fixes every
 * file `mosaic simulate` writes on any machine.
 *
 * Reference: mulberry32 (Tommy Ettinger, public domain), a 32-bit state generator with a
 * full 2^32 period that passes PractRand to 2^32 outputs — ample for a few million draws.
 * Normal deviates use the Box–Muller transform (Box & Muller 1958).
 */

/** A seeded stream of random numbers. Not cryptographic. */
export class Random {
  private state: number;
  private spareNormal: number | undefined;

  /** @param seed any finite number; it is reduced to 32 bits (1 and 1.0 give the same stream). */
  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Log-uniform in [lo, hi), lo > 0: equal numbers per decade, like star counts per magnitude bin. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.pow(hi / lo, this.next());
  }

  /** Gaussian deviate with the given mean and standard deviation. */
  normal(mean = 0, sigma = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sigma * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sigma * r * Math.cos(2 * Math.PI * v);
  }

  /** An independent generator derived from this one (e.g. one per image), so adding draws to one stream does not shift another. */
  fork(label: number): Random {
    return new Random(Math.floor(this.next() * 4294967296) ^ Math.imul(label + 1, 0x85ebca6b));
  }
}
