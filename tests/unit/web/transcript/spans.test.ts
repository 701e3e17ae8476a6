/** Span runs for rendering, span offsets through text edits, selection clean-up. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { SpanAnnotation } from '../../../../shared/model/annotation.ts';
import { TextBinding } from '../../../../web/lib/transcript/binding.ts';
import {
  moveSpansWithText,
  shiftRange,
  shiftRangeByDelta,
  spanAt,
  textRuns,
  trimSelection,
} from '../../../../web/lib/transcript/spans.ts';
import { applyDelta, diffSplice, spliceToDelta } from '../../../../web/lib/transcript/text-diff.ts';
import { words } from '../../../../web/lib/transcript/timing.ts';
import { FakeEditor, context, layer, segment, transactions } from './fixtures.ts';

describe('textRuns', () => {
  const text = 'Ada met Bob in Paris';
  const marks = [
    { id: 'p1', start: 0, end: 3, color: '#f00' },
    { id: 'all', start: 0, end: 11, color: '#0f0' },
    { id: 'stale', start: 15, end: 40, color: '#00f' },
  ];
  const runs = textRuns(text, words(text), marks);

  it('covers the text exactly, cut at word and span edges', () => {
    expect(runs.map((r) => r.text).join('')).toBe(text);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBe(runs[i - 1]!.end);
    expect(runs.map((r) => r.text)).toEqual(['Ada', ' ', 'met', ' ', 'Bob', ' ', 'in', ' ', 'Paris']);
  });

  it('lists covering spans outermost first and clamps stale ones', () => {
    expect(runs[0]!.spans.map((s) => s.id)).toEqual(['all', 'p1']);
    expect(runs[4]!.spans.map((s) => s.id)).toEqual(['all']);
    expect(runs[5]!.spans).toEqual([]);
    expect(runs[8]!.spans.map((s) => s.id)).toEqual(['stale']);
    expect(runs[0]!.word).toBe(0);
    expect(runs[1]!.word).toBe(-1);
  });

  it('splits a word a span only partly covers', () => {
    const r = textRuns('unhappy', words('unhappy'), [{ id: 's', start: 2, end: 7, color: '#000' }]);
    expect(r.map((x) => [x.text, x.word, x.spans.length])).toEqual([
      ['un', 0, 0],
      ['happy', 0, 1],
    ]);
    expect(textRuns('', [], [])).toEqual([]);
  });
});

describe('shiftRange', () => {
  const r = { start: 5, end: 10 };
  const sp = (index: number, remove: number, insert: string) => ({ index, remove, insert });

  it('shifts with edits before, ignores edits after', () => {
    expect(shiftRange(r, sp(0, 0, 'abc'))).toEqual({ start: 8, end: 13 });
    expect(shiftRange(r, sp(1, 3, ''))).toEqual({ start: 2, end: 7 });
    expect(shiftRange(r, sp(12, 2, 'xyz'))).toEqual(r);
  });

  it('keeps insertions at either edge outside', () => {
    expect(shiftRange(r, sp(5, 0, 'ab'))).toEqual({ start: 7, end: 12 });
    expect(shiftRange(r, sp(10, 0, 'ab'))).toEqual(r);
  });

  it('resizes with edits inside, including retyping the whole labelled text', () => {
    expect(shiftRange(r, sp(7, 1, 'xyz'))).toEqual({ start: 5, end: 12 });
    expect(shiftRange(r, sp(5, 5, 'London!'))).toEqual({ start: 5, end: 12 });
    expect(shiftRange(r, sp(5, 5, ''))).toBeNull();
  });

  it('clips on edits over one edge and vanishes when all is deleted', () => {
    // "abcdeFGHIJklm": replace "deFG" (3..7) with "x" → span keeps "HIJ".
    expect(shiftRange(r, sp(3, 4, 'x'))).toEqual({ start: 4, end: 7 });
    // Delete "IJkl" (8..12) → span keeps "FGH".
    expect(shiftRange(r, sp(8, 4, ''))).toEqual({ start: 5, end: 8 });
    expect(shiftRange(r, sp(2, 10, 'zz'))).toBeNull();
    expect(shiftRange(r, sp(5, 7, ''))).toBeNull();
  });

  it('keeps a span on the same characters through real edits', () => {
    const text = 'We met Ada Lovelace in London';
    const span = { start: 7, end: 19 }; // "Ada Lovelace"
    const edits: [string, number][] = [
      ['Yesterday we met Ada Lovelace in London', 13],
      ['Yesterday we met Ada Lovelace in rainy London', 39],
      ['Yesterday we met Ada King Lovelace in rainy London', 25],
    ];
    let cur = text;
    let range: { start: number; end: number } | null = span;
    for (const [next, caret] of edits) {
      const delta = spliceToDelta(diffSplice(cur, next, caret)!);
      expect(applyDelta(cur, delta)).toBe(next);
      range = shiftRangeByDelta(range!, delta);
      cur = next;
    }
    expect(cur.slice(range!.start, range!.end)).toBe('Ada King Lovelace');
  });
});

describe('selection helpers', () => {
  it('trims whitespace, orders, clamps and keeps surrogate pairs whole', () => {
    const t = ' big 😀 cat ';
    expect(trimSelection(t, 0, 5)).toEqual({ start: 1, end: 4 });
    expect(trimSelection(t, 5, 0)).toEqual({ start: 1, end: 4 });
    expect(trimSelection(t, 4, 5)).toBeNull();
    expect(trimSelection(t, 6, 99)).toEqual({ start: 5, end: 11 }); // from inside the emoji
    expect(trimSelection(t, 5, 6)).toEqual({ start: 5, end: 7 });
  });

  it('finds the innermost span at an offset', () => {
    const marks = [
      { id: 'outer', start: 0, end: 10, color: '' },
      { id: 'inner', start: 2, end: 4, color: '' },
    ];
    expect(spanAt(marks, 3)).toBe('inner');
    expect(spanAt(marks, 5)).toBe('outer');
    expect(spanAt(marks, 10)).toBeNull();
  });
});

describe('moveSpansWithText (with a TextBinding on a LayerDoc)', () => {
  it('moves spans in the text edit’s transaction: one undo step restores both', () => {
    const doc = layer();
    const ctx = context();
    segment(doc, 's', 0, 5, 'met Ada in Paris', ctx);
    doc.create(
      { id: 'ada', kind: 'span', tierId: 'ner', startOffset: 4, endOffset: 7, textAnnotationId: 's', label: 'place' },
      ctx,
    );
    doc.create(
      { id: 'in', kind: 'span', tierId: 'ner', startOffset: 8, endOffset: 10, textAnnotationId: 's', label: 'place' },
      ctx,
    );
    const ORIGIN = { me: 1 };
    const editor = new FakeEditor();
    const spansOf = () => doc.list().filter((a): a is SpanAnnotation => a.kind === 'span');
    const binding = new TextBinding(doc.text('s')!, editor, {
      origin: ORIGIN,
      onLocalDelta: (d) => moveSpansWithText(doc, ctx, spansOf(), d, ORIGIN),
    });
    const undo = new Y.UndoManager(doc.doc.getMap('annotations'), {
      trackedOrigins: new Set([ORIGIN]),
      captureTimeout: 0,
    });
    const log = transactions(doc.doc);

    editor.select(0).type('We ');
    binding.input();
    expect(log).toEqual([ORIGIN]);
    const text = () => doc.text('s')!.toString();
    const covered = (id: string) => {
      const a = doc.get(id) as SpanAnnotation;
      return text().slice(a.startOffset, a.endOffset);
    };
    expect(text()).toBe('We met Ada in Paris');
    expect(covered('ada')).toBe('Ada');
    expect(covered('in')).toBe('in');

    // Deleting " in" removes that span, in the same step.
    editor.select(10, 13).backspace();
    binding.input();
    expect(text()).toBe('We met Ada Paris');
    expect(doc.get('in')).toBeNull();
    expect(covered('ada')).toBe('Ada');

    undo.undo();
    expect(text()).toBe('We met Ada in Paris');
    expect(covered('in')).toBe('in');
    undo.undo();
    expect(text()).toBe('met Ada in Paris');
    expect(covered('ada')).toBe('Ada');
    expect(editor.value).toBe('met Ada in Paris');
  });
});
