/**
 * HTTP Range parsing per RFC 9110 §14.
 *
 * Outcomes:
 * - `ignore`: no header, another unit, or a syntactically invalid header (including a range whose
 *   last-pos precedes its first-pos) → serve 200 with the whole file; §14.2 lets a server ignore
 *   Range, and ignoring a header we cannot understand is the required reaction to invalid syntax.
 * - `unsatisfiable`: valid syntax but no range overlaps the file → 416 with `bytes *\/size`.
 * - `range`: one inclusive byte range → 206.
 *
 * Several ranges: we do not generate multipart/byteranges (no browser media element asks for
 * them). Satisfiable ranges are coalesced when they overlap or are separated by gaps smaller than
 * a multipart part header would cost (§15.3.7.2 allows this); if they cannot be merged into one,
 * the header is ignored and the full representation sent (§14.2) — never only the first range,
 * which would silently drop what the client asked for.
 */
export type RangeResult =
  { type: 'ignore' } | { type: 'unsatisfiable' } | { type: 'range'; start: number; end: number };

/** Below this gap, sending the bytes in between is cheaper than a multipart boundary. */
export const COALESCE_GAP = 80;

const SPEC = /^(\d*)-(\d*)$/;

/** Parses a Range header against a representation of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { type: 'ignore' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { type: 'ignore' };

  const satisfiable: { start: number; end: number }[] = [];
  let specs = 0;
  for (const raw of header.slice(eq + 1).split(',')) {
    const part = raw.trim();
    if (part === '') continue; // list syntax tolerates empty elements (§5.6.1)
    const m = SPEC.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) return { type: 'ignore' };
    specs++;
    if (m[1] === '') {
      // suffix-range: the last n bytes; satisfiable only when n > 0 and the file is non-empty.
      const n = Number(m[2]);
      if (n > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const first = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    if (!Number.isSafeInteger(first) || last < first) return { type: 'ignore' };
    if (first < size) satisfiable.push({ start: first, end: Math.min(last, size - 1) });
  }
  if (specs === 0) return { type: 'ignore' };
  if (satisfiable.length === 0) return { type: 'unsatisfiable' };
  if (satisfiable.length === 1) return { type: 'range', ...satisfiable[0] };

  satisfiable.sort((a, b) => a.start - b.start);
  const start = satisfiable[0].start;
  let end = satisfiable[0].end;
  for (const r of satisfiable.slice(1)) {
    if (r.start > end + 1 + COALESCE_GAP) return { type: 'ignore' };
    end = Math.max(end, r.end);
  }
  return { type: 'range', start, end };
}
