/** Loads the WCSLIB reference values (data/fixtures/wcs/projections.json) and builds params. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProjectionParams } from '../../../src/wcs/projections/index.js';

export interface FixtureCase {
  code: string;
  pv: Record<string, number>;
  offset: [number, number] | null;
  phi0: number;
  theta0: number;
  x0: number;
  y0: number;
  s2x: { phi: number[]; theta: number[]; x: (number | null)[]; y: (number | null)[] };
  x2s: { x: number[]; y: number[]; phi: (number | null)[]; theta: (number | null)[] };
}

export interface Fixture {
  provenance: Record<string, string>;
  cases: FixtureCase[];
}

const path = fileURLToPath(new URL('../../../data/fixtures/wcs/projections.json', import.meta.url));

export function loadFixture(): Fixture {
  return JSON.parse(readFileSync(path, 'utf8')) as Fixture;
}

/** ProjectionParams from a plain map of latitude-axis PV values (and an optional offset fiducial point). */
export function paramsOf(pv: Record<string, number>, offset?: [number, number] | null): ProjectionParams {
  return {
    pv: (m) => pv[String(m)],
    pvLon: (m) => (offset ? [1, offset[0], offset[1]][m] : undefined),
  };
}

/** Short label for a case, e.g. `AZP PV2_1=2 PV2_2=30`. */
export function label(c: { code: string; pv: Record<string, number>; offset?: [number, number] | null }): string {
  const pv = Object.entries(c.pv).map(([m, v]) => `PV2_${m}=${v}`);
  const off = c.offset ? [`offset(${c.offset.join(',')})`] : [];
  return [c.code, ...pv, ...off].join(' ');
}
