/**
 * Labels of a tier, hotkeys and guideline chains: pure helpers over the project taxonomy shared by
 * the label palette, the inspector, the guidelines panel and the transcript's span labelling.
 */
import { ancestors, isAllowed } from '../../../shared/model/taxonomy.ts';
import type { LabelClass, Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../shared/model/tier.ts';

/** A label allowed on a tier, with its depth among the allowed labels (for indentation). */
export interface LabelEntry {
  cls: LabelClass;
  depth: number;
}

/** Classes in tree order: each parent followed by its children, siblings in taxonomy order. */
function treeOrder(taxonomy: Taxonomy): LabelClass[] {
  const ids = new Set(taxonomy.classes.map((c) => c.id));
  const children = new Map<string | null, LabelClass[]>();
  for (const c of taxonomy.classes) {
    // A class whose parent is missing is shown as a root rather than lost.
    const parent = c.parentId !== null && ids.has(c.parentId) && c.parentId !== c.id ? c.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  const out: LabelClass[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null): void => {
    for (const c of children.get(parent) ?? []) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
      visit(c.id);
    }
  };
  visit(null);
  // Classes on a parent cycle are unreachable from the roots; keep them, last.
  for (const c of taxonomy.classes)
    if (!seen.has(c.id)) {
      seen.add(c.id);
      out.push(c);
    }
  return out;
}

/**
 * Labels allowed on a tier (its allowed classes and their descendants) in tree order; `depth`
 * counts the allowed ancestors. Empty for a null tier or a tier that takes no labels.
 */
export function allowedLabels(taxonomy: Taxonomy, tier: Tier | null): LabelEntry[] {
  if (tier === null || tier.allowedClassIds.length === 0) return [];
  const allowed = treeOrder(taxonomy).filter((c) => isAllowed(taxonomy, c.id, tier.allowedClassIds));
  const allowedIds = new Set(allowed.map((c) => c.id));
  return allowed.map((cls) => ({ cls, depth: ancestors(taxonomy, cls.id).filter((a) => allowedIds.has(a)).length }));
}

/** The class with this id, or undefined. */
export function labelById(taxonomy: Taxonomy, id: string | null | undefined): LabelClass | undefined {
  return id === null || id === undefined ? undefined : taxonomy.classes.find((c) => c.id === id);
}

/**
 * The label a hotkey picks on a tier: the allowed class whose hotkey is `key`, compared
 * case-insensitively (the taxonomy keeps hotkeys unique that way: with Shift or Caps Lock `a` and
 * `A` are one key to a user). Null when no allowed class has it.
 */
export function labelForHotkey(taxonomy: Taxonomy, tier: Tier | null, key: string): string | null {
  if (tier === null || [...key].length !== 1) return null;
  const k = key.toLowerCase();
  const hit = taxonomy.classes.find((c) => c.hotkey !== null && c.hotkey.toLowerCase() === k);
  return hit !== undefined && isAllowed(taxonomy, hit.id, tier.allowedClassIds) ? hit.id : null;
}

/** The first of several tiers on which a hotkey picks a label (spans of a transcript). */
export function tierLabelForHotkey(
  taxonomy: Taxonomy,
  tiers: readonly Tier[],
  key: string,
): { tierId: string; labelId: string } | null {
  for (const tier of tiers) {
    const labelId = labelForHotkey(taxonomy, tier, key);
    if (labelId !== null) return { tierId: tier.id, labelId };
  }
  return null;
}

/** What hotkeyFromEvent reads of a KeyboardEvent. */
export interface HotkeyInput {
  key: string;
  code?: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
}

/**
 * The hotkey character of a key press, or null when it cannot be one (Ctrl/Cmd held, a named key
 * such as `Enter`, an IME composition). With Alt held the physical key is used for letters and
 * digits (`code` `KeyS` → `s`), since Alt+S types `ß` on macOS: in a text field, label hotkeys
 * are Alt+key so that plain keys still type.
 */
export function hotkeyFromEvent(e: HotkeyInput): string | null {
  if (e.ctrlKey === true || e.metaKey === true || e.isComposing === true) return null;
  if (e.altKey === true && e.code !== undefined) {
    const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(e.code);
    if (m !== null) return (m[1] ?? m[2]!).toLowerCase();
  }
  return [...e.key].length === 1 && e.key.trim() !== '' ? e.key : null;
}

/** A label and its ancestors, nearest first: the chain of guidelines that apply to it. */
export function guidelineChain(taxonomy: Taxonomy, labelId: string | null): LabelClass[] {
  const self = labelById(taxonomy, labelId);
  if (self === undefined) return [];
  return [self, ...ancestors(taxonomy, self.id).flatMap((id) => labelById(taxonomy, id) ?? [])];
}

/** `#rrggbb` with an alpha channel (for tints of label colours); other strings pass through. */
export function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) return color;
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255);
  return `${color}${a.toString(16).padStart(2, '0')}`;
}
