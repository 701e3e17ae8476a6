/**
 * Exact-rational helpers on BigInt, used where intermediate integers can exceed 2^53
 * (unitizing α sums cubes of lengths in ticks; SPEC §5).
 */

/** Absolute value of a bigint. */
function babs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/**
 * num/den as the nearest double (one rounding for each operand plus the division). Operands
 * larger than the double range are shifted down together first, which keeps ~900 bits.
 */
export function bigRatio(num: bigint, den: bigint): number {
  if (den === 0n) return num === 0n ? Number.NaN : num > 0n ? Infinity : -Infinity;
  const bits = Math.max(babs(num).toString(2).length, babs(den).toString(2).length);
  const excess = bits - 900;
  if (excess > 0) {
    const s = BigInt(excess);
    num /= 1n << s;
    den /= 1n << s;
  }
  return Number(num) / Number(den);
}

/** Greatest common divisor (non-negative). */
export function gcd(a: bigint, b: bigint): bigint {
  a = babs(a);
  b = babs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A reduced fraction with positive denominator. */
export interface Fraction {
  readonly n: bigint;
  readonly d: bigint;
}

export function frac(n: bigint, d: bigint): Fraction {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export function fadd(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function fcmp(a: Fraction, b: Fraction): number {
  const x = a.n * b.d;
  const y = b.n * a.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function toNumber(f: Fraction): number {
  return bigRatio(f.n, f.d);
}
