/**
 * The inspector's editing logic, free of the DOM: which attributes an annotation may carry, the
 * patch of a label change, parsing form input into attribute values, and committing a patch with
 * a *draft* for required attributes.
 *
 * Why a draft: the model validates an annotation as a whole, so a label whose class requires an
 * attribute cannot be set before the attribute (it is not allowed yet) nor the attribute before
 * the label (it would be missing). An edit rejected only for missing required attributes is kept
 * as a draft; the form shows it and asks for them; the next edit is tried together with the
 * draft, and once everything required is there the whole draft is written in one LayerDoc call
 * (one transaction, one undo step). Any other rejection is shown and not kept.
 */
import type { Annotation, AnnotationPatch, Relation } from '../../../shared/model/annotation.ts';
import { ModelValidationError } from '../../../shared/model/issues.ts';
import type { ValidationIssue } from '../../../shared/model/issues.ts';
import type { LayerDoc } from '../../../shared/model/layer.ts';
import { labelAttributeIds } from '../../../shared/model/taxonomy.ts';
import type { AttributeDef, AttributeValue, Taxonomy } from '../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../shared/model/tier.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import { formatTime } from '../timeline/time.ts';
import { labelById } from './labels.ts';

/** Relation type of the conflict flag: "this annotation contradicts that one" (cross-modal). */
export const CONFLICT_RELATION = 'contradicts';

/** Relation types offered as suggestions (any non-empty type is accepted). */
export const RELATION_TYPES: readonly string[] = ['refers_to', 'same_as', 'answers', 'coref', CONFLICT_RELATION];

/** Attribute ids an annotation with `label` may carry on `tier`: the tier's, then the label's. */
export function allowedAttributeIds(taxonomy: Taxonomy, tier: Tier | undefined, label: string | null): string[] {
  const out = new Set(tier?.attributeIds ?? []);
  if (label !== null) for (const id of labelAttributeIds(taxonomy, label)) out.add(id);
  return [...out];
}

/** Definitions of those attributes, in that order (unknown ids skipped). */
export function allowedAttributes(taxonomy: Taxonomy, tier: Tier | undefined, label: string | null): AttributeDef[] {
  const defs = new Map(taxonomy.attributes.map((a) => [a.id, a]));
  return allowedAttributeIds(taxonomy, tier, label).flatMap((id) => defs.get(id) ?? []);
}

/**
 * The patch that sets a label: the label, plus removal of attribute values the new label no
 * longer allows (the model would reject them), in one update.
 */
export function labelChangePatch(
  taxonomy: Taxonomy,
  tier: Tier | undefined,
  current: Record<string, AttributeValue>,
  label: string | null,
): AnnotationPatch {
  const allowed = new Set(allowedAttributeIds(taxonomy, tier, label));
  const drop = Object.keys(current).filter((k) => !allowed.has(k));
  return drop.length === 0 ? { label } : { label, attributes: Object.fromEntries(drop.map((k) => [k, null])) };
}

/** `b` over `a`; attributes merge key by key. */
export function mergePatch(a: AnnotationPatch | null, b: AnnotationPatch): AnnotationPatch {
  if (a === null) return { ...b };
  const out: AnnotationPatch = { ...a, ...b };
  if (a.attributes !== undefined || b.attributes !== undefined)
    out.attributes = { ...(a.attributes ?? {}), ...(b.attributes ?? {}) };
  return out;
}

/** Result of committing an edit (see the module comment). */
export type CommitResult =
  | { status: 'saved'; annotation: Annotation }
  | { status: 'pending'; draft: AnnotationPatch; issues: readonly ValidationIssue[] }
  | { status: 'rejected'; issues: readonly ValidationIssue[] };

/**
 * Writes `edit` (merged over `draft`) as one `LayerDoc.update` with `origin`. When the only
 * problems are missing required attributes, nothing is written and the merged patch comes back
 * as the new draft. Errors other than validation errors are rethrown.
 */
export function commitPatch(
  layer: LayerDoc,
  id: string,
  draft: AnnotationPatch | null,
  edit: AnnotationPatch,
  ctx: LayerContext,
  origin?: unknown,
): CommitResult {
  const patch = mergePatch(draft, edit);
  try {
    return { status: 'saved', annotation: layer.update(id, patch, ctx, origin) };
  } catch (err) {
    if (!(err instanceof ModelValidationError)) throw err;
    if (err.issues.every((i) => i.code === 'required_attribute'))
      return { status: 'pending', draft: patch, issues: err.issues };
    return { status: 'rejected', issues: err.issues };
  }
}

/**
 * Which form field an issue belongs to: `label`, `attributes.<id>`, `entityId`, `relations`, or
 * `''` for the rest. Paths from `LayerDoc.audit` (`annotations.<id>.…`) are accepted too.
 */
export function issueField(issue: ValidationIssue): string {
  const path = issue.path.replace(/^annotations\.[^.]+\.?/, '');
  const m = /^(attributes\.[^.[\]]+|label|entityId|relations)/.exec(path);
  return m?.[1] ?? '';
}

/** Issues grouped by form field (see issueField). */
export function issuesByField(issues: readonly ValidationIssue[]): Map<string, ValidationIssue[]> {
  const out = new Map<string, ValidationIssue[]>();
  for (const i of issues) {
    const f = issueField(i);
    const list = out.get(f) ?? [];
    list.push(i);
    out.set(f, list);
  }
  return out;
}

/**
 * A form control's value as an attribute value: `null` clears it (empty text, empty number, the
 * empty enum choice); a number outside [min, max] or not a number is an error shown before the
 * model is asked.
 */
export function parseAttributeInput(
  def: AttributeDef,
  raw: string | boolean,
): { ok: true; value: AttributeValue | null } | { ok: false; message: string } {
  if (def.type === 'boolean') return { ok: true, value: typeof raw === 'boolean' ? raw : raw === 'true' };
  const s = String(raw);
  if (def.type === 'number') {
    if (s.trim() === '') return { ok: true, value: null };
    const n = Number(s);
    if (!Number.isFinite(n)) return { ok: false, message: `"${def.name}" takes a number` };
    if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max))
      return { ok: false, message: `"${def.name}" must be within [${def.min ?? '-∞'}, ${def.max ?? '∞'}]` };
    return { ok: true, value: n };
  }
  if (def.type === 'enum') {
    if (s === '') return { ok: true, value: null };
    if (!(def.options ?? []).includes(s)) return { ok: false, message: `"${s}" is not an option of "${def.name}"` };
    return { ok: true, value: s };
  }
  return { ok: true, value: s === '' ? null : s };
}

/** One line naming an annotation: tier · label · time (or characters) · a bit of its text. */
export function describeAnnotation(a: Annotation, tiers: readonly Tier[], taxonomy: Taxonomy, text?: string): string {
  const tier = tiers.find((t) => t.id === a.tierId)?.name ?? a.tierId;
  const label = labelById(taxonomy, a.label)?.name ?? (a.label === null ? 'unlabelled' : a.label);
  let where: string;
  if (a.kind === 'span') where = `chars ${a.startOffset}–${a.endOffset}`;
  else if (a.kind === 'event') where = formatTime(a.start, 2);
  else where = `${formatTime(a.start, 2)}–${formatTime(a.end, 2)}`;
  const raw =
    a.kind === 'segment'
      ? a.text
      : a.kind === 'span' && text !== undefined
        ? text.slice(a.startOffset, a.endOffset)
        : '';
  const excerpt = raw.length > 40 ? `${raw.slice(0, 39)}…` : raw;
  return [tier, label, where, excerpt !== '' ? `“${excerpt}”` : ''].filter((s) => s !== '').join(' · ');
}

/** A time to compare annotations by (spans have none of their own: their segment's). */
function timeOf(a: Annotation, byId: ReadonlyMap<string, Annotation>): number | null {
  if (a.kind !== 'span') return a.start;
  const seg = a.textAnnotationId !== null ? byId.get(a.textAnnotationId) : undefined;
  return seg !== undefined && seg.kind !== 'span' ? seg.start : null;
}

/**
 * Relation targets for `self`: other annotations (each id once) whose description contains every
 * word of `query` (case-insensitive), those closest in time first (cross-modal links are mostly
 * between things that happen together), at most `limit`.
 */
export function relationCandidates(
  self: Annotation,
  all: readonly Annotation[],
  describe: (a: Annotation) => string,
  query: string,
  limit = 30,
): Annotation[] {
  const byId = new Map(all.map((a) => [a.id, a]));
  const t0 = timeOf(self, byId);
  const terms = query
    .toLowerCase()
    .split(/\s+/)
    .filter((s) => s !== '');
  const scored: { a: Annotation; d: number }[] = [];
  const seen = new Set<string>([self.id]);
  for (const a of all) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    if (terms.length > 0) {
      const hay = describe(a).toLowerCase();
      if (!terms.every((t) => hay.includes(t))) continue;
    }
    const t = timeOf(a, byId);
    scored.push({ a, d: t0 === null || t === null ? Infinity : Math.abs(t - t0) });
  }
  scored.sort((x, y) => x.d - y.d || (x.a.id < y.a.id ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.a);
}

/** True when `rels` holds a relation of `type` to `targetId`. */
export function hasRelation(rels: readonly Relation[], type: string, targetId: string): boolean {
  return rels.some((r) => r.type === type && r.targetId === targetId);
}

/** The first item of each key, in order. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
