/** The inspector's edit logic over a real LayerDoc: label changes, drafts for required attributes. */
import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../../shared/model/annotation.ts';
import {
  allowedAttributeIds,
  commitPatch,
  describeAnnotation,
  issueField,
  issuesByField,
  labelChangePatch,
  mergePatch,
  parseAttributeInput,
  relationCandidates,
  uniqueBy,
} from '../../../../web/lib/inspector/edits.ts';
import { context, layer, segment, taxonomy, tiers, transactions } from '../transcript/fixtures.ts';

const ORIGIN = { me: 'ann1' };
const tier = (id: string) => tiers().find((t) => t.id === id)!;
const attr = (id: string) => taxonomy().attributes.find((a) => a.id === id)!;

function spanDoc() {
  const doc = layer();
  const ctx = context();
  segment(doc, 's', 0, 4, 'Ada met Bob', ctx);
  doc.create(
    {
      id: 'x',
      kind: 'span',
      tierId: 'ner',
      startOffset: 0,
      endOffset: 3,
      textAnnotationId: 's',
      label: 'place',
      attributes: { score: 3 },
    },
    ctx,
  );
  return { doc, ctx };
}

describe('attributes and label changes', () => {
  it('allows the tier’s and the label’s (inherited) attributes', () => {
    expect(allowedAttributeIds(taxonomy(), tier('ner'), null)).toEqual(['score']);
    expect(allowedAttributeIds(taxonomy(), tier('ner'), 'speaker_a')).toEqual(['score', 'role']);
    expect(allowedAttributeIds(taxonomy(), undefined, 'person')).toEqual(['role']);
  });

  it('drops values the new label does not allow, in the same patch', () => {
    expect(labelChangePatch(taxonomy(), tier('ner'), { score: 3, role: 'host' }, 'place')).toEqual({
      label: 'place',
      attributes: { role: null },
    });
    expect(labelChangePatch(taxonomy(), tier('ner'), { score: 3 }, 'person')).toEqual({ label: 'person' });
  });

  it('merges patches, attributes key by key', () => {
    expect(mergePatch(null, { label: 'a' })).toEqual({ label: 'a' });
    expect(mergePatch({ label: 'a', attributes: { x: 1 } }, { attributes: { y: 2 } })).toEqual({
      label: 'a',
      attributes: { x: 1, y: 2 },
    });
  });
});

describe('commitPatch', () => {
  it('keeps a label that needs a required attribute as a draft, then saves both in one transaction', () => {
    const { doc, ctx } = spanDoc();
    const log = transactions(doc.doc);
    const first = commitPatch(doc, 'x', null, { label: 'person' }, ctx, ORIGIN);
    expect(first.status).toBe('pending');
    if (first.status !== 'pending') return;
    expect(first.issues.map((i) => i.path)).toEqual(['attributes.role']);
    expect(log).toEqual([]); // nothing written yet
    expect(doc.get('x')!.label).toBe('place');

    const second = commitPatch(doc, 'x', first.draft, { attributes: { role: 'guest' } }, ctx, ORIGIN);
    expect(second.status).toBe('saved');
    expect(doc.get('x')).toMatchObject({ label: 'person', attributes: { score: 3, role: 'guest' } });
    expect(log).toEqual([ORIGIN]);
  });

  it('rejects other problems without keeping them', () => {
    const { doc, ctx } = spanDoc();
    const res = commitPatch(doc, 'x', null, { attributes: { score: 11 } }, ctx, ORIGIN);
    expect(res.status).toBe('rejected');
    if (res.status === 'rejected') expect(res.issues.map((i) => i.code)).toEqual(['attribute_range']);
    const bad = commitPatch(doc, 'x', null, { label: 'noise' }, ctx, ORIGIN);
    expect(bad.status).toBe('rejected');
    if (bad.status === 'rejected') expect(issueField(bad.issues[0]!)).toBe('label');
    expect(doc.get('x')!.attributes).toEqual({ score: 3 });
  });

  it('rethrows errors that are not validation errors', () => {
    const { doc } = spanDoc();
    const broken = {
      ...context(),
      now: () => {
        throw new Error('clock');
      },
    };
    expect(() => commitPatch(doc, 'x', null, { label: 'place' }, broken)).toThrow('clock');
  });
});

describe('form input', () => {
  it('parses values by attribute type', () => {
    expect(parseAttributeInput(attr('score'), '4.5')).toEqual({ ok: true, value: 4.5 });
    expect(parseAttributeInput(attr('score'), '')).toEqual({ ok: true, value: null });
    expect(parseAttributeInput(attr('score'), '12')).toMatchObject({ ok: false });
    expect(parseAttributeInput(attr('score'), 'abc')).toMatchObject({ ok: false });
    expect(parseAttributeInput(attr('role'), 'host')).toEqual({ ok: true, value: 'host' });
    expect(parseAttributeInput(attr('role'), '')).toEqual({ ok: true, value: null });
    expect(parseAttributeInput(attr('role'), 'boss')).toMatchObject({ ok: false });
    expect(parseAttributeInput(attr('overlap'), false)).toEqual({ ok: true, value: false });
    expect(parseAttributeInput(attr('note'), 'hi')).toEqual({ ok: true, value: 'hi' });
    expect(parseAttributeInput(attr('note'), '')).toEqual({ ok: true, value: null });
  });

  it('maps issue paths to form fields', () => {
    const i = (path: string) => ({ code: 'x', path, message: path });
    expect(issueField(i('attributes.role'))).toBe('attributes.role');
    expect(issueField(i('annotations.abc.attributes.role'))).toBe('attributes.role');
    expect(issueField(i('relations[2]'))).toBe('relations');
    expect(issueField(i('entityId'))).toBe('entityId');
    expect(issueField(i('endOffset'))).toBe('');
    expect([...issuesByField([i('label'), i('label'), i('start')]).entries()].map(([k, v]) => [k, v.length])).toEqual([
      ['label', 2],
      ['', 1],
    ]);
  });
});

describe('relation targets', () => {
  it('describes annotations and finds candidates, nearest in time first', () => {
    const doc = layer();
    const ctx = context();
    segment(doc, 'far', 100, 101, 'far away', ctx);
    segment(doc, 'self', 10, 12, 'here we go', ctx);
    segment(doc, 'near', 13, 14, 'right after', ctx);
    doc.create({ id: 'ev', kind: 'event', tierId: 'events', start: 9, label: 'noise' }, ctx);
    doc.create(
      { id: 'sp', kind: 'span', tierId: 'ner', startOffset: 0, endOffset: 5, textAnnotationId: 'far', label: 'place' },
      ctx,
    );
    const all = doc.list();
    const self = doc.get('self')!;
    const describe = (a: Annotation) => describeAnnotation(a, tiers(), taxonomy(), doc.text('far')!.toString());
    expect(describe(doc.get('ev')!)).toBe('EVENTS · Noise · 0:09.00');
    expect(describe(doc.get('sp')!)).toBe('NER · Place · chars 0–5 · “far a”');
    expect(describe(self)).toBe('TRANSCRIPT · unlabelled · 0:10.00–0:12.00 · “here we go”');
    expect(relationCandidates(self, all, describe, '').map((a) => a.id)).toEqual(['ev', 'near', 'far', 'sp']);
    expect(relationCandidates(self, all, describe, 'NOISE').map((a) => a.id)).toEqual(['ev']);
    expect(relationCandidates(self, all, describe, 'far place').map((a) => a.id)).toEqual(['sp']);
    expect(relationCandidates(self, all, describe, '', 2)).toHaveLength(2);
    // Each annotation once, even when the caller's list repeats it.
    expect(relationCandidates(self, [...all, ...all], describe, '').map((a) => a.id)).toEqual([
      'ev',
      'near',
      'far',
      'sp',
    ]);
  });

  it('dedupes by key, first wins', () => {
    expect(uniqueBy([1, 2, 3, 4], (n) => String(n % 2))).toEqual([1, 2]);
  });
});
