/**
 * The interpolated corner mapping of `project` (SWarp-style checked grid) against the exact
 * transform: corners within 1e-4 input pixel, solid angles and reprojected values within
 * 1e-6 relative; refinement and the exact fallback where the mapping leaves a projection.
 */
import { describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { Wcs } from '../../src/wcs/wcs.js';
import { mapCorners, outputBoundingBox, projectArrays, type ProjectInput } from '../../src/stages/project.js';
import { interpolateCorners } from '../../src/stages/project-grid.js';
import { FrameConversion } from '../../src/wcs/frames.js';
import { nativeCornerMap, nativePixelSolidAngles } from '../../src/wcs/native.js';
import { native } from '../../src/native/load.js';

function header(cards: Record<string, string | number>): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(cards)) h.set(k, v);
  return h;
}

/** A seeded smooth-plus-noise image. */
function image(w: number, h: number, seed = 7): Float64Array {
  const d = new Float64Array(w * h);
  let s = seed;
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      s = (s * 16807) % 2147483647;
      d[i + w * j] = 100 + 20 * Math.sin(i / 17) * Math.cos(j / 23) + (s / 2147483647) * 5;
    }
  return d;
}

const TEMPLATE_TAN = header({
  NAXIS: 2, NAXIS1: 900, NAXIS2: 900, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN',
  CRVAL1: 83.8, CRVAL2: -5.4, CRPIX1: 450.5, CRPIX2: 450.5, CDELT1: -2 / 3600, CDELT2: 2 / 3600,
});

/** A 2MASS-like SIN frame, 1"/px, offset 0.12° from the template centre and slightly rotated. */
const INPUT_SIN = header({
  NAXIS: 2, NAXIS1: 256, NAXIS2: 512, CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN',
  CRVAL1: 83.93, CRVAL2: -5.31, CRPIX1: 128.5, CRPIX2: 256.5, CDELT1: -1 / 3600, CDELT2: 1 / 3600, CROTA2: 0.8,
});

/** A TAN-SIP frame with realistic second- and third-order distortion (a few pixels at the edges). */
const INPUT_SIP = header({
  NAXIS: 2, NAXIS1: 300, NAXIS2: 300, CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP',
  CRVAL1: 83.75, CRVAL2: -5.45, CRPIX1: 150.5, CRPIX2: 150.5,
  CD1_1: -3.3e-4, CD1_2: 1.2e-5, CD2_1: 1.1e-5, CD2_2: 3.3e-4,
  A_ORDER: 3, B_ORDER: 3, A_2_0: 2.1e-5, A_1_1: -1.3e-5, A_0_2: 8e-6, A_3_0: -1.5e-8, A_1_2: 1e-8,
  B_2_0: -9e-6, B_1_1: 1.8e-5, B_0_2: -2.2e-5, B_0_3: 1.2e-8, B_2_1: -7e-9,
});

/** An all-sky CAR template and a SIN input centred on the equator whose hemisphere it overruns. */
const ALL_SKY_CAR = header({
  NAXIS: 2, NAXIS1: 240, NAXIS2: 120, CTYPE1: 'RA---CAR', CTYPE2: 'DEC--CAR',
  CRVAL1: 0, CRVAL2: 0, CRPIX1: 120.5, CRPIX2: 60.5, CDELT1: -1.5, CDELT2: 1.5,
});
const HEMISPHERE_SIN = header({
  NAXIS: 2, NAXIS1: 200, NAXIS2: 200, CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN',
  CRVAL1: 0, CRVAL2: 0, CRPIX1: 100.5, CRPIX2: 100.5, CDELT1: -0.57, CDELT2: 0.57,
});

function inputFor(inHdr: Header, outHdr: Header, src: Float64Array): ProjectInput {
  return {
    src,
    srcWidth: inHdr.int('NAXIS1') ?? 0,
    srcHeight: inHdr.int('NAXIS2') ?? 0,
    inWcs: Wcs.fromHeader(inHdr),
    outWcs: Wcs.fromHeader(outHdr),
    outWidth: outHdr.int('NAXIS1') ?? 0,
    outHeight: outHdr.int('NAXIS2') ?? 0,
  };
}

/** Largest per-axis corner difference over corners finite in both (and whether NaNs agree). */
function compareCorners(input: ProjectInput, step = 16) {
  const box = outputBoundingBox(input);
  if (!box) throw new Error('no overlap');
  const exact = mapCorners(input, box, { mode: 'exact' });
  const grid = mapCorners(input, box, { step });
  let maxErr = 0;
  let nanMismatch = 0;
  for (let k = 0; k < exact.cornerX.length; k++) {
    const ex = exact.cornerX[k];
    const gx = grid.cornerX[k];
    if (Number.isNaN(ex) !== Number.isNaN(gx)) nanMismatch++;
    else if (!Number.isNaN(ex)) maxErr = Math.max(maxErr, Math.abs(ex - gx), Math.abs(exact.cornerY[k] - grid.cornerY[k]));
  }
  let maxAreaRel = 0;
  for (let k = 0; k < exact.solidAngle.length; k++) {
    const a = exact.solidAngle[k];
    if (Number.isFinite(a) && a > 0) maxAreaRel = Math.max(maxAreaRel, Math.abs(grid.solidAngle[k] - a) / a);
  }
  return { maxErr, nanMismatch, maxAreaRel, exactCount: grid.exactCount, total: exact.cornerX.length };
}

/**
 * Grid vs exact corners through the whole reprojection: the largest relative difference of
 * the values of fully covered pixels, and of the flux (value · area) of partly covered edge
 * pixels relative to a full pixel's (a sliver's mean moves a lot for a tiny corner shift).
 */
function compareProjection(input: ProjectInput) {
  const a = projectArrays({ ...input, corners: { mode: 'exact' } });
  const b = projectArrays(input);
  expect([b.x0, b.y0, b.width, b.height]).toEqual([a.x0, a.y0, a.width, a.height]);
  let full = 0;
  for (let k = 0; k < a.area.length; k++) full = Math.max(full, a.area[k]);
  let maxValueRel = 0;
  let maxEdgeFluxRel = 0;
  let maxAreaRel = 0;
  let blanksDiffer = 0;
  for (let k = 0; k < a.value.length; k++) {
    if (Number.isNaN(a.value[k]) !== Number.isNaN(b.value[k])) {
      blanksDiffer++;
      continue;
    }
    if (Number.isNaN(a.value[k])) continue;
    const ref = Math.abs(a.value[k]);
    if (a.area[k] > 0.999 * full) maxValueRel = Math.max(maxValueRel, Math.abs(b.value[k] - a.value[k]) / ref);
    else maxEdgeFluxRel = Math.max(maxEdgeFluxRel, Math.abs(b.value[k] * b.area[k] - a.value[k] * a.area[k]) / (ref * full));
    maxAreaRel = Math.max(maxAreaRel, Math.abs(b.area[k] - a.area[k]) / full);
  }
  return { maxValueRel, maxEdgeFluxRel, maxAreaRel, blanksDiffer };
}

describe('checked grid interpolation of output corners', () => {
  it('TAN template → SIN input: corners within 1e-4 px with few exact evaluations', () => {
    const input = inputFor(INPUT_SIN, TEMPLATE_TAN, image(256, 512));
    const r = compareCorners(input);
    expect(r.nanMismatch).toBe(0);
    expect(r.maxErr).toBeLessThanOrEqual(1e-4);
    expect(r.maxAreaRel).toBeLessThan(1e-7);
    // Nodes every 16 corners plus five checks per cell: a few percent of all corners.
    expect(r.exactCount / r.total).toBeLessThan(0.05);
  });

  it('distorted (TAN-SIP) input: corners within 1e-4 px', () => {
    const input = inputFor(INPUT_SIP, TEMPLATE_TAN, image(300, 300, 3));
    const r = compareCorners(input);
    expect(r.nanMismatch).toBe(0);
    expect(r.maxErr).toBeLessThanOrEqual(1e-4);
    expect(r.maxAreaRel).toBeLessThan(1e-7);
    expect(r.exactCount / r.total).toBeLessThan(0.1);
  });

  it('near a projection boundary: cells with off-projection corners fall back to exact', () => {
    // An all-sky CAR template and a SIN input centred on the equator: template corners more
    // than 90° from the SIN centre are off its hemisphere (NaN in the exact mapping).
    const pi = inputFor(HEMISPHERE_SIN, ALL_SKY_CAR, image(200, 200, 5));
    const r = compareCorners(pi);
    expect(r.nanMismatch).toBe(0);
    expect(r.maxErr).toBeLessThanOrEqual(1e-4);
    // 1.5° pixels: interpolated solid angles fail their check, so all are computed exactly.
    expect(r.maxAreaRel).toBeLessThan(1e-12);
    // Refinement happened: far more exact corners than the 16-step nodes and checks alone.
    const nodes = Math.ceil(241 / 16 + 1) * Math.ceil(121 / 16 + 1);
    expect(r.exactCount).toBeGreaterThan(4 * nodes);
  });

  it('reprojected values of covered pixels agree with the exact path to 1e-6 relative (SIN and SIP inputs)', () => {
    for (const [hdr, w, h] of [[INPUT_SIN, 256, 512], [INPUT_SIP, 300, 300]] as const) {
      const r = compareProjection(inputFor(hdr, TEMPLATE_TAN, image(w, h, 11)));
      expect(r.blanksDiffer).toBe(0);
      expect(r.maxValueRel).toBeLessThan(1e-6);
      // An edge pixel's covered fraction moves with its corners: by up to ~tolPx (1e-4) of a
      // pixel (seen: 1e-8 for SIN, 1e-5 for the strongly distorted SIP frame).
      expect(r.maxEdgeFluxRel).toBeLessThan(1e-4);
      expect(r.maxAreaRel).toBeLessThan(1e-4);
    }
  });

  it("project's coarser grid for undistorted inputs (step 32) stays within the same bounds (SIN)", () => {
    const r = compareProjection({ ...inputFor(INPUT_SIN, TEMPLATE_TAN, image(256, 512, 11)), corners: { step: 32 } });
    expect(r.blanksDiffer).toBe(0);
    expect(r.maxValueRel).toBeLessThan(1e-6);
    expect(r.maxEdgeFluxRel).toBeLessThan(1e-4);
    expect(r.maxAreaRel).toBeLessThan(1e-4);
  });

  it('a mapping that is exactly bilinear is interpolated with no refinement', () => {
    let calls = 0;
    const g = interpolateCorners(65, 33, (ci, cj, n, x, y) => {
      calls++;
      for (let k = 0; k < n; k++) {
        x[k] = 0.5 * ci[k] + 3;
        y[k] = 2 * cj[k] - 1 + 1e-3 * ci[k] * cj[k];
      }
    });
    expect(calls).toBe(2); // nodes, then one round of checks
    expect(g.cornerX[40 + 65 * 20]).toBeCloseTo(23, 12);
    expect(g.cornerY[40 + 65 * 20]).toBeCloseTo(39 + 0.8, 12);
  });

  it('rejects a bad step or tolerance with the standard message', () => {
    const noop = () => undefined;
    expect(() => interpolateCorners(10, 10, noop, { step: 1 })).toThrow('Expected integer >= 2 for step but received 1');
    expect(() => interpolateCorners(10, 10, noop, { tolPx: 0 })).toThrow('Expected positive number for tolPx but received 0');
  });
});

/** A galactic TAN template over the same field (the input's equatorial frame is a rotation away). */
const TEMPLATE_GAL = header({
  NAXIS: 2, NAXIS1: 900, NAXIS2: 900, CTYPE1: 'GLON-TAN', CTYPE2: 'GLAT-TAN',
  CRVAL1: 209.0, CRVAL2: -19.4, CRPIX1: 450.5, CRPIX2: 450.5, CDELT1: -2 / 3600, CDELT2: 2 / 3600,
});

describe.runIf(native?.wcsCornerGrid !== undefined)('the native corner grid (crates/mosaic-core/src/corner_grid.rs)', () => {
  /** The input with its native map, as `project` builds it. */
  function withNative(input: ProjectInput): ProjectInput {
    const [inWcs, outWcs] = [input.inWcs as Wcs, input.outWcs as Wcs];
    const conversion = new FrameConversion(outWcs.frame, inWcs.frame);
    const nativeMap = nativeCornerMap(outWcs, inWcs, conversion.rotation);
    expect(nativeMap).toBeDefined();
    return { ...input, nativeMap, outToIn: conversion.identity ? undefined : (lon, lat) => conversion.convertMany(lon, lat, lon, lat) };
  }

  it.each([
    ['TAN → SIN', INPUT_SIN, TEMPLATE_TAN, 16],
    ['TAN → SIN, step 32', INPUT_SIN, TEMPLATE_TAN, 32],
    ['TAN → TAN-SIP', INPUT_SIP, TEMPLATE_TAN, 16],
    ['galactic TAN → equatorial SIN (frame rotation)', INPUT_SIN, TEMPLATE_GAL, 32],
  ] as const)('%s: the same cells as the TypeScript, corners within 1e-9 px of it and 1e-4 px of exact', (_name, inHdr, outHdr, step) => {
    const ts = withNative(inputFor(inHdr, outHdr, image(inHdr.int('NAXIS1')!, inHdr.int('NAXIS2')!)));
    const box = outputBoundingBox(ts)!;
    expect(box).not.toBeNull();
    const tsGrid = mapCorners({ ...ts, nativeMap: undefined }, box, { step });
    const nat = mapCorners(ts, box, { step });
    const exact = mapCorners(ts, box, { mode: 'exact' });
    expect(nat.exactCount).toBe(tsGrid.exactCount);
    let vsTs = 0;
    let vsExact = 0;
    for (let k = 0; k < nat.cornerX.length; k++) {
      vsTs = Math.max(vsTs, Math.abs(nat.cornerX[k] - tsGrid.cornerX[k]), Math.abs(nat.cornerY[k] - tsGrid.cornerY[k]));
      vsExact = Math.max(vsExact, Math.abs(nat.cornerX[k] - exact.cornerX[k]), Math.abs(nat.cornerY[k] - exact.cornerY[k]));
    }
    expect(vsTs).toBeLessThan(1e-9);
    expect(vsExact).toBeLessThanOrEqual(1e-4);
    expect(Array.from(nat.solidAngle)).toEqual(Array.from(tsGrid.solidAngle));
  });

  it('off-projection corners stay NaN, as in the TypeScript', () => {
    const pi = withNative(inputFor(HEMISPHERE_SIN, ALL_SKY_CAR, image(200, 200, 5)));
    const box = outputBoundingBox(pi)!;
    const nat = mapCorners(pi, box);
    const tsGrid = mapCorners({ ...pi, nativeMap: undefined }, box);
    let nanDiffer = 0;
    for (let k = 0; k < nat.cornerX.length; k++) if (Number.isNaN(nat.cornerX[k]) !== Number.isNaN(tsGrid.cornerX[k])) nanDiffer++;
    expect(nanDiffer).toBe(0);
    expect(nat.exactCount).toBe(tsGrid.exactCount);
  });
});

describe.runIf(native?.wcsPixelSolidAngles !== undefined)('native pixel solid angles (crates/mosaic-core/src/solid_angle.rs)', () => {
  /** The TypeScript formula: half the norm of the cross product of the pixel's diagonals on the unit sphere. */
  function tsSolidAngle(wcs: Wcs, x: number, y: number): number {
    const sky = wcs.pixToSkyMany(Float64Array.of(x, x + 1, x, x + 1), Float64Array.of(y, y, y + 1, y + 1));
    const u = [0, 1, 2, 3].map((k) => {
      const [lo, la] = [(sky.lon[k] * Math.PI) / 180, (sky.lat[k] * Math.PI) / 180];
      return [Math.cos(la) * Math.cos(lo), Math.cos(la) * Math.sin(lo), Math.sin(la)];
    });
    const d1 = [0, 1, 2].map((c) => u[3][c] - u[0][c]);
    const d2 = [0, 1, 2].map((c) => u[2][c] - u[1][c]);
    const cr = [d1[1] * d2[2] - d1[2] * d2[1], d1[2] * d2[0] - d1[0] * d2[2], d1[0] * d2[1] - d1[1] * d2[0]];
    return 0.5 * Math.hypot(...cr);
  }

  it.each([['TAN, 2″ pixels', TEMPLATE_TAN], ['all-sky CAR, 1.5° pixels', ALL_SKY_CAR]] as const)('%s: as the TypeScript formula to 1e-9 relative', (_name, hdr) => {
    const wcs = Wcs.fromHeader(hdr);
    const pixels = Int32Array.of(0, 0, 17, 3, 100, 50, 119, 59, 3, 110);
    const out = nativePixelSolidAngles(wcs, 5, 2, pixels)!;
    expect(out.length).toBe(5);
    for (let k = 0; k < 5; k++) {
      const ref = tsSolidAngle(wcs, 5 + pixels[2 * k] + 0.5, 2 + pixels[2 * k + 1] + 0.5);
      if (Number.isNaN(ref)) expect(out[k]).toBeNaN();
      else expect(Math.abs(out[k] - ref) / ref).toBeLessThan(1e-9);
    }
  });
});
