/**
 * The taxonomy and tiers being edited on the settings page: one draft for both (they are
 * validated together, and a new class is often allowed on a tier in the same edit), checked on
 * every change with shared/model's validators, saved with the project revision it was read at.
 */
import { validateTaxonomy, type Taxonomy } from '$shared/model/taxonomy.ts';
import { validateTiers, type Tier } from '$shared/model/tier.ts';
import type { ValidationIssue } from '$shared/model/issues.ts';
import { ApiError, isApiError, projects, type SchemaDoc } from '../api/index.ts';

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class SchemaDraft {
  taxonomy = $state<Taxonomy>({ classes: [], attributes: [] });
  tiers = $state<Tier[]>([]);
  revision = $state(0);
  loaded = $state(false);
  loading = $state(false);
  loadError = $state<string | null>(null);
  saving = $state(false);
  saveError = $state<ApiError | null>(null);
  /** The server has a newer revision than the one this draft started from. */
  conflict = $state(false);
  /** JSON of the last loaded/saved taxonomy and tiers: what "unsaved changes" compares with. */
  private savedTaxonomy = $state('{"classes":[],"attributes":[]}');
  private savedTiers = $state('[]');

  readonly taxonomyIssues: ValidationIssue[] = $derived(validateTaxonomy(this.taxonomy));
  readonly tierIssues: ValidationIssue[] = $derived(validateTiers(this.tiers, this.taxonomy));
  readonly taxonomyDirty = $derived(JSON.stringify(this.taxonomy) !== this.savedTaxonomy);
  readonly tiersDirty = $derived(JSON.stringify(this.tiers) !== this.savedTiers);
  readonly dirty = $derived(this.taxonomyDirty || this.tiersDirty);
  /** Ids already stored: annotations may point at them, so the editor does not let them change. */
  readonly savedClassIds: readonly string[] = $derived(
    (JSON.parse(this.savedTaxonomy) as Taxonomy).classes.map((c) => c.id),
  );
  readonly savedAttributeIds: readonly string[] = $derived(
    (JSON.parse(this.savedTaxonomy) as Taxonomy).attributes.map((a) => a.id),
  );
  readonly savedTierIds: readonly string[] = $derived((JSON.parse(this.savedTiers) as Tier[]).map((t) => t.id));

  constructor(readonly projectId: string) {}

  private apply(doc: SchemaDoc): void {
    this.revision = doc.revision;
    this.savedTaxonomy = JSON.stringify(doc.taxonomy);
    this.savedTiers = JSON.stringify(doc.tiers);
    this.taxonomy = clone(doc.taxonomy);
    this.tiers = clone(doc.tiers);
    this.conflict = false;
    this.saveError = null;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.apply(await projects.schema(this.projectId));
      this.loaded = true;
      this.loadError = null;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  discard(): void {
    this.taxonomy = JSON.parse(this.savedTaxonomy) as Taxonomy;
    this.tiers = JSON.parse(this.savedTiers) as Tier[];
    this.saveError = null;
  }

  /** Saves what changed; returns the new revision, or null when refused (see saveError, conflict). */
  async save(): Promise<number | null> {
    if (!this.dirty || this.saving) return null;
    this.saving = true;
    this.saveError = null;
    try {
      const body: { revision: number; taxonomy?: Taxonomy; tiers?: Tier[] } = { revision: this.revision };
      // Only what changed: a tiers write re-authorizes every open layer document of the project.
      if (this.taxonomyDirty) body.taxonomy = $state.snapshot(this.taxonomy);
      if (this.tiersDirty) body.tiers = $state.snapshot(this.tiers);
      const doc = await projects.saveSchema(this.projectId, body);
      this.apply(doc);
      return doc.revision;
    } catch (error) {
      this.saveError =
        error instanceof ApiError ? error : new ApiError(0, 'internal_error', (error as Error).message ?? 'failed');
      if (isApiError(error, 'revision_conflict')) this.conflict = true;
      return null;
    } finally {
      this.saving = false;
    }
  }
}

/** Issues whose path is `prefix` or lies under it (`classes[2]` → `classes[2].hotkey`, …). */
export function issuesUnder(issues: readonly ValidationIssue[], prefix: string): ValidationIssue[] {
  return issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`) || i.path.startsWith(`${prefix}[`));
}

/** The first message for exactly `path` (an input's inline error), or null. */
export function issueAt(issues: readonly ValidationIssue[], path: string): string | null {
  return issues.find((i) => i.path === path || i.path.startsWith(`${path}[`))?.message ?? null;
}
