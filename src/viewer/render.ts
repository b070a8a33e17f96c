/**
 * Render FITS pixels to an 8-bit picture: grayscale or pseudo-colour from one image,
 * or a red/green/blue composite from three.
 *
 * Reference: Montage 6.0 `montageViewer.c` (mViewer's pixel loops). As there:
 * grayscale levels are rounded (`(int)(level + 0.5)`) and then looked up in the colour
 * table; RGB levels are truncated; blank (NaN/±Inf) pixels get `blankLevel` (mViewer's
 * `-saturate`, default 0), which in grayscale mode goes through the colour table, so
 * blanks are black with `-ct 0` and white with `-ct 1`. Output row 0 is the top of
 * the picture; orientation follows `displayFlips` (north up by default).
 */
import { MosaicError } from '../errors.js';
import type { FitsImage } from '../fits/types.js';
import { colourTable, isGrayTable } from './colour-tables.js';
import { displayFlips, type DisplayFlips } from './orientation.js';
import { levelFunction, type ResolvedStretch } from './stretch.js';

/** An 8-bit picture, rows top to bottom, channels interleaved. */
export interface RenderedImage {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** width·height·channels bytes. */
  pixels: Uint8Array;
}

/** Options shared by every render mode. */
export interface RenderOptions {
  /** mViewer `-noflip`: FITS row 1 at the top and no mirroring. Default false. */
  noflip?: boolean;
  /** Level 0–255 for blank pixels (mViewer `-saturate`). Default 0. */
  blankLevel?: number;
  /** Downscale to this width in pixels (area average; height keeps the aspect). Never enlarges. */
  width?: number;
}

/** One image to draw and its stretch (already resolved against its histogram). */
export interface Layer {
  image: FitsImage;
  stretch: ResolvedStretch;
  /** File name for messages. */
  name?: string;
}

function imageSize(image: FitsImage): { nx: number; ny: number } {
  const nx = image.shape[0] ?? 0;
  const ny = image.shape[1] ?? 1;
  return { nx, ny };
}

/** Output byte index → input pixel index, per row/column, for the given flips. */
function sourceIndex(nx: number, ny: number, flips: DisplayFlips): (col: number, row: number) => number {
  return (col, row) => {
    const x0 = flips.flipX ? nx - 1 - col : col;
    const y0 = flips.flipY ? ny - 1 - row : row;
    return x0 + nx * y0;
  };
}

function checkBlankLevel(level: number | undefined): number {
  const v = level ?? 0;
  if (!Number.isFinite(v)) throw new MosaicError('E_ARGUMENT', `Expected number 0-255 for blank level but received ${v}`, { stage: 'view' });
  return Math.trunc(Math.min(255, Math.max(0, v)));
}

/**
 * Grayscale or pseudo-colour picture of one image with Montage colour table `ct`
 * (0 = gray). One channel when the table is gray (0, 1), three otherwise.
 * @throws MosaicError E_ARGUMENT for a bad colour table or width.
 */
export function renderGray(layer: Layer, ct = 0, options: RenderOptions = {}): RenderedImage {
  const table = colourTable(ct);
  const gray = isGrayTable(ct);
  const { nx, ny } = imageSize(layer.image);
  const blank = checkBlankLevel(options.blankLevel);
  const level = levelFunction(layer.stretch);
  const at = sourceIndex(nx, ny, displayFlips(layer.image.header, options.noflip));
  const data = layer.image.data;
  const channels = gray ? 1 : 3;
  const pixels = new Uint8Array(nx * ny * channels);
  let o = 0;
  for (let row = 0; row < ny; row++) {
    for (let col = 0; col < nx; col++) {
      const v = data[at(col, row)];
      const k = v - v === 0 ? Math.floor(level(v) + 0.5) : blank;
      if (gray) {
        pixels[o++] = table[3 * k];
      } else {
        pixels[o++] = table[3 * k];
        pixels[o++] = table[3 * k + 1];
        pixels[o++] = table[3 * k + 2];
      }
    }
  }
  return downscale({ width: nx, height: ny, channels, pixels }, options.width);
}

/**
 * Red/green/blue composite of three images of the same shape; each channel has its
 * own stretch. Orientation comes from the red image's header.
 * @throws MosaicError E_ARGUMENT when the shapes differ (naming the files).
 */
export function renderRgb(red: Layer, green: Layer, blue: Layer, options: RenderOptions = {}): RenderedImage {
  const layers = [red, green, blue];
  const { nx, ny } = imageSize(red.image);
  for (const l of layers) {
    const s = imageSize(l.image);
    if (s.nx !== nx || s.ny !== ny) {
      const list = layers.map((x, i) => `${x.name ?? ['red', 'green', 'blue'][i]} (${imageSize(x.image).nx}x${imageSize(x.image).ny})`);
      throw new MosaicError('E_ARGUMENT', `RGB images must have the same size: ${list.join(', ')}`, {
        stage: 'view',
        file: l.name,
      });
    }
  }
  const blank = checkBlankLevel(options.blankLevel);
  const at = sourceIndex(nx, ny, displayFlips(red.image.header, options.noflip));
  const pixels = new Uint8Array(nx * ny * 3);
  layers.forEach((layer, c) => {
    const level = levelFunction(layer.stretch);
    const data = layer.image.data;
    let o = c;
    for (let row = 0; row < ny; row++) {
      for (let col = 0; col < nx; col++, o += 3) {
        const v = data[at(col, row)];
        pixels[o] = v - v === 0 ? Math.floor(level(v)) : blank;
      }
    }
  });
  return downscale({ width: nx, height: ny, channels: 3, pixels }, options.width);
}

/**
 * Area-average downscale to `width` columns (height keeps the aspect ratio, at least
 * 1). Each output pixel is the coverage-weighted mean of the input pixels under it,
 * rounded to nearest. Returns the input unchanged when `width` is absent or not smaller.
 * @throws MosaicError E_ARGUMENT unless width is a positive integer.
 */
export function downscale(img: RenderedImage, width?: number): RenderedImage {
  if (width === undefined) return img;
  if (!Number.isInteger(width) || width < 1)
    throw new MosaicError('E_ARGUMENT', `Expected positive integer for width but received ${width}`, { stage: 'view' });
  if (width >= img.width) return img;
  const height = Math.max(1, Math.round((img.height * width) / img.width));
  const ch = img.channels;
  // Horizontal pass into floats, then vertical pass.
  const wide = resampleAxis(img.pixels, img.width, img.height, ch, width, 'x');
  const out = resampleAxis(wide, width, img.height, ch, height, 'y');
  const pixels = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) pixels[i] = Math.min(255, Math.round(out[i]));
  return { width, height, channels: img.channels, pixels };
}

/** Box-filter one axis from `n` to `m` samples (m ≤ n) with fractional coverage at the edges. */
function resampleAxis(src: ArrayLike<number>, w: number, h: number, ch: number, m: number, axis: 'x' | 'y'): Float64Array {
  const n = axis === 'x' ? w : h;
  const outW = axis === 'x' ? m : w;
  const outH = axis === 'x' ? h : m;
  const out = new Float64Array(outW * outH * ch);
  const scale = n / m;
  for (let j = 0; j < m; j++) {
    const start = j * scale;
    const end = start + scale;
    for (let i = Math.floor(start); i < Math.min(n, Math.ceil(end)); i++) {
      const weight = (Math.min(end, i + 1) - Math.max(start, i)) / scale;
      if (weight <= 0) continue;
      if (axis === 'x') {
        for (let y = 0; y < h; y++)
          for (let c = 0; c < ch; c++) out[(y * outW + j) * ch + c] += weight * src[(y * w + i) * ch + c];
      } else {
        for (let x = 0; x < w; x++)
          for (let c = 0; c < ch; c++) out[(j * outW + x) * ch + c] += weight * src[(i * w + x) * ch + c];
      }
    }
  }
  return out;
}
