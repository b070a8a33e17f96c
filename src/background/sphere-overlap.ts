/**
 * Do two image footprints on the sky overlap? Montage's quick-mode overlap test
 * (mOverlaps, Caltech-IPAC/Montage `MontageLib/Overlaps/montageOverlaps.c`): each image is
 * the spherical quadrilateral whose sides are great-circle arcs between its four corners;
 * two images overlap when a corner of one lies inside the other (boundary included) or when
 * two sides cross. Exact for projections whose straight lines are great circles (TAN, the
 * usual mosaic grid) and a close approximation for any small image.
 */

/** A unit vector on the celestial sphere. */
export type Vec3 = readonly [number, number, number];

/** An image's outline on the sky. */
export interface SkyFootprint {
  /** The four corners (outer pixel edges), degrees, in order around the image (either sense). */
  cornersDeg: ReadonlyArray<{ lonDeg: number; latDeg: number }>;
  /** A point inside the image (its centre), degrees; fixes the orientation of the outline. */
  centerDeg: { lonDeg: number; latDeg: number };
}

/** A footprint prepared for repeated tests: corners, inward side normals, bounding radius. */
export interface PreparedFootprint {
  corners: Vec3[];
  /** normals[i] points inward across the side corners[i] → corners[i+1]. */
  normals: Vec3[];
  center: Vec3;
  /** Largest corner distance from the centre, radians. */
  radius: number;
}

const DEG = Math.PI / 180;

/** Unit vector of (lon, lat) in degrees. */
export function unitVector(lonDeg: number, latDeg: number): Vec3 {
  const cl = Math.cos(latDeg * DEG);
  return [cl * Math.cos(lonDeg * DEG), cl * Math.sin(lonDeg * DEG), Math.sin(latDeg * DEG)];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function angle(a: Vec3, b: Vec3): number {
  return Math.atan2(Math.hypot(...cross(a, b)), dot(a, b));
}

/** Corners as unit vectors, ordered so that every side normal points towards the centre. */
export function prepareFootprint(fp: SkyFootprint): PreparedFootprint {
  let corners = fp.cornersDeg.map((c) => unitVector(c.lonDeg, c.latDeg));
  const center = unitVector(fp.centerDeg.lonDeg, fp.centerDeg.latDeg);
  const normalsOf = (cs: Vec3[]) => cs.map((c, i) => cross(c, cs[(i + 1) % cs.length]));
  let normals = normalsOf(corners);
  // Montage picks the order from the signs of CDELT; testing against the centre works for any WCS.
  if (normals.reduce((s, n) => s + Math.sign(dot(n, center)), 0) < 0) {
    corners = [...corners].reverse();
    normals = normalsOf(corners);
  }
  const radius = Math.max(...corners.map((c) => angle(c, center)));
  return { corners, normals, center, radius };
}

/** Relative tolerance on the inside tests (corners exactly on a shared edge count as inside, as in Montage). */
const EPS = 1e-12;

function inside(p: Vec3, fp: PreparedFootprint): boolean {
  return fp.normals.every((n) => dot(n, p) >= -EPS * Math.hypot(...n));
}

/** True when the point x (on the great circle of a→b, normal n) lies on the minor arc a→b. */
function onArc(x: Vec3, a: Vec3, b: Vec3, n: Vec3): boolean {
  const tol = -EPS * dot(n, n);
  return dot(cross(a, x), n) >= tol && dot(cross(x, b), n) >= tol;
}

/** Do the great-circle arcs a1→a2 and b1→b2 cross (a touching end point counts)? Collinear arcs do not. */
function arcsCross(a1: Vec3, a2: Vec3, na: Vec3, b1: Vec3, b2: Vec3, nb: Vec3): boolean {
  const x = cross(na, nb);
  const len = Math.hypot(...x);
  if (len <= 1e-15 * Math.hypot(...na) * Math.hypot(...nb)) return false;
  for (const s of [1, -1]) {
    const p: Vec3 = [(s * x[0]) / len, (s * x[1]) / len, (s * x[2]) / len];
    if (onArc(p, a1, a2, na) && onArc(p, b1, b2, nb)) return true;
  }
  return false;
}

/** Montage's quick overlap test between two prepared footprints. */
export function footprintsOverlap(a: PreparedFootprint, b: PreparedFootprint): boolean {
  if (angle(a.center, b.center) > a.radius + b.radius) return false;
  if (a.corners.some((c) => inside(c, b))) return true;
  if (b.corners.some((c) => inside(c, a))) return true;
  const na = a.corners.length;
  const nb = b.corners.length;
  for (let i = 0; i < na; i++) {
    const a1 = a.corners[i];
    const a2 = a.corners[(i + 1) % na];
    for (let j = 0; j < nb; j++) {
      if (arcsCross(a1, a2, a.normals[i], b.corners[j], b.corners[(j + 1) % nb], b.normals[j])) return true;
    }
  }
  return false;
}
