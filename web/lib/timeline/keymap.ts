/**
 * Keyboard commands of the timeline. Plain letters and digits are deliberately left free: the
 * workspace binds them to taxonomy label hotkeys (and Mod+Z to undo). A key the map does not
 * resolve is not consumed, so it bubbles to the workspace.
 *
 * Combos are written `Mod+Shift+ArrowLeft`: modifiers `Ctrl`, `Alt`, `Shift`, `Meta` and `Mod`
 * (Meta on macOS, Ctrl elsewhere), then the `KeyboardEvent.key` value. For printable symbols the
 * shifted character is the key (`{`, not `Shift+[`); letters are case-insensitive and keep Shift.
 */

export type Command =
  | { type: 'stepFrames'; delta: number }
  | { type: 'stepSeconds'; delta: number }
  | { type: 'jumpBoundary'; dir: 1 | -1 }
  | { type: 'seekStart' }
  | { type: 'seekEnd' }
  | { type: 'laneDelta'; delta: number }
  | { type: 'selectAdjacent'; dir: 1 | -1 }
  | { type: 'markIn' }
  | { type: 'markOut' }
  | { type: 'trimStart' }
  | { type: 'trimEnd' }
  | { type: 'create' }
  | { type: 'split' }
  | { type: 'mergeNext' }
  | { type: 'delete' }
  | { type: 'nudgeFrames'; delta: number }
  | { type: 'nudgeSeconds'; delta: number }
  | { type: 'zoom'; factor: number }
  | { type: 'zoomFit' }
  | { type: 'zoomSelection' }
  | { type: 'escape' }
  | { type: 'togglePlay' };

export interface KeyBinding {
  keys: string;
  command: Command;
  /** One line for the help panel and README. */
  help: string;
}

export type Keymap = readonly KeyBinding[];

/** The default bindings (documented in README.md — keep the two in sync; a test checks). */
export const DEFAULT_KEYMAP: Keymap = [
  {
    keys: 'ArrowLeft',
    command: { type: 'stepFrames', delta: -1 },
    help: 'playhead one frame back (10 ms without video)',
  },
  { keys: 'ArrowRight', command: { type: 'stepFrames', delta: 1 }, help: 'playhead one frame forward' },
  { keys: 'Shift+ArrowLeft', command: { type: 'stepSeconds', delta: -1 }, help: 'playhead one second back' },
  { keys: 'Shift+ArrowRight', command: { type: 'stepSeconds', delta: 1 }, help: 'playhead one second forward' },
  {
    keys: 'Alt+ArrowLeft',
    command: { type: 'jumpBoundary', dir: -1 },
    help: 'playhead to the previous boundary on the active lane',
  },
  {
    keys: 'Alt+ArrowRight',
    command: { type: 'jumpBoundary', dir: 1 },
    help: 'playhead to the next boundary on the active lane',
  },
  {
    keys: 'Mod+ArrowLeft',
    command: { type: 'nudgeFrames', delta: -1 },
    help: 'move the selected annotations one frame back',
  },
  {
    keys: 'Mod+ArrowRight',
    command: { type: 'nudgeFrames', delta: 1 },
    help: 'move the selected annotations one frame forward',
  },
  {
    keys: 'Mod+Shift+ArrowLeft',
    command: { type: 'nudgeSeconds', delta: -1 },
    help: 'move the selected annotations one second back',
  },
  {
    keys: 'Mod+Shift+ArrowRight',
    command: { type: 'nudgeSeconds', delta: 1 },
    help: 'move the selected annotations one second forward',
  },
  { keys: 'Home', command: { type: 'seekStart' }, help: 'playhead to the start' },
  { keys: 'End', command: { type: 'seekEnd' }, help: 'playhead to the end' },
  { keys: 'ArrowUp', command: { type: 'laneDelta', delta: -1 }, help: 'previous lane' },
  { keys: 'ArrowDown', command: { type: 'laneDelta', delta: 1 }, help: 'next lane' },
  {
    keys: ',',
    command: { type: 'selectAdjacent', dir: -1 },
    help: 'select the previous annotation on the active lane',
  },
  { keys: '.', command: { type: 'selectAdjacent', dir: 1 }, help: 'select the next annotation on the active lane' },
  { keys: '[', command: { type: 'markIn' }, help: 'selection range starts at the playhead' },
  { keys: ']', command: { type: 'markOut' }, help: 'selection range ends at the playhead' },
  { keys: '{', command: { type: 'trimStart' }, help: 'selected segment starts at the playhead' },
  { keys: '}', command: { type: 'trimEnd' }, help: 'selected segment ends at the playhead' },
  {
    keys: 'Enter',
    command: { type: 'create' },
    help: 'create on the active lane: a segment over the selection range (else playhead + 1 s), or an event at the playhead',
  },
  {
    keys: '/',
    command: { type: 'split' },
    help: 'split the selected segment (or the one under the playhead) at the playhead',
  },
  {
    keys: 'Mod+j',
    command: { type: 'mergeNext' },
    help: 'merge the selected segment with the next one (or the two selected)',
  },
  { keys: 'Delete', command: { type: 'delete' }, help: 'delete the selected annotations' },
  { keys: 'Backspace', command: { type: 'delete' }, help: 'delete the selected annotations' },
  { keys: '=', command: { type: 'zoom', factor: 1.5 }, help: 'zoom in around the playhead' },
  { keys: '+', command: { type: 'zoom', factor: 1.5 }, help: 'zoom in around the playhead' },
  { keys: '-', command: { type: 'zoom', factor: 1 / 1.5 }, help: 'zoom out around the playhead' },
  { keys: '\\', command: { type: 'zoomFit' }, help: 'zoom to the whole file' },
  { keys: '|', command: { type: 'zoomSelection' }, help: 'zoom to the selection range or the selected annotation' },
  {
    keys: 'Escape',
    command: { type: 'escape' },
    help: 'cancel the drag, else clear the selected annotations, else the range',
  },
  { keys: ' ', command: { type: 'togglePlay' }, help: 'play / pause (reported to the player)' },
];

/** The parts of a KeyboardEvent the map looks at. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  metaKey?: boolean;
}

const MODIFIER_ORDER = ['Ctrl', 'Alt', 'Shift', 'Meta'] as const;
type Modifier = (typeof MODIFIER_ORDER)[number];

function isPrintableSymbol(key: string): boolean {
  return [...key].length === 1 && !/[\p{L}\p{N}]/u.test(key) && key !== ' ';
}

function canonical(mods: Set<Modifier>, key: string): string {
  let k = key.length === 1 ? key.toLowerCase() : key;
  if (k === 'Spacebar') k = ' ';
  if (isPrintableSymbol(k)) mods.delete('Shift'); // the shifted symbol already says it
  return [...MODIFIER_ORDER.filter((m) => mods.has(m)), k].join('+');
}

/** Canonical form of a combo string (`Mod` resolved for the platform). Throws on junk. */
export function normalizeCombo(combo: string, mac = false): string {
  // Split on '+' but keep a trailing '+' (the plus key itself).
  const parts =
    combo === '+' ? ['+'] : combo.endsWith('++') ? [...combo.slice(0, -2).split('+'), '+'] : combo.split('+');
  const key = parts.pop();
  if (key === undefined || key === '') throw new Error(`keymap: no key in "${combo}"`);
  const mods = new Set<Modifier>();
  for (const p of parts) {
    if (p === 'Mod') mods.add(mac ? 'Meta' : 'Ctrl');
    else if ((MODIFIER_ORDER as readonly string[]).includes(p)) mods.add(p as Modifier);
    else throw new Error(`keymap: unknown modifier "${p}" in "${combo}"`);
  }
  return canonical(mods, key);
}

/** Canonical combo of a key event. */
export function eventCombo(e: KeyInput): string {
  const mods = new Set<Modifier>();
  if (e.ctrlKey) mods.add('Ctrl');
  if (e.altKey) mods.add('Alt');
  if (e.shiftKey) mods.add('Shift');
  if (e.metaKey) mods.add('Meta');
  return canonical(mods, e.key);
}

/** A compiled keymap: combo → command. Later bindings of the same combo win. */
export class KeyResolver {
  private readonly table = new Map<string, Command>();

  constructor(keymap: Keymap = DEFAULT_KEYMAP, mac = false) {
    for (const b of keymap) this.table.set(normalizeCombo(b.keys, mac), b.command);
  }

  resolve(e: KeyInput): Command | null {
    return this.table.get(eventCombo(e)) ?? null;
  }
}

/** True on macOS-like platforms (Mod = Meta). */
export function isMacPlatform(): boolean {
  const nav = (globalThis as { navigator?: { platform?: string; userAgent?: string } }).navigator;
  return /Mac|iPhone|iPad/.test(nav?.platform ?? nav?.userAgent ?? '');
}
