/** Test helpers: seeded PRNG and the vector comparison rule of SPEC §0/§12. */

/** mulberry32: tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi] inclusive. */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

export function shuffle<T>(rng: () => number, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Output fields that are integer counts and must match exactly (SPEC §0 "Tolerance"). */
export const INTEGER_KEYS = new Set([
  'tp',
  'fp',
  'fn',
  'errors',
  'ref_words',
  'hyp_words',
  'n_tokens',
  'n_slices',
  'n_units_used',
  'n_units_total',
  'n_units',
  'raters_per_unit',
  'n_pairable',
  'matches',
]);

/**
 * Compares an `expected` object with an actual result: every expected key must be present;
 * numbers within `tol` (integer-count fields exactly), null must be null, arrays element-wise.
 * Returns a list of mismatch descriptions (empty = equal).
 */
export function compareExpected(
  expected: unknown,
  actual: unknown,
  tol: number,
  path = '',
  exactInts = false,
): string[] {
  if (expected === null) return actual === null ? [] : [`${path}: expected null, got ${JSON.stringify(actual)}`];
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || Number.isNaN(actual))
      return [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
    if (exactInts && Number.isInteger(expected))
      return actual === expected ? [] : [`${path}: expected exactly ${expected}, got ${actual}`];
    return Math.abs(actual - expected) <= tol
      ? []
      : [`${path}: expected ${expected}, got ${actual} (|Δ| = ${Math.abs(actual - expected)})`];
  }
  if (typeof expected === 'string' || typeof expected === 'boolean') {
    return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected length ${expected.length}, got ${actual.length}`];
    return expected.flatMap((e, i) => compareExpected(e, actual[i], tol, `${path}[${i}]`, exactInts));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    const act = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, e]) => {
      if (!(k in act)) return [`${path}.${k}: missing`];
      return compareExpected(e, act[k], tol, `${path}.${k}`, exactInts || INTEGER_KEYS.has(k));
    });
  }
  return [`${path}: unsupported expected value ${JSON.stringify(expected)}`];
}
