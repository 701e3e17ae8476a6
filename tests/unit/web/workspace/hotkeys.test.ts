/** The workspace's own keys: the comment hotkey. */
import { describe, expect, it } from 'vitest';
import { isCommentHotkey } from '../../../../web/lib/workspace/hotkeys.ts';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>>,
  code?: string,
) => ({
  key: k,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('isCommentHotkey', () => {
  it('is Ctrl+Alt+M off macOS and Cmd+Option+M on it (by code: Option types µ)', () => {
    expect(isCommentHotkey(key('m', { ctrlKey: true, altKey: true }, 'KeyM'), false)).toBe(true);
    expect(isCommentHotkey(key('M', { ctrlKey: true, altKey: true }), false)).toBe(true);
    expect(isCommentHotkey(key('µ', { metaKey: true, altKey: true }, 'KeyM'), true)).toBe(true);
    expect(isCommentHotkey(key('m', { metaKey: true, altKey: true }, 'KeyM'), false)).toBe(false);
    expect(isCommentHotkey(key('m', { ctrlKey: true, altKey: true }, 'KeyM'), true)).toBe(false);
  });

  it('leaves plain m (a label hotkey) and other combos alone', () => {
    expect(isCommentHotkey(key('m', {}, 'KeyM'), false)).toBe(false);
    expect(isCommentHotkey(key('m', { altKey: true }, 'KeyM'), false)).toBe(false);
    expect(isCommentHotkey(key('m', { ctrlKey: true }, 'KeyM'), false)).toBe(false);
    expect(isCommentHotkey(key('M', { ctrlKey: true, altKey: true, shiftKey: true }, 'KeyM'), false)).toBe(false);
    expect(isCommentHotkey(key('n', { ctrlKey: true, altKey: true }, 'KeyN'), false)).toBe(false);
  });
});
