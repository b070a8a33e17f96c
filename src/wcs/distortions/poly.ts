/** Dense bivariate polynomials sum c[p][q] u^p v^q, evaluated by nested Horner. */

/** A bivariate polynomial of total order ≤ `order`; `c[p * (order + 1) + q]` multiplies u^p v^q. */
export interface Poly2 {
  order: number;
  c: Float64Array;
}

/** Value of the polynomial at (u, v). */
export function evalPoly2(poly: Poly2, u: number, v: number): number {
  const n = poly.order + 1;
  const c = poly.c;
  let sum = 0;
  for (let p = poly.order; p >= 0; p--) {
    let inner = 0;
    for (let q = poly.order - p; q >= 0; q--) inner = inner * v + c[p * n + q];
    sum = sum * u + inner;
  }
  return sum;
}
