/**
 * The spherical rotation between native (phi, theta) and celestial (lon, lat) coordinates.
 *
 * Reference: Calabretta & Greisen 2002, A&A 395, 1077 (Paper II), §2.3–2.4, eqs. (2)–(8) and
 * the LONPOLE/LATPOLE rules of §2.4; the special cases (fiducial point at the native pole,
 * two solutions for the pole latitude, the celestial pole at the fiducial point) follow
 * wcslib's celset/sphx2s/sphs2x so that results agree with wcslib to rounding.
 */
import { MosaicError } from '../errors.js';
import { acosd, asind, atan2d, cosd, sind } from './trig.js';

/**
 * Euler angles of the rotation: alpha_p, 90 - delta_p, phi_p (degrees) and
 * cos/sin of the second, as wcslib's `euler[5]`.
 */
export interface EulerAngles {
  /** Celestial longitude of the native pole, degrees. */
  lonPole: number;
  /** 90° − celestial latitude of the native pole, degrees. */
  colatPole: number;
  /** Native longitude of the celestial pole (LONPOLE), degrees. */
  phiPole: number;
  cosColat: number;
  sinColat: number;
  /** Celestial latitude of the native pole (the effective LATPOLE), degrees. */
  latPole: number;
}

/** Inputs of {@link eulerFromFiducial}: reference values of Paper II §2.4. */
export interface FiducialSpec {
  /** CRVAL of the longitude and latitude axes, degrees. */
  lon0: number;
  lat0: number;
  /** Native coordinates of the fiducial point, degrees (from the projection). */
  phi0: number;
  theta0: number;
  /** LONPOLE, degrees; undefined → the Paper II default. */
  lonpole?: number;
  /** LATPOLE, degrees; undefined → 90. */
  latpole?: number;
}

const TOL = 1e-10;

function wrap180(a: number): number {
  return a > 180 ? a - 360 : a < -180 ? a + 360 : a;
}

/**
 * Celestial coordinates of the native pole from the fiducial point (Paper II eqs. 8–10).
 * @throws MosaicError E_WCS_KEYWORD when CRVAL/LONPOLE/LATPOLE admit no rotation.
 */
export function eulerFromFiducial(spec: FiducialSpec): EulerAngles {
  const { lon0, lat0, phi0 } = spec;
  let theta0 = spec.theta0;
  if (Math.abs(theta0) > 90) theta0 = theta0 > 0 ? 90 : -90;
  let phip = spec.lonpole;
  if (phip === undefined || phip === 999) {
    phip = wrap180((lat0 < theta0 ? 180 : 0) + phi0);
  }
  let latp = spec.latpole ?? 90;
  let lngp: number;
  if (theta0 === 90) {
    lngp = lon0;
    latp = lat0;
  } else {
    const slat0 = sind(lat0);
    const clat0 = cosd(lat0);
    const sthe0 = sind(theta0);
    const cthe0 = cosd(theta0);
    let sphip: number;
    let u = 0;
    let v = 0;
    let onlyLatpole = false;
    if (phip === phi0) {
      sphip = 0;
      u = theta0;
      v = 90 - lat0;
    } else {
      sphip = sind(phip - phi0);
      const cphip = cosd(phip - phi0);
      const x = cthe0 * cphip;
      const y = sthe0;
      const z = Math.sqrt(x * x + y * y);
      if (z === 0) {
        if (slat0 !== 0) {
          throw new MosaicError('E_WCS_KEYWORD', 'CRVAL: latitude 0 is required when |LONPOLE - phi0| = 90 and theta0 = 0');
        }
        onlyLatpole = true;
        latp = Math.max(-90, Math.min(90, latp));
      } else {
        let slz = slat0 / z;
        if (Math.abs(slz) > 1) {
          if (Math.abs(slz) - 1 < TOL) slz = slz > 0 ? 1 : -1;
          else {
            throw new MosaicError(
              'E_WCS_KEYWORD',
              `LONPOLE: |CRVAL latitude| must be <= ${asind(z).toFixed(3)} for LONPOLE ${phip} and this projection`,
            );
          }
        }
        u = atan2d(y, x);
        v = acosd(slz);
      }
    }
    if (!onlyLatpole) {
      const latp1 = wrap180(u + v);
      const latp2 = wrap180(u - v);
      if (Math.abs(latp - latp1) < Math.abs(latp - latp2)) {
        latp = Math.abs(latp1) < 90 + TOL ? latp1 : latp2;
      } else {
        latp = Math.abs(latp2) < 90 + TOL ? latp2 : latp1;
      }
      if (Math.abs(latp) < 90 + TOL) latp = Math.max(-90, Math.min(90, latp));
    }
    const z = cosd(latp) * clat0;
    if (Math.abs(z) < TOL) {
      if (Math.abs(clat0) < TOL) lngp = lon0;
      else if (latp > 0) lngp = lon0 + phip - phi0 - 180;
      else lngp = lon0 - phip + phi0;
    } else {
      const x = (sthe0 - sind(latp) * slat0) / z;
      const y = (sphip * cthe0) / clat0;
      lngp = lon0 - atan2d(y, x);
    }
    if (lon0 >= 0) {
      if (lngp < 0) lngp += 360;
      else if (lngp > 360) lngp -= 360;
    } else {
      if (lngp > 0) lngp -= 360;
      else if (lngp < -360) lngp += 360;
    }
  }
  if (Math.abs(latp) > 90 + TOL) {
    throw new MosaicError('E_WCS_KEYWORD', 'LATPOLE: no valid celestial pole latitude for these CRVAL/LONPOLE values');
  }
  const colat = 90 - latp;
  return { lonPole: lngp, colatPole: colat, phiPole: phip, cosColat: cosd(colat), sinColat: sind(colat), latPole: latp };
}

/** wcslib's output convention, before our final [0, 360) normalisation. */
function normCelLon(lon: number, ref: number): number {
  if (ref >= 0) {
    if (lon < 0) lon += 360;
  } else if (lon > 0) lon -= 360;
  if (lon > 360) lon -= 360;
  else if (lon < -360) lon += 360;
  return lon;
}

/**
 * Native (phi, theta) → celestial (lon, lat), degrees, in place-safe: outputs may alias inputs.
 * NaN inputs give NaN outputs.
 */
export function nativeToCelestial(
  e: EulerAngles,
  phi: Float64Array,
  theta: Float64Array,
  lon: Float64Array,
  lat: Float64Array,
  n = phi.length,
): void {
  const { lonPole, colatPole, phiPole, cosColat, sinColat } = e;
  if (sinColat === 0) {
    // Pure change of longitude origin (with a pole flip when colat = 180).
    const flip = colatPole !== 0;
    const dlng = flip ? (lonPole + phiPole) % 360 : (lonPole + 180 - phiPole) % 360;
    for (let i = 0; i < n; i++) {
      const t = theta[i];
      lon[i] = normCelLon(flip ? dlng - phi[i] : phi[i] + dlng, lonPole);
      lat[i] = flip ? -t : t;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const t = theta[i];
    const dphi = phi[i] - phiPole;
    const sinthe = sind(t);
    const costhe = cosd(t);
    const sinphi = sind(dphi);
    const cosphi = cosd(dphi);
    let x = sinthe * sinColat - costhe * cosColat * cosphi;
    if (Math.abs(x) < TOL) x = -cosd(t + colatPole) + costhe * cosColat * (1 - cosphi);
    const y = -costhe * sinphi;
    let dlng: number;
    if (x !== 0 || y !== 0) dlng = atan2d(y, x);
    else dlng = colatPole < 90 ? dphi + 180 : -dphi;
    let la: number;
    if (dphi % 180 === 0) {
      la = t + cosphi * colatPole;
      if (la > 90) la = 180 - la;
      if (la < -90) la = -180 - la;
    } else {
      const z = sinthe * cosColat + costhe * sinColat * cosphi;
      la = Math.abs(z) > 0.99 ? Math.sign(z) * acosd(Math.sqrt(x * x + y * y)) : asind(z);
    }
    lon[i] = normCelLon(lonPole + dlng, lonPole);
    lat[i] = la;
  }
}

/**
 * Celestial (lon, lat) → native (phi, theta), degrees; phi in [-180, 180]. Outputs may alias inputs.
 */
export function celestialToNative(
  e: EulerAngles,
  lon: Float64Array,
  lat: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  n = lon.length,
): void {
  const { lonPole, colatPole, phiPole, cosColat, sinColat } = e;
  if (sinColat === 0) {
    const flip = colatPole !== 0;
    const dphi = flip ? (phiPole + lonPole) % 360 : (phiPole - 180 - lonPole) % 360;
    for (let i = 0; i < n; i++) {
      const la = lat[i];
      let p = flip ? (dphi - lon[i]) % 360 : (lon[i] + dphi) % 360;
      if (p > 180) p -= 360;
      else if (p < -180) p += 360;
      phi[i] = p;
      theta[i] = flip ? -la : la;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const la = lat[i];
    const dlng = lon[i] - lonPole;
    const sinlat = sind(la);
    const coslat = cosd(la);
    const sinlng = sind(dlng);
    const coslng = cosd(dlng);
    let x = sinlat * sinColat - coslat * cosColat * coslng;
    if (Math.abs(x) < TOL) x = -cosd(la + colatPole) + coslat * cosColat * (1 - coslng);
    const y = -coslat * sinlng;
    let dphi: number;
    if (x !== 0 || y !== 0) dphi = atan2d(y, x);
    else dphi = colatPole < 90 ? dlng - 180 : -dlng;
    let p = (phiPole + dphi) % 360;
    if (p > 180) p -= 360;
    else if (p < -180) p += 360;
    let th: number;
    if (dlng % 180 === 0) {
      th = la + coslng * colatPole;
      if (th > 90) th = 180 - th;
      if (th < -90) th = -180 - th;
    } else {
      const z = sinlat * cosColat + coslat * sinColat * coslng;
      th = Math.abs(z) > 0.99 ? Math.sign(z) * acosd(Math.sqrt(x * x + y * y)) : asind(z);
    }
    phi[i] = p;
    theta[i] = th;
  }
}
