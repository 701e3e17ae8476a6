/** Taxonomy validation (every issue code) and hierarchy helpers. */
import { describe, expect, it } from 'vitest';
import {
  ancestors,
  descendants,
  isAllowed,
  labelAttributeIds,
  validateTaxonomy,
} from '../../../shared/model/taxonomy.ts';
import type { Taxonomy } from '../../../shared/model/taxonomy.ts';
import { cls, taxonomy } from './fixtures.ts';

const codes = (t: Taxonomy) => validateTaxonomy(t).map((i) => `${i.code}@${i.path}`);

describe('validateTaxonomy', () => {
  it('accepts the fixture taxonomy', () => {
    expect(validateTaxonomy(taxonomy())).toEqual([]);
  });

  it('detects a parent cycle and reports every class on it, not the ones hanging below it', () => {
    const t = taxonomy();
    t.classes.push(cls('a', 'b', null, []), cls('b', 'c', null, []), cls('c', 'a', null, []), cls('d', 'a', null, []));
    expect(codes(t)).toEqual(['cycle@classes[5].parentId', 'cycle@classes[6].parentId', 'cycle@classes[7].parentId']);
  });

  it('detects a class that is its own parent', () => {
    const t = taxonomy();
    t.classes[0]!.parentId = 'vocal';
    expect(codes(t)).toEqual(['cycle@classes[0].parentId']);
  });

  it('detects duplicate hotkeys case-insensitively', () => {
    const t = taxonomy();
    t.classes[4]!.hotkey = 'S';
    expect(codes(t)).toEqual(['duplicate_hotkey@classes[4].hotkey']);
  });

  it('detects orphan parents and orphan attributes', () => {
    const t = taxonomy();
    t.classes[1]!.parentId = 'ghost';
    t.classes[2]!.attributeIds = ['nope'];
    expect(codes(t)).toEqual(['orphan_attribute@classes[2].attributeIds[0]', 'orphan_parent@classes[1].parentId']);
  });

  it.each([
    ['duplicate_id', (t: Taxonomy) => t.classes.push(cls('car', null, null, [])), 'classes[5].id'],
    ['duplicate_id', (t: Taxonomy) => t.attributes.push({ ...t.attributes[0]! }), 'attributes[5].id'],
    ['invalid_id', (t: Taxonomy) => (t.classes[4]!.id = 'has space'), 'classes[4].id'],
    ['empty_name', (t: Taxonomy) => (t.classes[0]!.name = '  '), 'classes[0].name'],
    ['empty_name', (t: Taxonomy) => (t.attributes[0]!.name = ''), 'attributes[0].name'],
    ['invalid_color', (t: Taxonomy) => (t.classes[0]!.color = 'red'), 'classes[0].color'],
    ['invalid_color', (t: Taxonomy) => (t.classes[0]!.color = '#12345'), 'classes[0].color'],
    ['invalid_hotkey', (t: Taxonomy) => (t.classes[0]!.hotkey = 'ab'), 'classes[0].hotkey'],
    ['invalid_hotkey', (t: Taxonomy) => (t.classes[0]!.hotkey = ' '), 'classes[0].hotkey'],
    [
      'invalid_example',
      (t: Taxonomy) => (t.classes[0]!.examples = [{ text: 'x', verdict: 'maybe' as 'include' }]),
      'classes[0].examples[0]',
    ],
    ['invalid_type', (t: Taxonomy) => (t.attributes[0]!.type = 'date' as 'text'), 'attributes[0].type'],
    ['enum_without_options', (t: Taxonomy) => (t.attributes[1]!.options = []), 'attributes[1].options'],
    ['enum_without_options', (t: Taxonomy) => delete t.attributes[1]!.options, 'attributes[1].options'],
    ['duplicate_option', (t: Taxonomy) => (t.attributes[1]!.options = ['a', 'a']), 'attributes[1].options'],
    ['invalid_range', (t: Taxonomy) => (t.attributes[2]!.min = 11), 'attributes[2].min'],
    ['invalid_range', (t: Taxonomy) => (t.attributes[2]!.max = Number.NaN), 'attributes[2].max'],
  ])('reports %s at %s', (code, mutate, path) => {
    const t = taxonomy();
    mutate(t);
    expect(codes(t)).toEqual([`${code}@${path}`]);
  });

  it('accepts a single non-ASCII hotkey and null hotkeys', () => {
    const t = taxonomy();
    t.classes[0]!.hotkey = 'é';
    expect(validateTaxonomy(t)).toEqual([]);
  });
});

describe('hierarchy helpers', () => {
  const t = taxonomy();

  it('lists ancestors nearest first and descendants breadth first', () => {
    expect(ancestors(t, 'speech')).toEqual(['vocal']);
    expect(ancestors(t, 'vocal')).toEqual([]);
    expect(descendants(t, 'vocal')).toEqual(['speech', 'laugh']);
    expect(descendants(t, 'car')).toEqual([]);
  });

  it('terminates on cyclic taxonomies', () => {
    const bad = { ...t, classes: [cls('a', 'b', null, []), cls('b', 'a', null, [])] };
    expect(ancestors(bad, 'a')).toEqual(['b']);
    expect(descendants(bad, 'a')).toEqual(['b']);
  });

  it('allowing a class allows its descendants, not its ancestors or siblings', () => {
    expect(isAllowed(t, 'speech', ['vocal'])).toBe(true);
    expect(isAllowed(t, 'vocal', ['vocal'])).toBe(true);
    expect(isAllowed(t, 'vocal', ['speech'])).toBe(false);
    expect(isAllowed(t, 'laugh', ['speech'])).toBe(false);
    expect(isAllowed(t, 'car', [])).toBe(false);
    expect(isAllowed(t, 'ghost', ['ghost'])).toBe(false);
  });

  it('labels inherit attributes from their ancestors', () => {
    expect(labelAttributeIds(t, 'speech').sort()).toEqual(['noise', 'sentiment']);
    expect(labelAttributeIds(t, 'car')).toEqual([]);
  });
});
