/**
 * Display-range strings, as Montage's mViewer and mHistogram accept them, and their
 * resolution to data values.
 *
 * Reference: Montage 6.0 `MontageLib/Viewer/montageViewer.c` (`mViewer_parseRange`,
 * `mViewer_getRange`) and the mViewer documentation ("min/max can be given as data
 * values, percentiles (`99.5%`), or sigma levels relative to the median (`-1s`)").
 *
 * Grammar (whitespace allowed between the parts):
 *   [+|-] NUMBER [ % | s | S ] [ (+|-) NUMBER ]     e.g. `1234.5`, `99.5%`, `-1s`, `2s+10`
 *   min | max | med          [ (+|-) NUMBER ]       0th, 100th and 50th percentile
 * The optional trailing term is an offset in data units added after resolution.
 */
import { MosaicError } from '../errors.js';
import type { ImageHistogram } from './histogram.js';
import { percentileLevel } from './histogram.js';

/** What a range string's leading term measures. */
export type RangeKind = 'value' | 'percentile' | 'sigma';

/** A parsed range string: `resolve = level(kind, amount) + offset`. */
export interface RangeSpec {
  kind: RangeKind;
  /** Data value, percentile (0–100) or number of sigmas, per `kind`. */
  amount: number;
  /** Trailing offset in data units (`max-100` → −100). */
  offset: number;
  /** The string as the user wrote it, for messages. */
  text: string;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

function rangeError(text: string, what: string, why: string): MosaicError {
  return new MosaicError('E_ARGUMENT', `${what} "${text}" ${why}`, { stage: 'view' });
}

/**
 * Parse a display-range string (see the module comment for the grammar).
 *
 * @param text e.g. `"-1s"`, `"99.5%"`, `"min"`, `"max"`, `"med"`, `"1234.5"`, `"max-100"`.
 * @param what  names the argument in messages (`display min`, `asinh beta`).
 * @throws MosaicError E_ARGUMENT for anything else (unknown word, trailing junk,
 *   percentile outside 0–100).
 * @example parseRange('-1s') // { kind: 'sigma', amount: -1, offset: 0, text: '-1s' }
 */
export function parseRange(text: string, what = 'display range'): RangeSpec {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1).trimStart();
  }
  let kind: RangeKind;
  let amount: number;
  const num = NUMBER.exec(s);
  if (num) {
    amount = sign * Number(num[0]);
    s = s.slice(num[0].length).trimStart();
    if (s.startsWith('%')) {
      if (amount < 0) throw rangeError(text, what, 'is a negative percentile');
      if (amount > 100) throw rangeError(text, what, 'is a percentile larger than 100');
      kind = 'percentile';
      s = s.slice(1);
    } else if (s.startsWith('s') || s.startsWith('S')) {
      kind = 'sigma';
      s = s.slice(1);
    } else if (s === '' || s.startsWith('+') || s.startsWith('-')) {
      kind = 'value';
    } else {
      throw rangeError(text, what, 'is not a number, percentile (N%), sigma level (Ns), min, max or med');
    }
  } else {
    const word = s.slice(0, 3);
    const percent = word === 'min' ? 0 : word === 'max' ? 100 : word === 'med' ? 50 : undefined;
    if (percent === undefined)
      throw rangeError(text, what, 'is not a number, percentile (N%), sigma level (Ns), min, max or med');
    kind = 'percentile';
    amount = percent;
    s = s.slice(3);
  }
  let offset = 0;
  s = s.trimStart();
  if (s.startsWith('+') || s.startsWith('-')) {
    const offsetSign = s[0] === '-' ? -1 : 1;
    s = s.slice(1).trimStart();
    const extra = NUMBER.exec(s);
    if (!extra) throw rangeError(text, what, 'has trailing junk');
    offset = offsetSign * Number(extra[0]);
    s = s.slice(extra[0].length);
  }
  if (s.trim() !== '') throw rangeError(text, what, 'has trailing junk');
  return { kind, amount, offset, text };
}

/**
 * The data value a range spec stands for in one image. Percentiles interpolate in
 * the 199 999-bin histogram; sigma levels are `median + n·σ` with the robust
 * σ = (P84 − P16)/2 (half the 16th–84th percentile spread, as Montage does).
 */
export function resolveRange(spec: RangeSpec, h: ImageHistogram): number {
  switch (spec.kind) {
    case 'value':
      return spec.amount + spec.offset;
    case 'percentile':
      return percentileLevel(h, spec.amount) + spec.offset;
    case 'sigma':
      return h.median + spec.amount * h.sigma + spec.offset;
  }
}
