/**
 * Text edits as Yjs-style deltas: the minimal splice between an editor's old and new value, the
 * transform of a caret (or selection) through someone else's change, and the OT transform that
 * rebases a local change made on an older text. Pure functions over strings; offsets are UTF-16
 * code units, like `Y.Text`, `HTMLTextAreaElement.selectionStart` and span offsets.
 */

/** One operation of a text delta (the `Y.YTextEvent.delta` format, formatting ignored). */
export type DeltaOp = { retain: number } | { delete: number } | { insert: string };
export type Delta = DeltaOp[];

/** Replace `remove` code units at `index` with `insert`. */
export interface Splice {
  index: number;
  remove: number;
  insert: string;
}

/** A selection (or a caret when `start === end`), in UTF-16 code units. */
export interface TextSelection {
  start: number;
  end: number;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * The smallest single splice turning `oldText` into `newText`, or null when they are equal.
 *
 * Common prefix and suffix are ambiguous when the edit repeats a neighbouring character (typing
 * `a` into `aa`); `caret` — the editor's caret in `newText` after the edit — settles it: text
 * after the caret was not touched, so the suffix may not reach before it. Without a caret the
 * common prefix is taken first. The splice never cuts a surrogate pair (an emoji is replaced whole,
 * not half of it).
 */
export function diffSplice(oldText: string, newText: string, caret?: number): Splice | null {
  if (oldText === newText) return null;
  const minLen = Math.min(oldText.length, newText.length);
  const prefixOf = (max: number): number => {
    let n = 0;
    while (n < max && oldText.charCodeAt(n) === newText.charCodeAt(n)) n++;
    return n;
  };
  const suffixOf = (max: number): number => {
    let n = 0;
    while (n < max && oldText.charCodeAt(oldText.length - 1 - n) === newText.charCodeAt(newText.length - 1 - n)) n++;
    return n;
  };
  let prefix: number;
  let suffix: number;
  if (caret !== undefined && Number.isFinite(caret)) {
    // Text after the caret was not touched: the suffix may reach back to it, and no further.
    suffix = suffixOf(Math.max(0, Math.min(minLen, newText.length - Math.max(0, Math.floor(caret)))));
    prefix = prefixOf(minLen - suffix);
  } else {
    prefix = prefixOf(minLen);
    suffix = suffixOf(minLen - prefix);
  }
  // Keep surrogate pairs whole on both sides of the change.
  if (prefix > 0 && isHigh(oldText.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLow(oldText.charCodeAt(oldText.length - suffix))) suffix--;
  return {
    index: prefix,
    remove: oldText.length - prefix - suffix,
    insert: newText.slice(prefix, newText.length - suffix),
  };
}

/** The splice as a delta: `[retain index] [delete remove] [insert text]` (empty parts left out). */
export function spliceToDelta(s: Splice): Delta {
  const out: Delta = [];
  if (s.index > 0) out.push({ retain: s.index });
  if (s.remove > 0) out.push({ delete: s.remove });
  if (s.insert !== '') out.push({ insert: s.insert });
  return out;
}

/**
 * The delta of a `Y.YTextEvent` in this module's form. Embeds (non-string inserts) are not part
 * of `Y.Text.toString()`, which is what editors show, so they count as nothing; formatting
 * attributes are dropped (transcripts are plain text).
 */
export function normalizeDelta(raw: readonly { insert?: unknown; delete?: number; retain?: number }[]): Delta {
  const out: Delta = [];
  for (const op of raw) {
    if (typeof op.insert === 'string') {
      if (op.insert !== '') out.push({ insert: op.insert });
    } else if (typeof op.delete === 'number') {
      if (op.delete > 0) out.push({ delete: op.delete });
    } else if (typeof op.retain === 'number' && op.retain > 0) out.push({ retain: op.retain });
  }
  return out;
}

/** Applies a delta to a string (retains past the end are ignored). */
export function applyDelta(text: string, delta: Delta): string {
  let out = '';
  let i = 0;
  for (const op of delta) {
    if ('retain' in op) {
      out += text.slice(i, i + op.retain);
      i += op.retain;
    } else if ('delete' in op) i += op.delete;
    else out += op.insert;
  }
  return out + text.slice(i);
}

/** Applies a delta to a Y.Text-like target with plain insert/delete calls. */
export function applyDeltaTo(
  target: { insert(i: number, s: string): void; delete(i: number, n: number): void },
  delta: Delta,
): void {
  let i = 0;
  for (const op of delta) {
    if ('retain' in op) i += op.retain;
    else if ('delete' in op) target.delete(i, op.delete);
    else {
      target.insert(i, op.insert);
      i += op.insert.length;
    }
  }
}

/** The successive splices a delta performs (each index is in the text as changed so far). */
export function deltaToSplices(delta: Delta): Splice[] {
  const out: Splice[] = [];
  let i = 0;
  let cur: Splice | null = null;
  for (const op of delta) {
    if ('retain' in op) {
      if (cur !== null) out.push(cur);
      cur = null;
      i += op.retain;
    } else {
      cur ??= { index: i, remove: 0, insert: '' };
      if ('delete' in op) cur.remove += op.delete;
      else {
        cur.insert += op.insert;
        i += op.insert.length;
      }
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

/**
 * Where position `pos` of the old text lands after `delta`. Text inserted exactly at `pos` goes
 * after it with `assoc = 'left'` (the caret stays before a peer's insertion, so two people typing
 * at one spot do not interleave letter by letter) and before it with `'right'`. A position inside
 * deleted text moves to where the deletion was.
 */
export function transformPosition(pos: number, delta: Delta, assoc: 'left' | 'right' = 'left'): number {
  let oldIdx = 0;
  let out = pos;
  for (const op of delta) {
    if (oldIdx > pos) break;
    if ('retain' in op) oldIdx += op.retain;
    else if ('insert' in op) {
      if (oldIdx < pos || (oldIdx === pos && assoc === 'right')) out += op.insert.length;
    } else {
      if (oldIdx < pos) out -= Math.min(op.delete, pos - oldIdx);
      oldIdx += op.delete;
    }
  }
  return Math.max(0, out);
}

/**
 * A selection through a peer's change: a caret sticks to the left of text inserted at it; a range
 * does not grow when text is inserted at either edge.
 */
export function transformSelection(sel: TextSelection, delta: Delta): TextSelection {
  if (sel.start === sel.end) {
    const p = transformPosition(sel.start, delta, 'left');
    return { start: p, end: p };
  }
  const start = transformPosition(sel.start, delta, 'right');
  const end = transformPosition(sel.end, delta, 'left');
  return { start, end: Math.max(start, end) };
}

/** Reads a delta op by op, splitting retains and deletes (and inserts) at requested lengths. */
class OpReader {
  private i = 0;
  private offset = 0;
  constructor(private readonly ops: Delta) {}

  hasNext(): boolean {
    return this.i < this.ops.length;
  }

  peek(): DeltaOp | undefined {
    return this.ops[this.i];
  }

  /** Length left in the current op (Infinity past the end: an implicit retain). */
  peekLength(): number {
    const op = this.ops[this.i];
    if (op === undefined) return Infinity;
    const len = 'retain' in op ? op.retain : 'delete' in op ? op.delete : op.insert.length;
    return len - this.offset;
  }

  next(length = Infinity): DeltaOp {
    const op = this.ops[this.i];
    if (op === undefined) return { retain: length };
    const left = this.peekLength();
    const n = Math.min(length, left);
    const start = this.offset;
    if (n === left) {
      this.i++;
      this.offset = 0;
    } else this.offset += n;
    if ('retain' in op) return { retain: n };
    if ('delete' in op) return { delete: n };
    return { insert: op.insert.slice(start, start + n) };
  }
}

/** Appends an op, merging it with the previous one of the same type. */
function push(out: Delta, op: DeltaOp): void {
  const last = out[out.length - 1];
  if ('retain' in op) {
    if (op.retain <= 0) return;
    if (last !== undefined && 'retain' in last) last.retain += op.retain;
    else out.push({ ...op });
  } else if ('delete' in op) {
    if (op.delete <= 0) return;
    if (last !== undefined && 'delete' in last) last.delete += op.delete;
    else out.push({ ...op });
  } else {
    if (op.insert === '') return;
    if (last !== undefined && 'insert' in last) last.insert += op.insert;
    else out.push({ ...op });
  }
}

/**
 * Operational transform: `a` and `b` were both made on the same text; returns `a'` that applies
 * after `b` and keeps `a`'s intent. Text `b` deleted is not deleted twice, text `b` inserted is
 * kept; where both insert at one spot, `bFirst` puts `b`'s text first. Used to rebase a local edit
 * made while remote changes were held back (IME composition).
 */
export function transformDelta(a: Delta, b: Delta, bFirst = true): Delta {
  const ra = new OpReader(a);
  const rb = new OpReader(b);
  const out: Delta = [];
  while (ra.hasNext()) {
    const pa = ra.peek()!;
    const pb = rb.peek();
    if ('insert' in pa && !(pb !== undefined && 'insert' in pb && bFirst)) {
      push(out, ra.next());
      continue;
    }
    if (pb !== undefined && 'insert' in pb) {
      push(out, { retain: (rb.next() as { insert: string }).insert.length });
      continue;
    }
    const n = Math.min(ra.peekLength(), rb.peekLength());
    const opA = ra.next(n);
    const opB = rb.next(n);
    // What `b` deleted is gone: `a` can neither keep nor delete it.
    if ('delete' in opB) continue;
    push(out, opA);
  }
  // A trailing retain is implicit.
  while (out.length > 0 && 'retain' in out[out.length - 1]!) out.pop();
  return out;
}
