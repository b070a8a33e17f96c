/**
 * mViewer and mHistogram: FITS in, PNG or JPEG out, and saved stretches.
 *
 * Montage counterparts: `MontageLib/Viewer/montageViewer.c` (mViewer, without the
 * overlays: grids, catalogs, labels) and `MontageLib/Histogram/montageHistogram.c`
 * (Caltech-IPAC/Montage 6.0). The numerical work is in `src/viewer/`: histogram and
 * range resolution (`histogram.ts`, `range.ts`), stretches (`stretch.ts`), colour tables
 * and rendering (`colour-tables.ts`, `render.ts`). This module reads the FITS files,
 * resolves each channel's stretch, renders, and encodes with sharp. Grayscale PNGs are
 * one channel, as mViewer writes them; JPEG quality defaults to mViewer's 85.
 *
 * Both the friendly syntax (`IN.fits -o OUT.png --stretch gaussian-log --min -1s`) and
 * Montage's (`-ct 1 -gray IN.fits -1s max gaussian-log -out OUT.png`) produce the same
 * `ViewOptions`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { readImage } from '../fits/read.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { formatHistogramFile, parseHistogramFile } from '../viewer/histogram-file.js';
import { computeHistogram, valuePercentile, type ImageHistogram } from '../viewer/histogram.js';
import { renderGray, renderRgb, type Layer, type RenderedImage } from '../viewer/render.js';
import { checkStretchName, isStretchName, resolveStretch, type ResolvedStretch, type StretchName } from '../viewer/stretch.js';

/** How one input file is stretched. */
export interface ViewChannel {
  /** FITS file (any readImage input: .fits, .fits.gz, tile-compressed). */
  file: string;
  /** Default `gaussian-log`. */
  stretch?: StretchName;
  /** Display min and max as range strings (see `parseRange`); defaults `-1s` and `max`. */
  min?: string;
  max?: string;
  /** ln(9x+1) applications for the `power` stretch. */
  logPower?: number;
  /** Asinh β as a range string; default `2s`. */
  beta?: string;
  /** A histogram file (from `histogram`/mHistogram) to use instead of computing the stretch. */
  histogramFile?: string;
  /** HDU index (0 = primary); default the first image HDU with data. */
  hdu?: number;
}

/** Everything `view` needs. Give `gray`, or all three of `red`, `green`, `blue`. */
export interface ViewOptions {
  gray?: ViewChannel;
  red?: ViewChannel;
  green?: ViewChannel;
  blue?: ViewChannel;
  /** Output file; `.jpg`/`.jpeg` gives JPEG, anything else PNG (unless `format`). */
  output: string;
  format?: 'png' | 'jpeg';
  /** Montage colour table 0–11 for gray mode; default 0 (gray). */
  ct?: number;
  /** Downscale to this width (area average). */
  width?: number;
  /** JPEG quality 1–100; default 85 (mViewer's). */
  quality?: number;
  /** FITS row 1 at the top, no mirroring (mViewer `-noflip`). */
  noflip?: boolean;
  /** Display level for blank pixels (mViewer `-saturate`); default 0. */
  blankLevel?: number;
}

/** Per-channel numbers reported by `view` (like mViewer's status line). */
export interface ChannelReport {
  file: string;
  stretch: StretchName;
  min: number;
  max: number;
  minPercent?: number;
  maxPercent?: number;
  dataMin: number;
  dataMax: number;
}

/** Result of `view`. */
export interface ViewResult {
  output: string;
  format: 'png' | 'jpeg';
  type: 'grayscale' | 'pseudocolor' | 'color';
  width: number;
  height: number;
  channels: ChannelReport[];
}

const DEFAULT_CHANNEL = { stretch: 'gaussian-log' as StretchName, min: '-1s', max: 'max' };

function argError(message: string, file?: string): MosaicError {
  return new MosaicError('E_ARGUMENT', message, { stage: 'view', file });
}

async function loadChannel(ch: ViewChannel): Promise<{ layer: Layer; report: ChannelReport }> {
  const image = await readImage(ch.file, ch.hdu === undefined ? {} : { hdu: ch.hdu });
  try {
    let stretch: ResolvedStretch;
    let hist: ImageHistogram | undefined;
    let dataMin: number;
    let dataMax: number;
    if (ch.histogramFile) {
      const text = await readFile(ch.histogramFile, 'utf8').catch((e) => {
        throw asMosaicError(e, { stage: 'view', file: ch.histogramFile });
      });
      const saved = parseHistogramFile(text, ch.histogramFile);
      stretch = saved.stretch;
      dataMin = saved.dataMin;
      dataMax = saved.dataMax;
    } else {
      hist = computeHistogram(image.data);
      stretch = resolveStretch(
        {
          name: checkStretchName(ch.stretch ?? DEFAULT_CHANNEL.stretch),
          min: ch.min ?? DEFAULT_CHANNEL.min,
          max: ch.max ?? DEFAULT_CHANNEL.max,
          logPower: ch.logPower,
          beta: ch.beta,
        },
        hist,
      );
      dataMin = hist.min;
      dataMax = hist.max;
    }
    return {
      layer: { image, stretch, name: ch.file },
      report: {
        file: ch.file,
        stretch: stretch.name,
        min: stretch.min,
        max: stretch.max,
        minPercent: hist && valuePercentile(hist, stretch.min),
        maxPercent: hist && valuePercentile(hist, stretch.max),
        dataMin,
        dataMax,
      },
    };
  } catch (err) {
    throw asMosaicError(err, { stage: 'view', file: ch.file });
  }
}

/** Output format from options or the file extension. */
export function outputFormat(options: Pick<ViewOptions, 'output' | 'format'>): 'png' | 'jpeg' {
  if (options.format) return options.format;
  const ext = extname(options.output).toLowerCase();
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.png' || ext === '') return 'png';
  throw new MosaicError('E_ARGUMENT', `Expected an output ending in .png, .jpg or .jpeg but received "${ext}"`, { stage: 'view', file: options.output });
}

/** Encode a rendered picture as PNG (one channel when gray) or JPEG. */
export async function encodePicture(img: RenderedImage, format: 'png' | 'jpeg', quality = 85): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  let pipeline = sharp(Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength), {
    raw: { width: img.width, height: img.height, channels: img.channels },
  });
  if (img.channels === 1) pipeline = pipeline.toColourspace('b-w');
  return format === 'jpeg'
    ? pipeline.jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer()
    : pipeline.png({ compressionLevel: 6 }).toBuffer();
}

/**
 * Draw FITS image(s) to a PNG or JPEG (mViewer without overlays). The output appears
 * atomically: nothing is left under its name if anything fails.
 * @throws MosaicError E_ARGUMENT for bad options (no input, RGB sizes differ, bad range
 *   or stretch, NaN-only image), FITS errors from the reader, E_FILE_WRITE/E_DISK_FULL.
 */
export async function view(options: ViewOptions): Promise<ViewResult> {
  const rgb = [options.red, options.green, options.blue];
  const haveRgb = rgb.filter(Boolean).length;
  if (options.gray && haveRgb) throw argError('give either a gray image or red/green/blue images, not both');
  if (!options.gray && haveRgb !== 3) throw argError(haveRgb ? 'RGB mode needs all three of red, green and blue' : 'no input image given');
  if (!options.output) throw argError('no output file given');
  const quality = options.quality ?? 85;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw argError(`Expected integer 1-100 for quality but received ${quality}`);
  const format = outputFormat(options);
  const renderOptions = { noflip: options.noflip, blankLevel: options.blankLevel, width: options.width };

  let picture: RenderedImage;
  let reports: ChannelReport[];
  let type: ViewResult['type'];
  if (options.gray) {
    const { layer, report } = await loadChannel(options.gray);
    picture = renderGray(layer, options.ct ?? 0, renderOptions);
    reports = [report];
    type = picture.channels === 1 ? 'grayscale' : 'pseudocolor';
  } else {
    const loaded = await Promise.all(rgb.map((c) => loadChannel(c!)));
    picture = renderRgb(loaded[0].layer, loaded[1].layer, loaded[2].layer, renderOptions);
    reports = loaded.map((l) => l.report);
    type = 'color';
  }
  const bytes = await encodePicture(picture, format, quality).catch((e) => {
    throw asMosaicError(e, { stage: 'view', file: options.output });
  });
  await writeFileAtomic(options.output, bytes, 'view');
  return { output: options.output, format, type, width: picture.width, height: picture.height, channels: reports };
}

/** Options of the `histogram` stage (mHistogram). */
export interface HistogramOptions extends Omit<ViewChannel, 'histogramFile'> {
  /** Histogram file to write. */
  output: string;
}

/**
 * mHistogram: resolve a stretch against one image and save it in Montage's histogram
 * file format, to draw other images (`ViewChannel.histogramFile`) with the same mapping.
 * @returns the resolved stretch and image statistics.
 */
export async function histogram(options: HistogramOptions): Promise<{ stretch: ResolvedStretch; histogram: ImageHistogram }> {
  if (!options.output) throw argError('no output histogram file given');
  const image = await readImage(options.file, options.hdu === undefined ? {} : { hdu: options.hdu });
  let stretch: ResolvedStretch;
  let hist: ImageHistogram;
  try {
    hist = computeHistogram(image.data);
    stretch = resolveStretch(
      {
        name: checkStretchName(options.stretch ?? DEFAULT_CHANNEL.stretch),
        min: options.min ?? DEFAULT_CHANNEL.min,
        max: options.max ?? DEFAULT_CHANNEL.max,
        logPower: options.logPower,
        beta: options.beta,
      },
      hist,
    );
  } catch (err) {
    throw asMosaicError(err, { stage: 'histogram', file: options.file });
  }
  await writeFileAtomic(options.output, formatHistogramFile(stretch, hist), 'histogram');
  return { stretch, histogram: hist };
}

/** Montage stretch word after `FILE MIN MAX`, or undefined when the token is not one. */
function montageStretch(token: string | undefined): { name: StretchName; logPower?: number; takesBeta?: boolean } | undefined {
  if (token === undefined) return undefined;
  if (token.startsWith('g')) return { name: token.length > 1 && /[gl]$/.test(token) ? 'gaussian-log' : 'gaussian' };
  if (token.startsWith('a')) return { name: 'asinh', takesBeta: true };
  if (token.startsWith('lin')) return { name: 'linear' };
  if (token === 'log') return { name: 'log' };
  if (token === 'loglog') return { name: 'loglog' };
  if (/^\d+$/.test(token)) return { name: 'power', logPower: Number(token) };
  if (isStretchName(token)) return { name: token };
  return undefined;
}

/**
 * Parse Montage's mViewer argument syntax into `ViewOptions`:
 * `[-ct N] [-noflip] [-saturate L] (-gray FILE (MIN MAX [STRETCH [BETA]] | -histfile H)
 *  | -red … -green … -blue …) (-out|-png|-jpeg) FILE`.
 * STRETCH is `lin…`, `log`, `loglog`, an integer log power, `g…` (gaussian; ending in g
 * or l: gaussian-log) or `a…` (asinh; the next token is β when it is a range string,
 * default `2s`: mViewer always takes it, we only when it parses).
 * Overlay options (-grid, -catalog, -mark, …) are not supported and rejected.
 * @throws MosaicError E_USAGE naming the problem.
 */
export function parseMViewerArgs(argv: readonly string[]): ViewOptions {
  const usage = (m: string) => new MosaicError('E_USAGE', m, { stage: 'view' });
  const out: Partial<ViewOptions> = {};
  const isRange = (t: string | undefined) => t !== undefined && /^[+-]?\s*(\d|\.\d|min|max|med)/.test(t);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw usage(`Too few arguments following ${a}`);
      return v;
    };
    switch (a) {
      case '-ct': {
        const v = next();
        if (!/^\d+$/.test(v) || Number(v) > 11) throw usage('Color table index must be a number between 0 and 11');
        out.ct = Number(v);
        break;
      }
      case '-noflip':
        out.noflip = true;
        break;
      case '-saturate':
        out.blankLevel = Number(next());
        break;
      case '-out':
      case '-png':
        out.output = next();
        out.format = 'png';
        break;
      case '-jpeg':
      case '-jpg':
        out.output = next();
        out.format = 'jpeg';
        break;
      case '-gray':
      case '-grey':
      case '-red':
      case '-green':
      case '-blue': {
        const ch: ViewChannel = { file: next() };
        if (argv[i + 1] === '-histfile') {
          i++;
          ch.histogramFile = next();
        } else {
          ch.min = next();
          ch.max = next();
          const s = montageStretch(argv[i + 1]);
          ch.stretch = 'linear';
          if (s) {
            i++;
            ch.stretch = s.name;
            if (s.logPower !== undefined) ch.logPower = s.logPower;
            if (s.takesBeta && isRange(argv[i + 1])) ch.beta = argv[++i];
          }
        }
        const key = a === '-grey' ? 'gray' : (a.slice(1) as 'gray' | 'red' | 'green' | 'blue');
        out[key] = ch;
        break;
      }
      case '-d':
      case '-nowcs':
        break;
      default:
        throw usage(`Unsupported mViewer argument "${a}"`);
    }
  }
  if (!out.output) throw usage('No PNG output file argument.');
  return out as ViewOptions;
}
