/**
 * Tiers of a project: the rows of the timeline. Each tier fixes the kind of annotation it holds,
 * the modality it applies to, which labels and attributes are allowed, and optionally an
 * ELAN-style parent tier relation. Plain data; validated against the project's taxonomy.
 */
import { issue, isId } from './issues.ts';
import type { ValidationIssue } from './issues.ts';
import type { Taxonomy } from './taxonomy.ts';

export type Modality = 'video' | 'audio' | 'text' | 'any';
export const MODALITIES: readonly Modality[] = ['video', 'audio', 'text', 'any'];

/** segment = time range, event = time point, span = character range, box = region on frames. */
export type AnnotationKind = 'segment' | 'event' | 'span' | 'box';
export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['segment', 'event', 'span', 'box'];

/** ELAN tier constraints (child tier → parent tier). */
export type TierRelation = 'time_subdivision' | 'included_in' | 'symbolic_association';
export const TIER_RELATIONS: readonly TierRelation[] = ['time_subdivision', 'included_in', 'symbolic_association'];

export type Role = 'manager' | 'annotator' | 'reviewer';
export const ROLES: readonly Role[] = ['manager', 'annotator', 'reviewer'];

export interface Tier {
  id: string;
  name: string;
  modality: Modality;
  kind: AnnotationKind;
  /** Classes (and their descendants) allowed as labels; empty = the tier takes no labels. */
  allowedClassIds: string[];
  /** Attributes every annotation on the tier may carry (labels add their own). */
  attributeIds: string[];
  parentTierId: string | null;
  /** Set exactly when `parentTierId` is. */
  relation: TierRelation | null;
  guidelines: string;
  editRoles: Role[];
  /**
   * Skills a member must hold (all of them) to edit the tier, e.g. `["linguist"]` on a transcript
   * tier; empty = any member with an edit role. Managers are not exempt: the tier says who edits.
   */
  editSkills: string[];
}

/** Modalities a kind makes sense for: spans need text, boxes need frames. */
const KIND_MODALITIES: Record<AnnotationKind, readonly Modality[]> = {
  segment: MODALITIES,
  event: MODALITIES,
  span: ['text', 'any'],
  box: ['video', 'any'],
};

/** Time-based kinds live on the timeline; spans live in a text. */
function axis(kind: AnnotationKind): 'time' | 'text' {
  return kind === 'span' ? 'text' : 'time';
}

/**
 * All problems of a project's tier list; empty means valid. Codes: invalid_id, duplicate_id,
 * empty_name, duplicate_name, invalid_modality, invalid_kind, kind_modality, orphan_parent, cycle,
 * relation_without_parent, parent_without_relation, invalid_relation, relation_kind,
 * unknown_class, unknown_attribute, invalid_role, invalid_skill.
 */
export function validateTiers(tiers: readonly Tier[], taxonomy: Taxonomy): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const byId = new Map(tiers.map((t) => [t.id, t]));
  const classIds = new Set(taxonomy.classes.map((c) => c.id));
  const attrIds = new Set(taxonomy.attributes.map((a) => a.id));

  tiers.forEach((t, i) => {
    const p = `tiers[${i}]`;
    if (!isId(t.id)) issues.push(issue('invalid_id', `${p}.id`, `tier id "${String(t.id)}" is not a valid id`));
    else if (ids.has(t.id)) issues.push(issue('duplicate_id', `${p}.id`, `tier id "${t.id}" is used twice`));
    ids.add(t.id);
    const name = typeof t.name === 'string' ? t.name.trim() : '';
    if (name === '') issues.push(issue('empty_name', `${p}.name`, `tier "${t.id}" has no name`));
    // Names are compared case-insensitively: exports (ELAN, TextGrid) key tiers by name.
    else if (names.has(name.toLowerCase()))
      issues.push(issue('duplicate_name', `${p}.name`, `tier name "${name}" is used twice`));
    names.add(name.toLowerCase());
    const modalityOk = MODALITIES.includes(t.modality);
    const kindOk = ANNOTATION_KINDS.includes(t.kind);
    if (!modalityOk) issues.push(issue('invalid_modality', `${p}.modality`, `unknown modality "${t.modality}"`));
    if (!kindOk) issues.push(issue('invalid_kind', `${p}.kind`, `unknown kind "${t.kind}"`));
    if (modalityOk && kindOk && !KIND_MODALITIES[t.kind].includes(t.modality))
      issues.push(issue('kind_modality', `${p}.kind`, `a ${t.kind} tier cannot have modality ${t.modality}`));
    t.allowedClassIds.forEach((c, j) => {
      if (!classIds.has(c)) issues.push(issue('unknown_class', `${p}.allowedClassIds[${j}]`, `no class "${c}"`));
    });
    t.attributeIds.forEach((a, j) => {
      if (!attrIds.has(a)) issues.push(issue('unknown_attribute', `${p}.attributeIds[${j}]`, `no attribute "${a}"`));
    });
    t.editRoles.forEach((r, j) => {
      if (!ROLES.includes(r)) issues.push(issue('invalid_role', `${p}.editRoles[${j}]`, `unknown role "${r}"`));
    });
    t.editSkills.forEach((s, j) => {
      if (!SKILL_RE.test(s)) issues.push(issue('invalid_skill', `${p}.editSkills[${j}]`, `invalid skill "${s}"`));
    });

    if (t.relation !== null && !TIER_RELATIONS.includes(t.relation))
      issues.push(issue('invalid_relation', `${p}.relation`, `unknown relation "${t.relation}"`));
    if (t.parentTierId === null) {
      if (t.relation !== null)
        issues.push(issue('relation_without_parent', `${p}.relation`, `tier "${t.id}" has a relation but no parent`));
      return;
    }
    if (t.relation === null)
      issues.push(issue('parent_without_relation', `${p}.relation`, `tier "${t.id}" has a parent but no relation`));
    const parent = byId.get(t.parentTierId);
    if (parent === undefined) {
      issues.push(issue('orphan_parent', `${p}.parentTierId`, `tier "${t.id}": no parent tier "${t.parentTierId}"`));
      return;
    }
    const relIssue = relationKindProblem(t, parent);
    if (relIssue !== null) issues.push(issue('relation_kind', `${p}.relation`, relIssue));
  });

  for (const id of tiersInCycles(tiers)) {
    const i = tiers.findIndex((t) => t.id === id);
    issues.push(issue('cycle', `tiers[${i}].parentTierId`, `tier "${id}" is its own ancestor`));
  }
  return issues;
}

/**
 * ELAN semantics: a time subdivision splits a parent segment into contiguous child segments;
 * "included in" needs a parent with extent on the same axis; symbolic association copies the
 * parent's extent, so any kinds go.
 */
function relationKindProblem(child: Tier, parent: Tier): string | null {
  if (child.relation === 'time_subdivision' && (child.kind !== 'segment' || parent.kind !== 'segment'))
    return 'time subdivision needs segment tiers on both sides';
  if (child.relation === 'included_in' && (parent.kind === 'event' || axis(parent.kind) !== axis(child.kind)))
    return `a ${child.kind} tier cannot be included in a ${parent.kind} tier`;
  return null;
}

function tiersInCycles(tiers: readonly Tier[]): string[] {
  const parent = new Map(tiers.map((t) => [t.id, t.parentTierId]));
  return tiers
    .filter((t) => {
      let cur = t.parentTierId;
      for (let steps = 0; cur !== null && steps <= tiers.length; steps++) {
        if (cur === t.id) return true;
        cur = parent.get(cur) ?? null;
      }
      return false;
    })
    .map((t) => t.id);
}

/** A skill name: lower-case word characters and dashes, 1–40 long. */
export const SKILL_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** True when a member with `role` and `skills` may edit annotations on `tier`. */
export function canEditTier(tier: Tier, role: Role, skills: readonly string[] = []): boolean {
  return tier.editRoles.includes(role) && tier.editSkills.every((s) => skills.includes(s));
}

/**
 * Whether a layer takes part in a tier's comparisons (agreement, disagreements, pre-merge): a
 * layer without `tierIds` (gold, or an owner whose rights are unknown) always; an annotator's
 * layer only on the tiers its owner may annotate. A linguist-only transcript tier is not
 * "missing" from the layer of an annotator who may not write it.
 */
export function layerCoversTier(layer: { tierIds?: readonly string[] | null }, tierId: string): boolean {
  return layer.tierIds === undefined || layer.tierIds === null || layer.tierIds.includes(tierId);
}
