/**
 * TextBinding over real Y.Docs: local edits become minimal Y.Text operations with the caller's
 * origin; peers' edits rewrite the editor and keep the caret on its text; concurrent typing
 * through two bindings converges and keeps both edits, also across an IME composition.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TextBinding } from '../../../../web/lib/transcript/binding.ts';
import type { Delta } from '../../../../web/lib/transcript/text-diff.ts';
import { FakeEditor, sync, transactions } from './fixtures.ts';

const ORIGIN = { user: 'ann1' };

/** A doc with a Y.Text under `t`, and a binding to a fake editor. */
function setup(initial = '', doc = new Y.Doc()) {
  const text = doc.getText('t');
  if (initial !== '' && text.length === 0) text.insert(0, initial);
  const editor = new FakeEditor();
  const binding = new TextBinding(text, editor, { origin: ORIGIN });
  return { doc, text, editor, binding };
}

/** Records the deltas of a Y.Text. */
function deltas(text: Y.Text): unknown[] {
  const out: unknown[] = [];
  text.observe((e) => out.push(e.delta));
  return out;
}

describe('local edits', () => {
  it('shows the Y.Text and writes each input as the minimal delete/insert, with the origin', () => {
    const { doc, text, editor, binding } = setup('hello world');
    expect(editor.value).toBe('hello world');
    const log = transactions(doc);
    const ops = deltas(text);

    editor.select(5).type(',');
    binding.input();
    expect(text.toString()).toBe('hello, world');
    expect(ops.at(-1)).toEqual([{ retain: 5 }, { insert: ',' }]);

    editor.select(7, 12).type('there');
    binding.input();
    expect(text.toString()).toBe('hello, there');
    expect(ops.at(-1)).toEqual([{ retain: 7 }, { delete: 5 }, { insert: 'there' }]);

    editor.backspace();
    binding.input();
    expect(text.toString()).toBe('hello, ther');
    expect(ops.at(-1)).toEqual([{ retain: 11 }, { delete: 1 }]);

    expect(log).toEqual([ORIGIN, ORIGIN, ORIGIN]);
    // Local input never makes the binding rewrite the editor.
    expect(editor.rewrites).toBe(1);
  });

  it('places a repeated letter where it was typed (caret disambiguates)', () => {
    const { text, editor, binding } = setup('aa');
    const ops = deltas(text);
    editor.select(1).type('a');
    binding.input();
    expect(ops.at(-1)).toEqual([{ retain: 1 }, { insert: 'a' }]);
  });

  it('runs onLocalDelta in the same transaction, so an UndoManager undoes both at once', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const side = doc.getMap('side');
    const editor = new FakeEditor();
    const seen: Delta[] = [];
    const binding = new TextBinding(text, editor, {
      origin: ORIGIN,
      onLocalDelta: (d) => {
        seen.push(d);
        side.set('shifted', ((side.get('shifted') as number | undefined) ?? 0) + 1);
      },
    });
    const undo = new Y.UndoManager([text, side], { trackedOrigins: new Set([ORIGIN]), captureTimeout: 0 });
    const log = transactions(doc);
    editor.type('hi');
    binding.input();
    expect(log).toEqual([ORIGIN]);
    expect(seen).toEqual([[{ insert: 'hi' }]]);
    undo.undo();
    expect(text.toString()).toBe('');
    expect(side.get('shifted')).toBeUndefined();
    // The undo is not our input: the editor follows it.
    expect(editor.value).toBe('');
    undo.redo();
    expect(editor.value).toBe('hi');
  });
});

describe('remote edits', () => {
  function pair(initial: string) {
    const a = setup(initial);
    const bDoc = new Y.Doc();
    Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc));
    const b = setup('', bDoc);
    return { a, b };
  }

  it('rewrites the editor and carries the caret through the change', () => {
    const { a, b } = pair('the quick fox');
    b.editor.select(10); // before "fox"
    a.editor.select(0).type('See ');
    a.binding.input();
    sync(a.doc, b.doc);
    expect(b.editor.value).toBe('See the quick fox');
    expect(b.editor.selectionStart).toBe(14);
    expect(b.editor.value.slice(b.editor.selectionStart)).toBe('fox');

    // An insertion after the caret leaves it alone.
    a.editor.select(17).type('!');
    a.binding.input();
    sync(a.doc, b.doc);
    expect(b.editor.value).toBe('See the quick fox!');
    expect(b.editor.selectionStart).toBe(14);

    // A deletion around the caret moves it to the deletion.
    a.editor.select(8, 16);
    a.editor.backspace();
    a.binding.input();
    sync(a.doc, b.doc);
    expect(b.editor.value).toBe('See the x!');
    expect(b.editor.selectionStart).toBe(8);
  });

  it('keeps a selection on the same words', () => {
    const { a, b } = pair('alpha beta gamma');
    b.editor.select(6, 10); // "beta"
    a.editor.select(0).type('>> ');
    a.binding.input();
    a.editor.select(a.editor.value.length).type(' delta');
    a.binding.input();
    sync(a.doc, b.doc);
    const { value, selectionStart, selectionEnd } = b.editor;
    expect(value.slice(selectionStart, selectionEnd)).toBe('beta');
  });

  it('a caret at the spot where a peer types stays before the peer’s text', () => {
    const { a, b } = pair('ab');
    b.editor.select(1);
    a.editor.select(1).type('XYZ');
    a.binding.input();
    sync(a.doc, b.doc);
    expect(b.editor.value).toBe('aXYZb');
    expect(b.editor.selectionStart).toBe(1);
    b.editor.type('q');
    b.binding.input();
    sync(a.doc, b.doc);
    // No interleaving: b's letter lands next to b's caret, not inside a's word.
    expect(a.text.toString()).toBe('aqXYZb');
  });
});

describe('concurrent typing converges and keeps both edits', () => {
  it('two users type in the same segment at once', () => {
    const a = setup('Hello world');
    const bDoc = new Y.Doc();
    Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc));
    const b = setup('', bDoc);

    a.editor.select(5).type(' there');
    a.binding.input();
    b.editor.select(11).type('!');
    b.binding.input();
    b.editor.select(0).type('Oh, ');
    b.binding.input();
    // Both edit before syncing.
    sync(a.doc, b.doc);
    expect(a.text.toString()).toBe(b.text.toString());
    expect(a.text.toString()).toBe('Oh, Hello there world!');
    expect(a.editor.value).toBe(a.text.toString());
    expect(b.editor.value).toBe(b.text.toString());
    // a was typing after "there": its caret is still there.
    expect(a.editor.value.slice(0, a.editor.selectionStart)).toBe('Oh, Hello there');
  });

  it('random concurrent edits on two docs converge; insert-only runs keep every letter', () => {
    let seed = 1234;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (const deletes of [false, true]) {
      const a = setup('0123456789');
      const bDoc = new Y.Doc();
      Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc));
      const b = setup('', bDoc);
      let typed = 0;
      for (let step = 0; step < 400; step++) {
        const u = rnd() < 0.5 ? a : b;
        const len = u.editor.value.length;
        const s = Math.floor(rnd() * (len + 1));
        if (deletes && rnd() < 0.3 && len > 0) {
          u.editor.select(s, Math.min(len, s + 1 + Math.floor(rnd() * 3))).backspace();
        } else {
          u.editor.select(s).type(u === a ? 'a' : 'b');
          typed++;
        }
        u.binding.input();
        if (rnd() < 0.2) sync(a.doc, b.doc);
      }
      sync(a.doc, b.doc);
      expect(a.text.toString()).toBe(b.text.toString());
      expect(a.editor.value).toBe(a.text.toString());
      expect(b.editor.value).toBe(b.text.toString());
      if (!deletes) expect(a.text.toString().replace(/[0-9]/g, '').length).toBe(typed);
    }
  });
});

describe('IME composition', () => {
  it('holds peers’ changes back while composing, then rebases the composed text over them', () => {
    const a = setup('good day');
    const bDoc = new Y.Doc();
    Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc));
    const b = setup('', bDoc);

    b.editor.select(8);
    b.binding.compositionStart();
    b.editor.type(' にほ');
    b.binding.input(); // ignored while composing
    expect(b.text.toString()).toBe('good day');

    a.editor.select(0).type('A ');
    a.binding.input();
    const rewrites = b.editor.rewrites;
    sync(a.doc, b.doc);
    // The editor was not touched mid-composition.
    expect(b.editor.rewrites).toBe(rewrites);
    expect(b.editor.value).toBe('good day にほ');

    b.editor.backspace().backspace().type('日本');
    b.binding.compositionEnd();
    expect(b.text.toString()).toBe('A good day 日本');
    expect(b.editor.value).toBe('A good day 日本');
    expect(b.editor.selectionStart).toBe(b.editor.value.length);
    sync(a.doc, b.doc);
    expect(a.editor.value).toBe('A good day 日本');
  });
});

describe('an edit not yet synced when a peer’s change arrives', () => {
  it('is rebased over it instead of being lost or undoing the peer', () => {
    const a = setup('one two');
    const bDoc = new Y.Doc();
    Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(a.doc));
    const b = setup('', bDoc);
    b.editor.select(7).type(' three'); // the input event has not been handled yet
    a.editor.select(0).type('zero ');
    a.binding.input();
    sync(a.doc, b.doc);
    expect(b.text.toString()).toBe('zero one two three');
    expect(b.editor.value).toBe('zero one two three');
    expect(b.editor.selectionStart).toBe(18);
    b.binding.input(); // the late input event finds nothing left to do
    sync(a.doc, b.doc);
    expect(a.text.toString()).toBe('zero one two three');
  });
});

describe('lifecycle', () => {
  it('stops following the Y.Text after destroy', () => {
    const { text, editor, binding } = setup('x');
    binding.destroy();
    text.insert(1, 'y');
    expect(editor.value).toBe('x');
  });
});
