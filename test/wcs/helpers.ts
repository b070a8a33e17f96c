/** Test helpers for the WCS tests: headers from card lists and raw header text, fixture loading. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCard } from '../../src/fits/cards.js';
import { Header } from '../../src/fits/header.js';
import { repoDir } from '../helpers/shared.js';

/** A Header from 80-character card images (END and anything after it ignored). */
export function headerFromCards(cards: string[]): Header {
  const out = [];
  for (const c of cards) {
    if (/^END\s*$/.test(c)) break;
    out.push(parseCard(c.padEnd(80)).card);
  }
  return new Header(out);
}

/** A Header from raw header text: 80-character cards without newlines, or one card per line. */
export function headerFromText(text: string): Header {
  const cards: string[] = [];
  if (/\n/.test(text.trimEnd())) cards.push(...text.split(/\r?\n/));
  else for (let i = 0; i < text.length; i += 80) cards.push(text.slice(i, i + 80));
  return headerFromCards(cards);
}

/** A Header from `KEY: value` pairs (numbers and strings), for hand-written test cases. */
export function headerFrom(values: Record<string, string | number | boolean>): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(values)) h.set(k, v);
  return h;
}

/** One reference file written by scripts/fixtures/wcs-fixtures.py. */
export interface WcsFixture {
  name: string;
  source: string;
  celestial: boolean;
  distorted?: boolean;
  ctype?: string[];
  cards: string[];
  pix?: Array<[number, number]>;
  world?: Array<[number | null, number | null]>;
  sky?: Array<[number, number]>;
  skyPix?: Array<[number | null, number | null]>;
  provenance: Record<string, string>;
}

export const fixtureDir = resolve(repoDir, 'data', 'fixtures', 'wcs');

/** All WCS reference fixtures (sorted by name). */
export function loadFixtures(): WcsFixture[] {
  return readdirSync(fixtureDir)
    .filter((f) => f.startsWith('wcs-') && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(resolve(fixtureDir, f), 'utf8')) as WcsFixture);
}

/** Difference of two longitudes, degrees, in (-180, 180]. */
export function lonDiff(a: number, b: number): number {
  let d = (a - b) % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}
