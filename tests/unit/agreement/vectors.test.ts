/**
 * Runs every case of the vector file through computeAgreement (SPEC §12).
 * Default: tests/fixtures/agreement/vectors-public.json, a copy of the team kit's
 * ../shared/agreement/vectors-public.json (a clean clone may not sit beside the kit); override with the
 * AGREEMENT_VECTORS environment variable to run hidden vector files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeAgreement } from '../../../shared/agreement/index.ts';
import { compareExpected } from './helpers.ts';

interface VectorCase {
  id: string;
  metric: string;
  params: Record<string, unknown>;
  input: unknown;
  expected: Record<string, unknown>;
  tolerance?: number;
}

interface VectorFile {
  default_tolerance_abs: number;
  count?: number;
  cases: VectorCase[];
}

const path =
  process.env.AGREEMENT_VECTORS ??
  fileURLToPath(new URL('../../fixtures/agreement/vectors-public.json', import.meta.url));
const file = JSON.parse(readFileSync(path, 'utf8')) as VectorFile;

describe(`agreement vectors (${path})`, () => {
  it('file is well formed', () => {
    expect(file.cases.length).toBeGreaterThan(0);
    if (file.count !== undefined) expect(file.cases.length).toBe(file.count);
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length);
  });

  it.each(file.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const tol = c.tolerance ?? file.default_tolerance_abs;
    const actual = computeAgreement(c.metric, c.params, c.input);
    // `expected_informative` is deliberately not compared (tie-dependent; SPEC §0).
    expect(compareExpected(c.expected, actual, tol, c.id)).toEqual([]);
  });
});
