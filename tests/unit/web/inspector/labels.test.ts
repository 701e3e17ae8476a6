/** Allowed labels, hotkey lookup, key events → hotkeys, guideline chains. */
import { describe, expect, it } from 'vitest';
import {
  allowedLabels,
  guidelineChain,
  hotkeyFromEvent,
  labelForHotkey,
  tierLabelForHotkey,
  withAlpha,
} from '../../../../web/lib/inspector/labels.ts';
import { taxonomy, tiers } from '../transcript/fixtures.ts';

const tier = (id: string) => tiers().find((t) => t.id === id)!;

describe('allowedLabels', () => {
  it('lists allowed classes and their descendants in tree order with depth', () => {
    expect(allowedLabels(taxonomy(), tier('ner')).map((e) => [e.cls.id, e.depth])).toEqual([
      ['entity', 0],
      ['person', 1],
      ['speaker_a', 2],
      ['place', 1],
    ]);
    expect(allowedLabels(taxonomy(), tier('transcript')).map((e) => e.cls.id)).toEqual(['noise', 'speech']);
    expect(allowedLabels(taxonomy(), null)).toEqual([]);
    expect(allowedLabels(taxonomy(), { ...tier('ner'), allowedClassIds: [] })).toEqual([]);
  });

  it('keeps depth relative to allowed ancestors', () => {
    const t = { ...tier('ner'), allowedClassIds: ['person'] };
    expect(allowedLabels(taxonomy(), t).map((e) => [e.cls.id, e.depth])).toEqual([
      ['person', 0],
      ['speaker_a', 1],
    ]);
  });
});

describe('labelForHotkey', () => {
  it('resolves case-insensitively among the labels allowed on the tier', () => {
    const tax = taxonomy();
    expect(labelForHotkey(tax, tier('ner'), 'p')).toBe('person');
    expect(labelForHotkey(tax, tier('ner'), 'P')).toBe('person');
    expect(labelForHotkey(tax, tier('ner'), 'E')).toBe('entity');
    expect(labelForHotkey(tax, tier('ner'), 'n')).toBeNull(); // noise: not on this tier
    expect(labelForHotkey(tax, tier('transcript'), 'n')).toBe('noise');
    expect(labelForHotkey(tax, tier('ner'), 'x')).toBeNull();
    expect(labelForHotkey(tax, tier('ner'), 'pp')).toBeNull();
    expect(labelForHotkey(tax, null, 'p')).toBeNull();
  });

  it('picks the first of several span tiers that has the key', () => {
    const ts = [tier('ner'), tier('sound')];
    expect(tierLabelForHotkey(taxonomy(), ts, 'n')).toEqual({ tierId: 'sound', labelId: 'noise' });
    expect(tierLabelForHotkey(taxonomy(), ts, 'l')).toEqual({ tierId: 'ner', labelId: 'place' });
    expect(tierLabelForHotkey(taxonomy(), ts, 's')).toBeNull();
  });
});

describe('hotkeyFromEvent', () => {
  it('reads printable keys, the physical key under Alt, and nothing with Ctrl/Cmd', () => {
    expect(hotkeyFromEvent({ key: 'p' })).toBe('p');
    expect(hotkeyFromEvent({ key: 'P', code: 'KeyP' })).toBe('P');
    expect(hotkeyFromEvent({ key: 'π', code: 'KeyP', altKey: true })).toBe('p'); // macOS Alt+P
    expect(hotkeyFromEvent({ key: '¡', code: 'Digit1', altKey: true })).toBe('1');
    expect(hotkeyFromEvent({ key: 'p', ctrlKey: true })).toBeNull();
    expect(hotkeyFromEvent({ key: 'p', metaKey: true })).toBeNull();
    expect(hotkeyFromEvent({ key: 'Enter' })).toBeNull();
    expect(hotkeyFromEvent({ key: ' ' })).toBeNull();
    expect(hotkeyFromEvent({ key: 'a', isComposing: true })).toBeNull();
  });
});

describe('guidelineChain', () => {
  it('is the label then its ancestors', () => {
    expect(guidelineChain(taxonomy(), 'speaker_a').map((c) => c.id)).toEqual(['speaker_a', 'person', 'entity']);
    expect(guidelineChain(taxonomy(), 'noise').map((c) => c.id)).toEqual(['noise']);
    expect(guidelineChain(taxonomy(), null)).toEqual([]);
    expect(guidelineChain(taxonomy(), 'missing')).toEqual([]);
  });

  it('is safe on a cyclic taxonomy', () => {
    const tax = taxonomy();
    tax.classes.find((c) => c.id === 'entity')!.parentId = 'speaker_a';
    expect(guidelineChain(tax, 'person').map((c) => c.id)).toEqual(['person', 'entity', 'speaker_a']);
    expect(
      allowedLabels(tax, tier('ner'))
        .map((e) => e.cls.id)
        .sort(),
    ).toEqual(['entity', 'person', 'place', 'speaker_a']);
  });
});

describe('withAlpha', () => {
  it('appends an alpha channel to #rrggbb', () => {
    expect(withAlpha('#ff0000', 0.5)).toBe('#ff000080');
    expect(withAlpha('red', 0.5)).toBe('red');
  });
});
