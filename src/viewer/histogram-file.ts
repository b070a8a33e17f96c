/**
 * Montage's histogram file (`mHistogram -out x.hist`, read by `mViewer -histfile`):
 * a saved stretch, so that several images (tiles of one mosaic) can be drawn with the
 * same mapping from data to display level.
 *
 * Reference: Montage 6.0 `MontageLib/Histogram/montageHistogram.c` (writer) and
 * `mViewer_readHist`. Layout after the leading `#` comments:
 *   Type T [P]            T: 0 power, 1 gaussian, 2 gaussian-log, 3 asinh; P: log power (T=0)
 *                         or, our addition, the asinh β (T=3; Montage ignores extra fields)
 *   Ranges / Value min max / Percentile … / Sigma … / Min/Max datamin datamax / Median/Sigma m s
 *   rmin / rmax / delta / npix
 *   Stretch Lookup        256 lines "k value"
 *   200000 Histogram Bins lines "i datalevel count cumulative quantile"
 * Values are written with 17 significant digits (Montage uses %g), which Montage reads
 * the same way. Our reader finds sections by their labels.
 */
import { MosaicError } from '../errors.js';
import { HISTOGRAM_BINS, valuePercentile, type ImageHistogram } from './histogram.js';
import { normalQuantile } from './normal-quantile.js';
import { STRETCH_NAMES, type MontageStretchType, type ResolvedStretch, type StretchName } from './stretch.js';

/** Bin lines in the file (Montage's array size, one more than the bins used). */
const FILE_BINS = HISTOGRAM_BINS + 1;

const HEADER = `# HISTOGRAM DATA
# 
# The following data is strictly formatted (after these initial comments).
# The first line is the type of stretch, i.e., power law (linear/log/etc.):0,
# gaussian:1, gaussian-log:2 or asinh:3.
# 
# The second are the data ranges the user gave in the various units (data value,
# percentiles, 'sigma' levels) plus the file data min, max, median and 'sigma'.
# 
# The third (a little repetitive) are the file statistics used in the histogram
# calculation: data min, max, the width of the bins ((max-min)/NBIN) and the 
# total number of pixels in the file.
# 
# Then the conclusions, starting with the 256 data values that correspond to 
# the lowest data value associated with a 'grayscale' output value.
# 
# Finally, the NBIN histogram values.  The first column is the bin number.
# The second is the lowest data value that will go into that bin.  This is
# the part that is stretch type dependent.  Next is the count of pixels that
# ended up in that bin followed by the cumulative count, and finally the 
# chi^2 and sigma levels for the bin.
# 
`;

const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(17))) : String(v));

/** Data value at the start of each display level for analytic stretches (informational). */
function analyticLookup(s: ResolvedStretch): Float64Array {
  const out = new Float64Array(256);
  for (let k = 0; k < 256; k++) {
    let x = (k - 0.5) / 255;
    if (s.montageType === 3) x = s.beta === 0 ? x : Math.sinh(s.beta * x) / s.beta;
    else for (let p = 0; p < s.logPower; p++) x = (Math.exp(x) - 1) / 9;
    out[k] = k === 0 ? s.min : s.min + Math.max(0, x) * (s.max - s.min);
  }
  return out;
}

/** Text of a histogram file for a stretch resolved against histogram `h`. */
export function formatHistogramFile(s: ResolvedStretch, h: ImageHistogram): string {
  const typeLine =
    s.montageType === 0 ? `Type 0 ${s.logPower}` : s.montageType === 3 ? `Type 3 ${num(s.beta)}` : `Type ${s.montageType}`;
  const sigmas = (v: number) => (h.sigma === 0 ? 0 : (v - h.median) / h.sigma);
  const lines = [
    typeLine,
    '',
    'Ranges',
    `Value ${num(s.min)} ${num(s.max)}`,
    `Percentile ${num(valuePercentile(h, s.min))} ${num(valuePercentile(h, s.max))}`,
    `Sigma ${num(sigmas(s.min))} ${num(sigmas(s.max))}`,
    `Min/Max ${num(h.min)} ${num(h.max)}`,
    `Median/Sigma ${num(h.median)} ${num(h.sigma)}`,
    '',
    `rmin ${num(h.min)}`,
    `rmax ${num(h.max)}`,
    `delta ${num(h.binWidth)}`,
    `npix ${h.count}`,
    '',
    'Stretch Lookup',
  ];
  const lookup = s.lookup ?? analyticLookup(s);
  for (let k = 0; k < 256; k++) lines.push(`${k} ${num(lookup[k])}`);
  lines.push('', `${FILE_BINS} Histogram Bins`);
  for (let i = 0; i < FILE_BINS; i++) {
    const used = i < HISTOGRAM_BINS;
    const level = used ? h.min + h.binWidth * i : 0;
    const q = used ? normalQuantile(h.cumulative[i + 1] / h.count) : 0;
    lines.push(`${i} ${num(level)} ${used ? h.bins[i] : 0} ${used ? h.cumulative[i] : 0} ${num(q)}`);
  }
  return HEADER + lines.join('\n') + '\n';
}

/** What a histogram file fixes: the stretch and the statistics of the image it came from. */
export interface SavedStretch {
  stretch: ResolvedStretch;
  dataMin: number;
  dataMax: number;
  median: number;
  sigma: number;
}

const NAME_OF_TYPE: Record<MontageStretchType, StretchName> = { 0: 'power', 1: 'gaussian', 2: 'gaussian-log', 3: 'asinh' };

/**
 * Parse a histogram file (ours or Montage's). Only the header sections and the
 * stretch lookup are read; the bin lines are not needed to draw.
 * @throws MosaicError E_ARGUMENT naming the file when a section is missing or malformed.
 */
export function parseHistogramFile(text: string, file?: string): SavedStretch {
  const bad = (why: string) => new MosaicError('E_ARGUMENT', `not a histogram file: ${why}`, { stage: 'view', file });
  const lines = text.split(/\r?\n/);
  const fields = (label: string): number[] => {
    const line = lines.find((l) => l.startsWith(label + ' '));
    if (!line) throw bad(`no "${label}" line`);
    return line.slice(label.length).trim().split(/\s+/).map(Number);
  };
  const [type, extra] = fields('Type');
  if (![0, 1, 2, 3].includes(type)) throw bad(`unknown stretch type ${type}`);
  const [min, max] = fields('Value');
  const [dataMin, dataMax] = fields('Min/Max');
  const [median, sigma] = fields('Median/Sigma');
  const start = lines.findIndex((l) => l.trim() === 'Stretch Lookup');
  if (start < 0) throw bad('no "Stretch Lookup" section');
  const lookup = new Float64Array(256);
  for (let k = 0; k < 256; k++) {
    const parts = (lines[start + 1 + k] ?? '').trim().split(/\s+/);
    if (Number(parts[0]) !== k || parts.length < 2) throw bad(`stretch lookup line ${k} is missing`);
    lookup[k] = Number(parts[1]);
  }
  if (![min, max, dataMin, dataMax].every(Number.isFinite)) throw bad('non-numeric ranges');
  const montageType = type as MontageStretchType;
  const histogramKind = montageType === 1 || montageType === 2;
  let name = NAME_OF_TYPE[montageType];
  const logPower = montageType === 0 && Number.isInteger(extra) && extra >= 0 ? extra : 0;
  if (montageType === 0) name = (['linear', 'log', 'loglog'] as const)[logPower] ?? 'power';
  if (!STRETCH_NAMES.includes(name)) throw bad(`unknown stretch type ${type}`);
  return {
    stretch: {
      name,
      montageType,
      min,
      max: max > min ? max : min + 1,
      logPower,
      beta: montageType === 3 && Number.isFinite(extra) ? extra : 0,
      lookup: histogramKind ? lookup : undefined,
    },
    dataMin,
    dataMax,
    median,
    sigma,
  };
}
