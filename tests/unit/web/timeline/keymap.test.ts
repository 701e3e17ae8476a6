/** The keyboard map: combo normalisation, platform Mod, overrides, and the README listing it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYMAP, KeyResolver, eventCombo, normalizeCombo } from '../../../../web/lib/timeline/keymap.ts';

describe('keymap', () => {
  const linux = new KeyResolver(DEFAULT_KEYMAP, false);
  const mac = new KeyResolver(DEFAULT_KEYMAP, true);

  it('resolves arrows with and without modifiers', () => {
    expect(linux.resolve({ key: 'ArrowLeft' })).toEqual({ type: 'stepFrames', delta: -1 });
    expect(linux.resolve({ key: 'ArrowRight', shiftKey: true })).toEqual({ type: 'stepSeconds', delta: 1 });
    expect(linux.resolve({ key: 'ArrowRight', altKey: true })).toEqual({ type: 'jumpBoundary', dir: 1 });
    expect(linux.resolve({ key: 'ArrowLeft', ctrlKey: true })).toEqual({ type: 'nudgeFrames', delta: -1 });
    expect(linux.resolve({ key: 'ArrowLeft', ctrlKey: true, shiftKey: true })).toEqual({
      type: 'nudgeSeconds',
      delta: -1,
    });
    expect(linux.resolve({ key: 'ArrowLeft', ctrlKey: true, altKey: true })).toBeNull();
  });

  it('Mod is Ctrl on Linux/Windows and Meta on macOS', () => {
    expect(linux.resolve({ key: 'j', ctrlKey: true })).toEqual({ type: 'mergeNext' });
    expect(linux.resolve({ key: 'j', metaKey: true })).toBeNull();
    expect(mac.resolve({ key: 'j', metaKey: true })).toEqual({ type: 'mergeNext' });
    expect(mac.resolve({ key: 'J', metaKey: true })).toEqual({ type: 'mergeNext' }); // caps lock
  });

  it('shifted symbols match by character, whatever Shift says', () => {
    expect(linux.resolve({ key: '{', shiftKey: true })).toEqual({ type: 'trimStart' });
    expect(linux.resolve({ key: '}', shiftKey: true })).toEqual({ type: 'trimEnd' });
    expect(linux.resolve({ key: '+', shiftKey: true })).toEqual({ type: 'zoom', factor: 1.5 });
    expect(linux.resolve({ key: '[' })).toEqual({ type: 'markIn' });
    expect(linux.resolve({ key: '/' })).toEqual({ type: 'split' });
    expect(linux.resolve({ key: ' ' })).toEqual({ type: 'togglePlay' });
    expect(linux.resolve({ key: 'Enter' })).toEqual({ type: 'create' });
  });

  it('leaves letters and digits to label hotkeys (and Mod+Z to undo)', () => {
    for (const key of [...'abcdefghijklmnopqrstuvwxyz0123456789']) {
      expect(linux.resolve({ key })).toBeNull();
      expect(linux.resolve({ key: key.toUpperCase(), shiftKey: true })).toBeNull();
    }
    expect(linux.resolve({ key: 'z', ctrlKey: true })).toBeNull();
  });

  it('normalises combos and rejects junk', () => {
    expect(normalizeCombo('Shift+Mod+ArrowLeft')).toBe('Ctrl+Shift+ArrowLeft');
    expect(normalizeCombo('Mod+Shift+ArrowLeft', true)).toBe('Shift+Meta+ArrowLeft');
    expect(normalizeCombo('Ctrl++')).toBe('Ctrl++');
    expect(normalizeCombo('Shift+{')).toBe('{');
    expect(eventCombo({ key: 'K', shiftKey: true, altKey: true })).toBe('Alt+Shift+k');
    expect(() => normalizeCombo('Hyper+x')).toThrow(/modifier/);
    expect(() => normalizeCombo('Ctrl+')).toThrow();
  });

  it('custom maps override the defaults', () => {
    const custom = new KeyResolver([...DEFAULT_KEYMAP, { keys: '/', command: { type: 'delete' }, help: '' }]);
    expect(custom.resolve({ key: '/' })).toEqual({ type: 'delete' });
  });

  it('every default binding is documented in the timeline README', () => {
    const readme = readFileSync(new URL('../../../../web/lib/timeline/README.md', import.meta.url), 'utf8');
    for (const b of DEFAULT_KEYMAP) {
      // Space is spelled out; a pipe is escaped inside the Markdown table.
      const shown = b.keys === ' ' ? 'Space' : b.keys === '|' ? '\\|' : b.keys;
      expect(readme, b.keys).toContain(`\`${shown}\``);
    }
  });
});
