/** Pure helpers of the taxonomy and tiers editors (tree order, id renames, reference clean-up). */
import type { LabelClass, Taxonomy } from '$shared/model/taxonomy.ts';
import type { Tier } from '$shared/model/tier.ts';

export interface TreeRow {
  /** Index into taxonomy.classes. */
  index: number;
  depth: number;
}

/**
 * Classes in tree order (depth first, siblings in list order). Classes whose parent is missing
 * or that sit on a cycle are shown at the top level, so a broken taxonomy stays editable.
 */
export function treeOrder(classes: readonly LabelClass[]): TreeRow[] {
  const ids = new Set(classes.map((c) => c.id));
  const children = new Map<string | null, number[]>();
  classes.forEach((c, i) => {
    const parent = c.parentId !== null && ids.has(c.parentId) && c.parentId !== c.id ? c.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(i);
    children.set(parent, list);
  });
  const out: TreeRow[] = [];
  const seen = new Set<number>();
  const walk = (parent: string, depth: number) => {
    for (const i of children.get(parent) ?? []) {
      if (seen.has(i)) continue;
      seen.add(i);
      out.push({ index: i, depth });
      walk(classes[i]!.id, depth + 1);
    }
  };
  for (const i of children.get(null) ?? []) {
    if (seen.has(i)) continue;
    seen.add(i);
    out.push({ index: i, depth: 0 });
    walk(classes[i]!.id, 1);
  }
  classes.forEach((c, i) => {
    if (seen.has(i)) return;
    seen.add(i);
    out.push({ index: i, depth: 0 });
    walk(c.id, 1);
  });
  return out;
}

/** Renames a class id everywhere it is referenced (parents, tiers' allowed classes). */
export function renameClassId(taxonomy: Taxonomy, tiers: Tier[], from: string, to: string): void {
  for (const c of taxonomy.classes) {
    if (c.id === from) c.id = to;
    if (c.parentId === from) c.parentId = to;
  }
  for (const t of tiers) t.allowedClassIds = t.allowedClassIds.map((id) => (id === from ? to : id));
}

/** Removes class `index`: its children move up to its parent, tiers stop allowing it. */
export function removeClass(taxonomy: Taxonomy, tiers: Tier[], index: number): void {
  const gone = taxonomy.classes[index];
  if (!gone) return;
  for (const c of taxonomy.classes) if (c.parentId === gone.id) c.parentId = gone.parentId;
  for (const t of tiers) t.allowedClassIds = t.allowedClassIds.filter((id) => id !== gone.id);
  taxonomy.classes.splice(index, 1);
}

export function renameAttributeId(taxonomy: Taxonomy, tiers: Tier[], from: string, to: string): void {
  for (const a of taxonomy.attributes) if (a.id === from) a.id = to;
  for (const c of taxonomy.classes) c.attributeIds = c.attributeIds.map((id) => (id === from ? to : id));
  for (const t of tiers) t.attributeIds = t.attributeIds.map((id) => (id === from ? to : id));
}

export function removeAttribute(taxonomy: Taxonomy, tiers: Tier[], index: number): void {
  const gone = taxonomy.attributes[index];
  if (!gone) return;
  for (const c of taxonomy.classes) c.attributeIds = c.attributeIds.filter((id) => id !== gone.id);
  for (const t of tiers) t.attributeIds = t.attributeIds.filter((id) => id !== gone.id);
  taxonomy.attributes.splice(index, 1);
}

export function renameTierId(tiers: Tier[], from: string, to: string): void {
  for (const t of tiers) {
    if (t.id === from) t.id = to;
    if (t.parentTierId === from) t.parentTierId = to;
  }
}

/** Removes tier `index`; tiers under it lose their parent (and relation). */
export function removeTier(tiers: Tier[], index: number): void {
  const gone = tiers[index];
  if (!gone) return;
  for (const t of tiers) {
    if (t.parentTierId === gone.id) {
      t.parentTierId = null;
      t.relation = null;
    }
  }
  tiers.splice(index, 1);
}

/** Index in the list from a validator path: `classes[3].hotkey` → 3 for prefix `classes`. */
export function pathIndex(path: string, prefix: string): number | null {
  const match = new RegExp(`^${prefix}\\[(\\d+)\\]`).exec(path);
  return match ? Number(match[1]) : null;
}

export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#2f6fd6',
];
