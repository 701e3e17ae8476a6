/**
 * Live agreement (issue §3, service core): keeps a task's layer documents loaded while anyone
 * subscribes to the task, recomputes only the tiers an update touched (debounced), and pushes
 * the new report to the subscribers. No Fastify, ws or drizzle here: the server plugs its rooms,
 * database and WebSocket fan-out into the ports.
 *
 *  - `openLayer(docName)` gives the live Y.Doc of a layer (e.g. the room's) and a `release()`
 *    that drops this holder's reference; a layer is opened once per loaded task;
 *  - `taskContext(taskId)` gives the tiers, taxonomy, settings, media facts and the layers;
 *  - `store(report)` persists a recomputed report (project trend across restarts). Stores run
 *    one after another; a failed store goes to `onError` and does not stop the live updates.
 *
 * Incrementality: every annotation of every loaded layer is kept as a snapshot; an update reads
 * only the annotations the transaction changed, which gives the affected tiers (old and new
 * tier of each, plus span tiers whose spans point at a changed segment's text). Those tiers'
 * prepared layers are rebuilt for the changed layers only, and `tierReport` reuses the cache's
 * results for every layer pair that did not change. Other tiers keep their cached reports.
 *
 * Visibility (blind mode) is the caller's business: subscribe with a listener that filters,
 * e.g. `(u) => send(redactReport(u.report, visibleTo(user)))`, or not at all for annotators
 * who may see nothing.
 */
import type * as Y from 'yjs';
import { LayerDoc } from '../../shared/model/layer.ts';
import type { Annotation } from '../../shared/model/annotation.ts';
import type { Taxonomy } from '../../shared/model/taxonomy.ts';
import { layerCoversTier, type Tier } from '../../shared/model/tier.ts';
import {
  AgreementCache,
  assembleTaskReport,
  prepareItems,
  resolveSettings,
  tierReport,
  toReportItem,
} from '../../shared/agreement/index.ts';
import type {
  AgreementSettings,
  PreparedLayer,
  ReportItem,
  Resolution,
  TaskReport,
  TierReport,
} from '../../shared/agreement/index.ts';

export { redactReport } from '../../shared/agreement/redact.ts';
export type { RedactOptions } from '../../shared/agreement/redact.ts';

/** One layer of a task, as the live service needs it. */
export interface TaskLayerRef {
  layerId: string;
  userId: string;
  kind: 'annotator' | 'gold';
  /** Name of the layer's Y.Doc for `openLayer`. */
  docName: string;
  /** Tiers the layer is compared on (its owner may annotate them); absent or null: every tier. */
  tierIds?: readonly string[] | null;
}

/** What the service needs to know about a task. */
export interface TaskContext {
  taskId: string;
  projectId: string;
  tiers: Tier[];
  taxonomy: Taxonomy;
  /** Project agreement settings (defaults for what is missing). */
  settings: Partial<AgreementSettings>;
  /** The task media's tick resolution (e.g. frames at the video's rate); overrides settings. */
  resolution?: Resolution | null;
  /** Length of the task media in seconds; null while unknown. */
  mediaDuration?: number | null;
  /** Contents of text media files by media id (span tiers on text media). */
  texts?: Record<string, string>;
  layers: TaskLayerRef[];
}

export interface OpenedLayer {
  doc: Y.Doc;
  release(): void;
}

export interface LiveAgreementPorts {
  openLayer(docName: string): Promise<OpenedLayer>;
  taskContext(taskId: string): Promise<TaskContext>;
  store(report: TaskReport): Promise<void>;
  /** Quiet time after the last update before recomputing (default 200 ms). */
  debounceMs?: number;
  /** Longest a recompute waits under continuous updates (default 4 × debounceMs). */
  maxWaitMs?: number;
  /** Clock for `computedAt` (ms epoch; default Date.now). */
  now?: () => number;
  /** Load, recompute and store failures (default: console.error). */
  onError?: (error: unknown, taskId: string) => void;
}

/** What a subscriber receives. */
export interface AgreementUpdate {
  taskId: string;
  report: TaskReport;
  /** Tiers whose figures were recomputed (all of them for the initial report). */
  changedTiers: string[];
  /** True for the report delivered on subscription. */
  initial: boolean;
}

export type AgreementListener = (update: AgreementUpdate) => void;

/** Counters for tests, metrics and benchmarks. */
export interface LiveTaskStats {
  loaded: boolean;
  subscribers: number;
  /** Recomputes delivered (the initial computation included). */
  recomputes: number;
  /** tierReport runs per tier id. */
  tierComputations: Record<string, number>;
  /** Layer pairs actually computed (not served from the cache). */
  pairComputations: number;
  /** Tiers waiting for the debounce. */
  pendingTiers: string[];
}

/**
 * One open layer: annotation snapshots, their report items bucketed by tier (converted once per
 * change, so a recompute never rescans the layer), and which spans sit on which segment's text.
 */
interface LayerState {
  ref: TaskLayerRef;
  opened: OpenedLayer;
  layer: LayerDoc;
  annotations: Map<string, Annotation>;
  /** tierId → annotation id → item. */
  items: Map<string, Map<string, ReportItem>>;
  /** tierId → spans whose text cannot be resolved. */
  unresolved: Map<string, Set<string>>;
  /** segment id → ids of spans on its transcript. */
  spansOn: Map<string, Set<string>>;
  /** Text keys of media files (one string each; see toReportItem). */
  mediaKeys: Map<string, string>;
  unobserve: () => void;
}

interface Loaded {
  ctx: TaskContext;
  settings: AgreementSettings;
  layers: LayerState[];
  cache: AgreementCache;
  /** tierId → layerId → prepared layer. */
  prepared: Map<string, Map<string, PreparedLayer>>;
  tierReports: Map<string, TierReport>;
  report: TaskReport;
}

interface TaskState {
  taskId: string;
  listeners: Set<AgreementListener>;
  loading: Promise<Loaded | null> | null;
  loaded: Loaded | null;
  /** tierId → layer ids whose prepared layer must be rebuilt. */
  dirty: Map<string, Set<string>>;
  timer: ReturnType<typeof setTimeout> | null;
  firstDirtyAt: number;
  stats: { recomputes: number; tierComputations: Record<string, number> };
}

export class LiveAgreement {
  private readonly ports: LiveAgreementPorts;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly tasks = new Map<string, TaskState>();
  private storeChain: Promise<void> = Promise.resolve();

  constructor(ports: LiveAgreementPorts) {
    this.ports = ports;
    this.debounceMs = ports.debounceMs ?? 200;
    this.maxWaitMs = ports.maxWaitMs ?? 4 * this.debounceMs;
    this.now = ports.now ?? Date.now;
  }

  /**
   * Subscribes to a task's live report. Loads the task's layers on the first subscription and
   * keeps them until the last subscriber leaves. The listener first receives the current report
   * (`initial: true`), then one update per recompute. Returns the unsubscribe function.
   */
  subscribe(taskId: string, listener: AgreementListener): () => void {
    const state = this.state(taskId);
    state.listeners.add(listener);
    if (state.loaded) {
      const report = state.loaded.report;
      const tiers = report.tiers.map((t) => t.tierId);
      queueMicrotask(() => {
        if (state.listeners.has(listener))
          this.deliver(listener, { taskId, report, changedTiers: tiers, initial: true });
      });
    } else this.ensureLoading(state);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      state.listeners.delete(listener);
      if (state.listeners.size === 0) this.unload(state);
    };
  }

  /**
   * The task's report now: the live one (pending updates recomputed first) when the task is
   * loaded, otherwise computed from freshly opened layers that are released again. Not stored.
   */
  async report(taskId: string): Promise<TaskReport> {
    const state = this.tasks.get(taskId);
    if (state) {
      const loaded = state.loaded ?? (state.loading ? await state.loading : null);
      if (loaded && this.tasks.get(taskId) === state && state.loaded === loaded) {
        if (state.dirty.size > 0) this.flush(state);
        return loaded.report;
      }
    }
    const ctx = await this.ports.taskContext(taskId);
    const layers = await this.openAll(ctx);
    try {
      const settings = resolveSettings(ctx.settings, ctx.resolution);
      return this.computeAll(ctx, settings, this.readAll(layers, ctx.tiers), new AgreementCache()).report;
    } finally {
      for (const l of layers) this.releaseLayer(l);
    }
  }

  /**
   * Reloads the task context (tiers, settings, layers changed): the layers are reopened (new
   * ones opened before old ones are released) and everything is recomputed and delivered.
   */
  async invalidate(taskId: string): Promise<void> {
    const state = this.tasks.get(taskId);
    if (!state || (!state.loaded && !state.loading)) return;
    if (state.loading) await state.loading;
    const old = state.loaded;
    if (!old || this.tasks.get(taskId) !== state) return;
    try {
      const ctx = await this.ports.taskContext(taskId);
      const layers = await this.openAll(ctx);
      if (state.listeners.size === 0 || this.tasks.get(taskId) !== state) {
        for (const l of layers) this.releaseLayer(l);
        return;
      }
      let fresh: Loaded;
      try {
        const settings = resolveSettings(ctx.settings, ctx.resolution);
        fresh = this.computeAll(ctx, settings, this.readAll(layers, ctx.tiers), new AgreementCache());
      } catch (e) {
        for (const l of layers) this.releaseLayer(l);
        throw e;
      }
      this.cancelTimer(state);
      state.dirty.clear();
      for (const t of fresh.tierReports.keys()) this.count(state, t);
      this.attach(state, fresh);
      for (const l of old.layers) this.releaseLayer(l);
      this.publish(state, fresh.report, [...fresh.tierReports.keys()], false);
    } catch (e) {
      this.error(e, taskId);
    }
  }

  /** Counters of a task (zeros when unknown). */
  stats(taskId: string): LiveTaskStats {
    const s = this.tasks.get(taskId);
    return {
      loaded: s?.loaded !== null && s?.loaded !== undefined,
      subscribers: s?.listeners.size ?? 0,
      recomputes: s?.stats.recomputes ?? 0,
      tierComputations: { ...(s?.stats.tierComputations ?? {}) },
      pairComputations: s?.loaded?.cache.pairComputations ?? 0,
      pendingTiers: s ? [...s.dirty.keys()] : [],
    };
  }

  /** Drops every subscription and releases every layer (server shutdown). */
  close(): void {
    for (const state of [...this.tasks.values()]) {
      state.listeners.clear();
      this.unload(state);
    }
  }

  // -------------------------------------------------------------------------------------------

  private state(taskId: string): TaskState {
    let s = this.tasks.get(taskId);
    if (!s) {
      s = {
        taskId,
        listeners: new Set(),
        loading: null,
        loaded: null,
        dirty: new Map(),
        timer: null,
        firstDirtyAt: 0,
        stats: { recomputes: 0, tierComputations: {} },
      };
      this.tasks.set(taskId, s);
    }
    return s;
  }

  private ensureLoading(state: TaskState): void {
    if (state.loading || state.loaded) return;
    const loading = (async (): Promise<Loaded | null> => {
      const ctx = await this.ports.taskContext(state.taskId);
      const settings = resolveSettings(ctx.settings, ctx.resolution);
      const layers = await this.openAll(ctx);
      if (state.listeners.size === 0 || this.tasks.get(state.taskId) !== state) {
        for (const l of layers) this.releaseLayer(l);
        return null;
      }
      let loaded: Loaded;
      try {
        loaded = this.computeAll(ctx, settings, this.readAll(layers, ctx.tiers), new AgreementCache());
      } catch (e) {
        for (const l of layers) this.releaseLayer(l);
        throw e;
      }
      for (const t of loaded.tierReports.keys()) this.count(state, t);
      this.attach(state, loaded);
      return loaded;
    })();
    state.loading = loading;
    loading.then(
      (loaded) => {
        state.loading = null;
        if (!loaded) {
          if (this.tasks.get(state.taskId) === state && state.listeners.size === 0) this.tasks.delete(state.taskId);
          return;
        }
        if (state.loaded !== loaded) return; // unloaded meanwhile
        this.publish(state, loaded.report, [...loaded.tierReports.keys()], true);
      },
      (e: unknown) => {
        state.loading = null;
        if (this.tasks.get(state.taskId) === state) this.tasks.delete(state.taskId);
        this.error(e, state.taskId);
      },
    );
  }

  private async openAll(ctx: TaskContext): Promise<LayerState[]> {
    const results = await Promise.allSettled(ctx.layers.map((ref) => this.ports.openLayer(ref.docName)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      for (const r of results) if (r.status === 'fulfilled') r.value.release();
      throw failed.reason;
    }
    return ctx.layers.map((ref, i) => {
      const opened = (results[i] as PromiseFulfilledResult<OpenedLayer>).value;
      return {
        ref,
        opened,
        layer: new LayerDoc(opened.doc),
        annotations: new Map(),
        items: new Map(),
        unresolved: new Map(),
        spansOn: new Map(),
        mediaKeys: new Map(),
        unobserve: () => {},
      };
    });
  }

  /**
   * Snapshots every annotation. Callers read, compute and attach the observers in one
   * synchronous run, so no update can fall between the snapshot and the observer.
   */
  private readAll(layers: LayerState[], tiers: readonly Tier[]): LayerState[] {
    const tierById = new Map(tiers.map((t) => [t.id, t]));
    for (const l of layers) {
      l.annotations.clear();
      l.items.clear();
      l.unresolved.clear();
      l.spansOn.clear();
      for (const a of l.layer.list()) l.annotations.set(a.id, a);
      for (const a of l.annotations.values()) place(l, a, tierById);
    }
    return layers;
  }

  /** Full computation of every tier (load, invalidate, on-demand report). */
  private computeAll(
    ctx: TaskContext,
    settings: AgreementSettings,
    layers: LayerState[],
    cache: AgreementCache,
  ): Loaded {
    const prepared = new Map<string, Map<string, PreparedLayer>>();
    const tierReports = new Map<string, TierReport>();
    for (const tier of ctx.tiers) {
      const per = new Map<string, PreparedLayer>();
      for (const l of layers) if (layerCoversTier(l.ref, tier.id)) per.set(l.ref.layerId, this.prepare(tier, l));
      prepared.set(tier.id, per);
      tierReports.set(tier.id, this.computeTier(ctx, settings, tier, per, cache));
    }
    return { ctx, settings, layers, cache, prepared, tierReports, report: this.assemble(ctx, settings, tierReports) };
  }

  private prepare(tier: Tier, l: LayerState): PreparedLayer {
    return prepareItems(tier.id, l.ref, l.items.get(tier.id)?.values() ?? [], l.unresolved.get(tier.id)?.size ?? 0);
  }

  private computeTier(
    ctx: TaskContext,
    settings: AgreementSettings,
    tier: Tier,
    per: Map<string, PreparedLayer>,
    cache: AgreementCache,
  ): TierReport {
    return tierReport(
      { tier, taxonomy: ctx.taxonomy, settings, mediaDuration: ctx.mediaDuration, texts: ctx.texts },
      [...per.values()],
      cache,
    );
  }

  private assemble(ctx: TaskContext, settings: AgreementSettings, tierReports: Map<string, TierReport>): TaskReport {
    return assembleTaskReport(
      { taskId: ctx.taskId, projectId: ctx.projectId, computedAt: this.now(), settings, layers: ctx.layers },
      ctx.tiers.map((t) => tierReports.get(t.id)!),
    );
  }

  /** Makes `loaded` the task's state and observes its layers. */
  private attach(state: TaskState, loaded: Loaded): void {
    const tierById = new Map(loaded.ctx.tiers.map((t) => [t.id, t]));
    for (const l of loaded.layers) {
      l.unobserve = l.layer.observe((change) => {
        if (state.loaded !== loaded) return;
        const affected = new Set<string>();
        for (const id of change.ids) {
          const before = l.annotations.get(id);
          const after = l.layer.get(id);
          if (before) {
            unplace(l, before);
            affected.add(before.tierId);
          }
          if (after) {
            l.annotations.set(id, after);
            place(l, after, tierById);
            affected.add(after.tierId);
          } else l.annotations.delete(id);
          // Spans on this segment's transcript (other tiers) get the new text, or lose it.
          if (before?.kind === 'segment' || after?.kind === 'segment') {
            for (const spanId of [...(l.spansOn.get(id) ?? [])]) {
              const sp = l.annotations.get(spanId);
              if (!sp) continue;
              unplace(l, sp);
              place(l, sp, tierById);
              affected.add(sp.tierId);
            }
          }
        }
        for (const t of affected) {
          if (!tierById.has(t)) continue;
          let set = state.dirty.get(t);
          if (!set) state.dirty.set(t, (set = new Set()));
          set.add(l.ref.layerId);
        }
        if (affected.size > 0) this.schedule(state);
      });
    }
    state.loaded = loaded;
  }

  private schedule(state: TaskState): void {
    if (state.dirty.size === 0) return;
    const now = Date.now();
    if (state.timer === null) state.firstDirtyAt = now;
    else clearTimeout(state.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, state.firstDirtyAt + this.maxWaitMs - now));
    state.timer = setTimeout(() => {
      state.timer = null;
      this.flush(state);
    }, wait);
  }

  private cancelTimer(state: TaskState): void {
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = null;
  }

  /** Recomputes the dirty tiers now, stores and delivers the report. */
  private flush(state: TaskState): void {
    this.cancelTimer(state);
    const loaded = state.loaded;
    if (!loaded || state.dirty.size === 0) return;
    const dirty = new Map(state.dirty);
    state.dirty.clear();
    try {
      const changed: string[] = [];
      for (const tier of loaded.ctx.tiers) {
        const layerIds = dirty.get(tier.id);
        if (!layerIds) continue;
        const per = new Map(loaded.prepared.get(tier.id));
        for (const l of loaded.layers)
          if (layerIds.has(l.ref.layerId) && layerCoversTier(l.ref, tier.id))
            per.set(l.ref.layerId, this.prepare(tier, l));
        loaded.prepared.set(tier.id, per);
        loaded.tierReports.set(tier.id, this.computeTier(loaded.ctx, loaded.settings, tier, per, loaded.cache));
        this.count(state, tier.id);
        changed.push(tier.id);
      }
      loaded.report = this.assemble(loaded.ctx, loaded.settings, loaded.tierReports);
      this.publish(state, loaded.report, changed, false);
    } catch (e) {
      this.error(e, state.taskId);
    }
  }

  private publish(state: TaskState, report: TaskReport, changedTiers: string[], initial: boolean): void {
    state.stats.recomputes++;
    this.storeChain = this.storeChain
      .then(() => this.ports.store(report))
      .catch((e: unknown) => this.error(e, state.taskId));
    for (const listener of [...state.listeners])
      this.deliver(listener, { taskId: state.taskId, report, changedTiers, initial });
  }

  private deliver(listener: AgreementListener, update: AgreementUpdate): void {
    try {
      listener(update);
    } catch (e) {
      this.error(e, update.taskId);
    }
  }

  private count(state: TaskState, tierId: string): void {
    state.stats.tierComputations[tierId] = (state.stats.tierComputations[tierId] ?? 0) + 1;
  }

  /** Last subscriber gone: pending updates are computed and stored, then layers released. */
  private unload(state: TaskState): void {
    if (this.tasks.get(state.taskId) === state && !state.loading) this.tasks.delete(state.taskId);
    const loaded = state.loaded;
    if (!loaded) return; // still loading: the load releases when it finds no listener
    if (state.dirty.size > 0) this.flush(state);
    this.cancelTimer(state);
    state.loaded = null;
    for (const l of loaded.layers) this.releaseLayer(l);
    if (this.tasks.get(state.taskId) === state) this.tasks.delete(state.taskId);
  }

  private releaseLayer(l: LayerState): void {
    l.unobserve();
    try {
      l.opened.release();
    } catch (e) {
      this.error(e, l.ref.docName);
    }
  }

  private error(e: unknown, taskId: string): void {
    if (this.ports.onError) this.ports.onError(e, taskId);
    else console.error(`agreement (${taskId}):`, e);
  }
}

/** Adds an annotation's report item to its tier's bucket (annotations of unknown tiers or of a
 * kind other than the tier's are kept as snapshots only). */
function place(l: LayerState, a: Annotation, tiers: ReadonlyMap<string, Tier>): void {
  if (a.kind === 'span' && a.textAnnotationId !== null) {
    let set = l.spansOn.get(a.textAnnotationId);
    if (!set) l.spansOn.set(a.textAnnotationId, (set = new Set()));
    set.add(a.id);
  }
  const tier = tiers.get(a.tierId);
  if (!tier || tier.kind !== a.kind) return;
  const it = toReportItem(a, (id) => l.annotations.get(id), l.mediaKeys);
  if (it) {
    let bucket = l.items.get(a.tierId);
    if (!bucket) l.items.set(a.tierId, (bucket = new Map()));
    bucket.set(a.id, it);
  } else if (a.kind === 'span') {
    let set = l.unresolved.get(a.tierId);
    if (!set) l.unresolved.set(a.tierId, (set = new Set()));
    set.add(a.id);
  }
}

function unplace(l: LayerState, a: Annotation): void {
  if (a.kind === 'span' && a.textAnnotationId !== null) l.spansOn.get(a.textAnnotationId)?.delete(a.id);
  l.items.get(a.tierId)?.delete(a.id);
  l.unresolved.get(a.tierId)?.delete(a.id);
}
