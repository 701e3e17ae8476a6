import { isTypingTarget } from '../workspace/hotkeys.ts';

/**
 * The push-to-talk key, by physical key (`KeyboardEvent.code`, layout-independent). The default,
 * Backquote, is free in the workspace (letters label, Space plays); the user may pick another.
 */
export const defaultPushToTalkKey = 'Backquote';
const storageKey = 'concord.voice.pushToTalkKey';

export function loadPushToTalkKey(): string {
  try {
    return localStorage.getItem(storageKey) || defaultPushToTalkKey;
  } catch {
    return defaultPushToTalkKey;
  }
}

export function savePushToTalkKey(code: string): void {
  try {
    localStorage.setItem(storageKey, code);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** True when the event is the push-to-talk key pressed or released outside a text field. */
export function isPushToTalk(e: KeyboardEvent, code: string): boolean {
  return e.code === code && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target);
}

/** A readable name of a key code: `KeyT` → T, `Digit5` → 5, `Backquote` → `. */
export function keyLabel(code: string): string {
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  const named: Record<string, string> = { Backquote: '`', Space: 'Space', CapsLock: 'Caps Lock' };
  return named[code] ?? code;
}
