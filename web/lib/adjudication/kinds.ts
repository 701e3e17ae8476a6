/** Names and colours of the disagreement kinds (strip, list, legend). */
import type { DisagreementKind } from '$shared/adjudication/index.ts';

export const KIND_NAMES: Record<DisagreementKind, string> = {
  label: 'Label disagreement',
  boundary: 'Boundary disagreement',
  missing: 'Missing in some layers',
};

export const KIND_COLORS: Record<DisagreementKind, string> = {
  label: '#f0776c',
  boundary: '#f0b35a',
  missing: '#7fb1f0',
};

/** Index of the next (dir 1) or previous (-1) disagreement after/before the current one or time `t`. */
export function stepIndex(
  list: readonly { key: string; start: number }[],
  current: string | null,
  t: number,
  dir: 1 | -1,
): number {
  if (list.length === 0) return -1;
  const at = current === null ? -1 : list.findIndex((d) => d.key === current);
  if (at >= 0) return (at + dir + list.length) % list.length;
  if (dir === 1) {
    const i = list.findIndex((d) => d.start > t + 1e-9);
    return i >= 0 ? i : 0;
  }
  for (let i = list.length - 1; i >= 0; i--) if (list[i].start < t - 1e-9) return i;
  return list.length - 1;
}
