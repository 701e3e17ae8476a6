/**
 * Workspace keys (the timeline's own map is in web/lib/timeline/keymap.ts; it leaves plain letters
 * and digits to us): Mod+Z / Mod+Shift+Z (and Mod+Y) undo and redo one's own edits; the
 * taxonomy's class hotkeys (web/lib/inspector/labels.ts labelForHotkey) label the selected
 * annotations; Space plays when the focus is not on a control.
 */
export type WorkspaceCommand = { type: 'undo' } | { type: 'redo' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Undo/redo combo of a key event, or null. `mac`: Mod is Cmd. */
export function undoCommand(e: KeyLike, mac: boolean): WorkspaceCommand | null {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!mod || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === 'z') return { type: e.shiftKey ? 'redo' : 'undo' };
  if (k === 'y' && !e.shiftKey && !mac) return { type: 'redo' };
  return null;
}

/** True when keys typed at `target` belong to a text field, not to the workspace. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'color', 'file'].includes(type);
  }
  return el.closest('[role="dialog"]') !== null;
}

/**
 * Mod+Alt+M comments on the selection (the comment key of document editors; plain letters are
 * label hotkeys). By `code` too: with Alt, macOS types a symbol as the key.
 */
export function isCommentHotkey(e: KeyLike & { code?: string }, mac: boolean): boolean {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  return mod && e.altKey && !e.shiftKey && (e.code === 'KeyM' || e.key.toLowerCase() === 'm');
}
