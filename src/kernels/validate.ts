/**
 * Argument checks for the kernel dispatch API, with the same messages as the native
 * binding (after sharp: `Expected positive integer for srcWidth but received 1.5 of type
 * number`), so both backends fail identically. Deeper code trusts what passes here.
 */

type TypedName = 'Float32Array' | 'Float64Array' | 'Uint32Array' | 'Int32Array' | 'Uint8Array';
const CTORS = { Float32Array, Float64Array, Uint32Array, Int32Array, Uint8Array } as const;

function describe(v: unknown): string {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  }
  if (v === null) return 'null of type object';
  if (typeof v === 'object') return 'object of type object';
  return `${String(v)} of type ${typeof v}`;
}

/** TypeError unless `v` is one of the `allowed` typed arrays. */
export function expectTyped(v: unknown, name: string, allowed: readonly TypedName[]): void {
  if (!allowed.some((k) => v instanceof CTORS[k])) {
    throw new TypeError(`Expected ${allowed.join(' or ')} for ${name} but received ${describe(v)}`);
  }
}

/** RangeError unless `arr.length === expected`; `expr` is how the length is derived (`1025*1025`). */
export function expectLength(arr: ArrayLike<number>, name: string, expected: number, expr = String(expected)): void {
  if (arr.length !== expected) {
    const k = (arr as object).constructor.name;
    throw new RangeError(`Expected ${k} of length ${expr} for ${name} but received ${k} of length ${arr.length}`);
  }
}

/** An integer >= `min` (and < 2^31): TypeError for non-numbers, RangeError otherwise. */
export function expectSize(v: unknown, name: string, min: 0 | 1): number {
  const expected = min >= 1 ? 'positive integer' : 'non-negative integer';
  if (typeof v !== 'number') throw new TypeError(`Expected ${expected} for ${name} but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v >= 2 ** 31) {
    throw new RangeError(`Expected ${expected} for ${name} but received ${describe(v)}`);
  }
  return v;
}

/** A (possibly negative) integer below 2^31 in magnitude. */
export function expectInt(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`Expected integer for ${name} but received ${describe(v)}`);
  if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 31) throw new RangeError(`Expected integer for ${name} but received ${describe(v)}`);
  return v;
}

/** Any number (NaN allowed only where the kernel documents it). */
export function expectNumber(v: unknown, name: string, expected = 'number'): number {
  if (typeof v !== 'number') throw new TypeError(`Expected ${expected} for ${name} but received ${describe(v)}`);
  return v;
}

/** One of `choices`. */
export function expectChoice<T extends string>(v: unknown, name: string, choices: readonly T[]): T {
  const expected = `one of ${choices.join(', ')}`;
  if (typeof v !== 'string') throw new TypeError(`Expected ${expected} for ${name} but received ${describe(v)}`);
  if (!choices.includes(v as T)) throw new RangeError(`Expected ${expected} for ${name} but received ${describe(v)}`);
  return v as T;
}

/** Error when an output array shares memory with another argument (results would be garbage). */
export function expectDisjoint(outputs: Record<string, ArrayBufferView>, all: Record<string, ArrayBufferView>): void {
  for (const [oname, o] of Object.entries(outputs)) {
    if (o.byteLength === 0) continue;
    for (const [name, t] of Object.entries(all)) {
      if (name === oname || t.buffer !== o.buffer) continue;
      if (t.byteOffset < o.byteOffset + o.byteLength && o.byteOffset < t.byteOffset + t.byteLength) {
        throw new Error(`Expected ${oname} not to share memory with ${name}`);
      }
    }
  }
}
