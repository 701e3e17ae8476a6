/** Fixtures for the transcript and inspector tests: a transcript tier, span tiers, a taxonomy. */
import * as Y from 'yjs';
import { LayerDoc } from '../../../../shared/model/layer.ts';
import type { LabelClass, Taxonomy } from '../../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../../shared/model/tier.ts';
import type { LayerContext } from '../../../../shared/model/validate.ts';
import type { TextEditor } from '../../../../web/lib/transcript/binding.ts';
import type { TextSelection } from '../../../../web/lib/transcript/text-diff.ts';

function cls(id: string, color: string, hotkey: string | null, extra: Partial<LabelClass> = {}): LabelClass {
  return {
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    parentId: null,
    color,
    hotkey,
    description: '',
    guideline: '',
    examples: [],
    attributeIds: [],
    ...extra,
  };
}

/**
 * entity (e) → person (p) → speaker_a; entity → place (l); noise (n, not allowed on `ner`);
 * `person` requires the `role` enum; `confidence` is a bounded number on the `ner` tier.
 */
export function taxonomy(): Taxonomy {
  return {
    attributes: [
      { id: 'role', name: 'Role', type: 'enum', options: ['host', 'guest'], required: true },
      { id: 'score', name: 'Score', type: 'number', min: 0, max: 10, required: false },
      { id: 'note', name: 'Note', type: 'text', required: false },
      { id: 'overlap', name: 'Overlap', type: 'boolean', required: false },
    ],
    classes: [
      cls('entity', '#4e79a7', 'e', { guideline: 'Any named thing.' }),
      cls('person', '#f28e2b', 'P', {
        parentId: 'entity',
        attributeIds: ['role'],
        description: 'A human',
        guideline: 'People by name.',
        examples: [
          { text: 'Ada Lovelace', verdict: 'include' },
          { text: 'the crowd', verdict: 'exclude' },
        ],
      }),
      cls('speaker_a', '#e15759', null, { parentId: 'person' }),
      cls('place', '#59a14f', 'l', { parentId: 'entity' }),
      cls('noise', '#999999', 'n'),
      cls('speech', '#76b7b2', 's'),
    ],
  };
}

function tier(id: string, kind: Tier['kind'], allowed: string[], attributeIds: string[] = []): Tier {
  return {
    id,
    name: id.toUpperCase(),
    modality: kind === 'span' ? 'text' : 'any',
    kind,
    allowedClassIds: allowed,
    attributeIds,
    parentTierId: null,
    relation: null,
    guidelines: `Guidelines of ${id}`,
    editRoles: ['annotator', 'manager'],
    editSkills: [],
  };
}

export function tiers(): Tier[] {
  return [
    tier('transcript', 'segment', ['speech', 'noise'], ['note']),
    tier('ner', 'span', ['entity'], ['score']),
    tier('sound', 'span', ['noise']),
    tier('events', 'event', ['noise', 'speech'], ['overlap']),
  ];
}

export function context(extra: Partial<LayerContext> = {}): LayerContext {
  let t = 1000;
  return { tiers: tiers(), taxonomy: taxonomy(), mediaDuration: 3600, now: () => t++, author: 'ann1', ...extra };
}

export function layer(doc = new Y.Doc()): LayerDoc {
  return new LayerDoc(doc);
}

/** Applies every update of `a` to `b` and back. */
export function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

/** Counts transactions that changed a doc, recording their origins. */
export function transactions(doc: Y.Doc): unknown[] {
  const origins: unknown[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.changed.size > 0) origins.push(tr.origin);
  });
  return origins;
}

/** A textarea stand-in: the user's actions change value and caret, like the browser does. */
export class FakeEditor implements TextEditor {
  value = '';
  selectionStart = 0;
  selectionEnd = 0;
  /** Programmatic rewrites (the binding's setValue calls). */
  rewrites = 0;

  setValue(value: string, sel: TextSelection): void {
    this.value = value;
    this.selectionStart = Math.min(sel.start, value.length);
    this.selectionEnd = Math.min(sel.end, value.length);
    this.rewrites++;
  }

  select(start: number, end = start): this {
    this.selectionStart = start;
    this.selectionEnd = end;
    return this;
  }

  /** Types (or pastes) over the selection. */
  type(text: string): this {
    const { value, selectionStart: s, selectionEnd: e } = this;
    this.value = value.slice(0, s) + text + value.slice(e);
    this.select(s + text.length);
    return this;
  }

  /** Backspace: deletes the selection, else the character before the caret. */
  backspace(): this {
    const { value, selectionStart: s, selectionEnd: e } = this;
    if (s !== e) {
      this.value = value.slice(0, s) + value.slice(e);
      return this.select(s);
    }
    if (s === 0) return this;
    this.value = value.slice(0, s - 1) + value.slice(s);
    return this.select(s - 1);
  }
}

/** A segment on the transcript tier with its text. */
export function segment(doc: LayerDoc, id: string, start: number, end: number, text = '', ctx = context()) {
  return doc.create({ id, kind: 'segment', tierId: 'transcript', start, end, text }, ctx);
}
