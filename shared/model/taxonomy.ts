/**
 * Label taxonomy of a project: one hierarchical set of classes shared by every modality, and the
 * typed attributes classes (and tiers) may carry. Plain data (stored in Postgres as JSON, sent over
 * REST); validation here is the single place that decides what a well-formed taxonomy is.
 */
import { COLOR_RE, issue, isId } from './issues.ts';
import type { ValidationIssue } from './issues.ts';

/** An example from the guideline text, marked as an edge case to include or to exclude. */
export interface GuidelineExample {
  text: string;
  verdict: 'include' | 'exclude';
}

/** One label class. `parentId` builds the hierarchy; allowing a class allows its descendants. */
export interface LabelClass {
  id: string;
  name: string;
  parentId: string | null;
  /** `#rrggbb`. */
  color: string;
  /** One printable character, unique in the taxonomy (case-insensitive), or null. */
  hotkey: string | null;
  description: string;
  guideline: string;
  examples: GuidelineExample[];
  /** Attributes an annotation with this label may carry (inherited by descendants). */
  attributeIds: string[];
}

export type AttributeType = 'enum' | 'number' | 'text' | 'boolean';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['enum', 'number', 'text', 'boolean'];

/** A typed attribute (speaker, sentiment, noise level, ...). */
export interface AttributeDef {
  id: string;
  name: string;
  type: AttributeType;
  /** Allowed values of an `enum` attribute (non-empty, unique). */
  options?: string[];
  /** Inclusive bounds of a `number` attribute. */
  min?: number;
  max?: number;
  /** An annotation that may carry this attribute must carry it. */
  required: boolean;
}

export interface Taxonomy {
  classes: LabelClass[];
  attributes: AttributeDef[];
}

/** Value of one attribute on an annotation. */
export type AttributeValue = string | number | boolean;

/**
 * All problems of a taxonomy; empty means valid. Codes: invalid_id, duplicate_id, empty_name,
 * invalid_color, invalid_hotkey, duplicate_hotkey, orphan_parent, cycle, orphan_attribute,
 * invalid_example, invalid_type, enum_without_options, duplicate_option, invalid_range.
 */
export function validateTaxonomy(t: Taxonomy): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const attrIds = new Set<string>();
  t.attributes.forEach((a, i) => {
    const p = `attributes[${i}]`;
    if (!isId(a.id)) issues.push(issue('invalid_id', `${p}.id`, `attribute id "${String(a.id)}" is not a valid id`));
    else if (attrIds.has(a.id)) issues.push(issue('duplicate_id', `${p}.id`, `attribute id "${a.id}" is used twice`));
    attrIds.add(a.id);
    if (typeof a.name !== 'string' || a.name.trim() === '')
      issues.push(issue('empty_name', `${p}.name`, `attribute "${a.id}" has no name`));
    if (!ATTRIBUTE_TYPES.includes(a.type))
      issues.push(issue('invalid_type', `${p}.type`, `attribute "${a.id}" has unknown type "${String(a.type)}"`));
    if (a.type === 'enum') {
      if (!Array.isArray(a.options) || a.options.length === 0)
        issues.push(issue('enum_without_options', `${p}.options`, `enum attribute "${a.id}" has no options`));
      else if (new Set(a.options).size !== a.options.length)
        issues.push(issue('duplicate_option', `${p}.options`, `enum attribute "${a.id}" repeats an option`));
    }
    if (a.min !== undefined && !Number.isFinite(a.min))
      issues.push(issue('invalid_range', `${p}.min`, `attribute "${a.id}" has a non-finite min`));
    if (a.max !== undefined && !Number.isFinite(a.max))
      issues.push(issue('invalid_range', `${p}.max`, `attribute "${a.id}" has a non-finite max`));
    if (a.min !== undefined && a.max !== undefined && a.min > a.max)
      issues.push(issue('invalid_range', `${p}.min`, `attribute "${a.id}" has min > max`));
  });

  const classIds = new Set<string>();
  const hotkeys = new Map<string, string>();
  t.classes.forEach((c, i) => {
    const p = `classes[${i}]`;
    if (!isId(c.id)) issues.push(issue('invalid_id', `${p}.id`, `class id "${String(c.id)}" is not a valid id`));
    else if (classIds.has(c.id)) issues.push(issue('duplicate_id', `${p}.id`, `class id "${c.id}" is used twice`));
    classIds.add(c.id);
    if (typeof c.name !== 'string' || c.name.trim() === '')
      issues.push(issue('empty_name', `${p}.name`, `class "${c.id}" has no name`));
    if (typeof c.color !== 'string' || !COLOR_RE.test(c.color))
      issues.push(issue('invalid_color', `${p}.color`, `class "${c.id}" colour must be #rrggbb`));
    if (c.hotkey !== null) {
      // One code point, printable: a hotkey is one keypress, and whitespace is taken by playback.
      if (typeof c.hotkey !== 'string' || [...c.hotkey].length !== 1 || c.hotkey.trim() === '')
        issues.push(issue('invalid_hotkey', `${p}.hotkey`, `class "${c.id}" hotkey must be one printable key`));
      else {
        // Case-insensitive: with caps lock or shift, 'a' and 'A' are the same key to a user.
        const key = c.hotkey.toLowerCase();
        const other = hotkeys.get(key);
        if (other !== undefined)
          issues.push(issue('duplicate_hotkey', `${p}.hotkey`, `hotkey "${c.hotkey}" is used by "${other}" too`));
        else hotkeys.set(key, c.id);
      }
    }
    (Array.isArray(c.examples) ? c.examples : []).forEach((e, j) => {
      if (typeof e?.text !== 'string' || (e.verdict !== 'include' && e.verdict !== 'exclude'))
        issues.push(issue('invalid_example', `${p}.examples[${j}]`, `example needs text and include/exclude`));
    });
    (Array.isArray(c.attributeIds) ? c.attributeIds : []).forEach((id, j) => {
      if (!attrIds.has(id))
        issues.push(issue('orphan_attribute', `${p}.attributeIds[${j}]`, `class "${c.id}": no attribute "${id}"`));
    });
  });

  t.classes.forEach((c, i) => {
    if (c.parentId !== null && !classIds.has(c.parentId))
      issues.push(issue('orphan_parent', `classes[${i}].parentId`, `class "${c.id}": no parent "${c.parentId}"`));
  });
  for (const id of classesInCycles(t)) {
    const i = t.classes.findIndex((c) => c.id === id);
    issues.push(issue('cycle', `classes[${i}].parentId`, `class "${id}" is its own ancestor`));
  }
  return issues;
}

/** Ids of classes that lie on a parent cycle (each reported once, in taxonomy order). */
function classesInCycles(t: Taxonomy): string[] {
  const parent = parentMap(t);
  const onCycle = new Set<string>();
  for (const c of t.classes) {
    // Walk up at most n steps: coming back to the start means c is on a cycle.
    let cur = parent.get(c.id) ?? null;
    for (let steps = 0; cur !== null && steps <= t.classes.length; steps++) {
      if (cur === c.id) {
        onCycle.add(c.id);
        break;
      }
      cur = parent.get(cur) ?? null;
    }
  }
  return t.classes.map((c) => c.id).filter((id) => onCycle.has(id));
}

function parentMap(t: Taxonomy): Map<string, string | null> {
  return new Map(t.classes.map((c) => [c.id, c.parentId]));
}

/**
 * Ancestors of a class, nearest first (parent, grandparent, ...). Stops at a cycle or a missing
 * parent instead of looping, so it is safe on a taxonomy that failed validation.
 */
export function ancestors(t: Taxonomy, classId: string): string[] {
  const parent = parentMap(t);
  const out: string[] = [];
  const seen = new Set([classId]);
  let cur = parent.get(classId) ?? null;
  while (cur !== null && !seen.has(cur) && parent.has(cur)) {
    out.push(cur);
    seen.add(cur);
    cur = parent.get(cur) ?? null;
  }
  return out;
}

/** All descendants of a class (children, grandchildren, ...), breadth first; cycle-safe. */
export function descendants(t: Taxonomy, classId: string): string[] {
  const children = new Map<string, string[]>();
  for (const c of t.classes) {
    if (c.parentId === null) continue;
    const list = children.get(c.parentId) ?? [];
    list.push(c.id);
    children.set(c.parentId, list);
  }
  const out: string[] = [];
  const seen = new Set([classId]);
  const queue = [classId];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as string) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * True when `labelId` is one of `allowedClassIds` or a descendant of one: allowing "vehicle"
 * allows "car". An empty allow list allows nothing. Unknown labels are never allowed.
 */
export function isAllowed(t: Taxonomy, labelId: string, allowedClassIds: readonly string[]): boolean {
  if (!t.classes.some((c) => c.id === labelId)) return false;
  if (allowedClassIds.includes(labelId)) return true;
  return ancestors(t, labelId).some((a) => allowedClassIds.includes(a));
}

/** Attribute ids a label carries: its own and those inherited from its ancestors. */
export function labelAttributeIds(t: Taxonomy, labelId: string): string[] {
  const byId = new Map(t.classes.map((c) => [c.id, c]));
  const out = new Set<string>();
  for (const id of [labelId, ...ancestors(t, labelId)]) for (const a of byId.get(id)?.attributeIds ?? []) out.add(a);
  return [...out];
}
