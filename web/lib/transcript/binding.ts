/**
 * Two-way binding between a plain-text editor (a `<textarea>`) and a collaborative `Y.Text`.
 *
 * Local input becomes the minimal Y.Text delete/insert found by diffing the editor's value against
 * the last synced one around the caret, in one transaction with the caller's origin (so the
 * workspace's `Y.UndoManager` can undo it). Any other change of the Y.Text — a peer's typing, an
 * undo — rewrites the editor's value and carries the caret/selection through the change's delta.
 *
 * During IME composition the editor must not be rewritten (that would cancel the composition), so
 * peers' changes are held back and the composed text is rebased over them (OT) when it ends.
 * Plain TypeScript; the DOM is reached only through `TextEditor`, so node tests drive it too.
 */
import type * as Y from 'yjs';
import {
  applyDeltaTo,
  diffSplice,
  normalizeDelta,
  spliceToDelta,
  transformDelta,
  transformSelection,
} from './text-diff.ts';
import type { Delta, TextSelection } from './text-diff.ts';

/** What the binding needs of an editor. */
export interface TextEditor {
  readonly value: string;
  readonly selectionStart: number;
  readonly selectionEnd: number;
  /** Replaces the value and puts the selection back (clamped by the editor). */
  setValue(value: string, selection: TextSelection): void;
}

export interface TextBindingOptions {
  /** Yjs origin of local edits. */
  origin?: unknown;
  /**
   * Called inside the transaction of each local edit, after the text changed, with the delta
   * applied: writes made here (e.g. moving span offsets) are part of the same undo step.
   */
  onLocalDelta?: (delta: Delta) => void;
  /** Called after a peer's change (or an undo) rewrote the editor. */
  onRemote?: () => void;
}

/** A `<textarea>` (or `<input>`) as a TextEditor. */
export function textareaEditor(el: HTMLTextAreaElement | HTMLInputElement): TextEditor {
  return {
    get value() {
      return el.value;
    },
    get selectionStart() {
      return el.selectionStart ?? 0;
    },
    get selectionEnd() {
      return el.selectionEnd ?? 0;
    },
    setValue(value, sel) {
      const dir = el.selectionDirection ?? 'none';
      el.value = value;
      // Also without focus: the element keeps its selection for when the user comes back to it
      // (setting the value alone would move the caret to the end).
      el.setSelectionRange(Math.min(sel.start, value.length), Math.min(sel.end, value.length), dir);
    },
  };
}

export class TextBinding {
  /** The editor value at the last sync (equal to the Y.Text then). */
  private shadow: string;
  /** Peers' changes not yet shown, in order (held back while composing). */
  private pending: Delta[] = [];
  private composing = false;
  private applying = false;
  private destroyed = false;
  private readonly observer = (event: Y.YTextEvent): void => this.onText(event);

  constructor(
    readonly text: Y.Text,
    private readonly editor: TextEditor,
    private readonly options: TextBindingOptions = {},
  ) {
    this.shadow = text.toString();
    const len = this.shadow.length;
    editor.setValue(this.shadow, {
      start: Math.min(editor.selectionStart, len),
      end: Math.min(editor.selectionEnd, len),
    });
    text.observe(this.observer);
  }

  /** Call on every `input` event of the editor. */
  input(): void {
    if (!this.composing) this.sync();
  }

  compositionStart(): void {
    this.composing = true;
  }

  compositionEnd(): void {
    this.composing = false;
    this.sync();
  }

  /** True while an IME composition is open. */
  get isComposing(): boolean {
    return this.composing;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.text.unobserve(this.observer);
  }

  private onText(event: Y.YTextEvent): void {
    if (this.applying || this.destroyed) return;
    this.pending.push(normalizeDelta(event.delta as { insert?: unknown; delete?: number; retain?: number }[]));
    if (!this.composing) this.sync();
  }

  /**
   * Brings the editor and the Y.Text together: the local change since the last sync (rebased over
   * the held-back remote changes) goes into the Y.Text, then the editor shows the merged text.
   */
  private sync(): void {
    const value = this.editor.value;
    const sel = { start: this.editor.selectionStart, end: this.editor.selectionEnd };
    const remote = this.pending;
    this.pending = [];
    const splice = diffSplice(this.shadow, value, sel.end);
    if (splice !== null) {
      let delta = spliceToDelta(splice);
      for (const r of remote) delta = transformDelta(delta, r, true);
      if (delta.length > 0) this.applyLocal(delta);
    }
    const current = this.text.toString();
    if (current !== value) {
      let next: TextSelection = sel;
      if (splice === null) for (const r of remote) next = transformSelection(next, r);
      else {
        // Local and remote changes met (only after a composition): the difference between what
        // the editor shows and the merged text is the remote part; carry the caret across it.
        const rest = diffSplice(value, current);
        if (rest !== null) next = transformSelection(next, spliceToDelta(rest));
      }
      this.editor.setValue(current, {
        start: Math.min(next.start, current.length),
        end: Math.min(next.end, current.length),
      });
      this.options.onRemote?.();
    }
    this.shadow = current;
  }

  private applyLocal(delta: Delta): void {
    const doc = this.text.doc;
    this.applying = true;
    try {
      const run = (): void => {
        applyDeltaTo(this.text, delta);
        this.options.onLocalDelta?.(delta);
      };
      if (doc === null) run();
      else doc.transact(run, this.options.origin);
    } finally {
      this.applying = false;
    }
  }
}
