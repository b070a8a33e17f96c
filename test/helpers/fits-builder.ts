/**
 * A small synthetic-FITS builder for tests, independent of `src/fits` (so the reader is
 * checked against bytes written by other code). Cards are formatted naively but legally;
 * raw 80-character cards can be passed through for sloppy-header tests.
 */
import { gzipSync } from 'node:zlib';

/** A card: [keyword, value, comment?], or a raw card text (padded/truncated to 80 characters). */
export type BuilderCard = [string, string | number | boolean | null, string?] | string;

/** One HDU to build. */
export interface BuilderHdu {
  /** BITPIX of the data (default −32). */
  bitpix?: number;
  /** [naxis1, naxis2, …]; [] or absent for no data. */
  shape?: number[];
  /** Raw values to store (already in raw units: apply BSCALE/BZERO yourself). NaN allowed for floats. */
  data?: ArrayLike<number>;
  /** Extra cards after the mandatory ones. */
  cards?: BuilderCard[];
  /** Raw bytes of the data unit instead of `data` (e.g. a binary table). */
  rawData?: Uint8Array;
  /** Mandatory cards replaced entirely by `cards` (for broken headers). */
  noMandatory?: boolean;
}

function formatValue(v: string | number | boolean | null): string {
  if (v === null) return ''.padStart(20);
  if (typeof v === 'boolean') return (v ? 'T' : 'F').padStart(20);
  if (typeof v === 'number') {
    const s = Number.isInteger(v) ? String(v) : v.toPrecision(17).replace('e', 'E');
    return s.padStart(20);
  }
  return `'${v.replace(/'/g, "''").padEnd(8)}'`.padEnd(20);
}

/** One 80-character card. */
export function card(c: BuilderCard): string {
  if (typeof c === 'string') return c.padEnd(80).slice(0, 80);
  const [k, v, comment] = c;
  const text = `${k.padEnd(8)}= ${formatValue(v)}${comment ? ` / ${comment}` : ''}`;
  return text.padEnd(80).slice(0, 80);
}

/** Header bytes: cards + END, padded with spaces to 2880. */
export function headerBytes(cards: BuilderCard[]): Buffer {
  const text = cards.map(card).join('') + 'END'.padEnd(80);
  return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880), 'latin1');
}

/** Big-endian raw pixel bytes of `data` for `bitpix`. */
export function rawPixels(bitpix: number, data: ArrayLike<number>): Buffer {
  const size = Math.abs(bitpix) / 8;
  const buf = Buffer.alloc(data.length * size);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    switch (bitpix) {
      case 8:
        buf.writeUInt8(v, i);
        break;
      case 16:
        buf.writeInt16BE(v, i * 2);
        break;
      case 32:
        buf.writeInt32BE(v, i * 4);
        break;
      case 64:
        buf.writeBigInt64BE(BigInt(v), i * 8);
        break;
      case -32:
        buf.writeFloatBE(v, i * 4);
        break;
      case -64:
        buf.writeDoubleBE(v, i * 8);
        break;
      default:
        throw new Error(`bitpix ${bitpix}`);
    }
  }
  return buf;
}

function pad(b: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.ceil(b.length / 2880) * 2880);
  out.set(b);
  return out;
}

/** Build a FITS file (primary first, then IMAGE extensions, or BINTABLE when rawData is given with cards). */
export function buildFits(hdus: BuilderHdu[]): Buffer {
  const parts: Buffer[] = [];
  hdus.forEach((h, index) => {
    const bitpix = h.bitpix ?? -32;
    const shape = h.shape ?? [];
    const mandatory: BuilderCard[] = h.noMandatory
      ? []
      : [
          index === 0 ? ['SIMPLE', true] : ['XTENSION', 'IMAGE'],
          ['BITPIX', bitpix],
          ['NAXIS', shape.length],
          ...shape.map((n, i): BuilderCard => [`NAXIS${i + 1}`, n]),
          ...(index === 0 ? [['EXTEND', true] as BuilderCard] : [['PCOUNT', 0] as BuilderCard, ['GCOUNT', 1] as BuilderCard]),
        ];
    parts.push(headerBytes([...mandatory, ...(h.cards ?? [])]));
    const body = h.rawData ?? (h.data ? rawPixels(bitpix, h.data) : Buffer.alloc(0));
    if (body.length) parts.push(pad(body));
  });
  return Buffer.concat(parts);
}

/** gzip bytes (for `.fits.gz` tests). */
export function gzip(bytes: Uint8Array): Buffer {
  return gzipSync(bytes);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), for seeded tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
