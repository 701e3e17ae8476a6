/**
 * LiveAgreement with real layer documents (LayerDoc over Y.Doc) and fake ports: initial report,
 * recompute of the affected tier only, pair reuse, debounce, release on unsubscribe, on-demand
 * reports, invalidation, updates applied from another replica.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LiveAgreement, redactReport } from '../../../server/agreement/live.ts';
import type { AgreementUpdate, LiveAgreementPorts, TaskContext } from '../../../server/agreement/live.ts';
import { taskReport } from '../../../shared/agreement/index.ts';
import type { TaskReport } from '../../../shared/agreement/index.ts';
import { LayerDoc } from '../../../shared/model/layer.ts';
import type { LayerContext } from '../../../shared/model/validate.ts';
import { taxonomy, tier, timeless } from './report-fixtures.ts';

const TIERS = [
  tier('seg', 'segment', ['x', 'y'], ['speaker']),
  tier('ent', 'span', ['x', 'y']),
  tier('ev', 'event', ['x']),
];
const TAXONOMY = taxonomy(['x', 'y']);
const USERS = ['ann1', 'ann2', 'ann3'];

function layerCtx(author: string): LayerContext {
  return { tiers: TIERS, taxonomy: TAXONOMY, mediaDuration: 100, now: () => 1, author };
}

class Fixture {
  readonly docs = new Map<string, Y.Doc>();
  readonly layers = new Map<string, LayerDoc>();
  readonly release = vi.fn<(docName: string) => void>();
  readonly opened = vi.fn<(docName: string) => void>();
  readonly stored: TaskReport[] = [];
  readonly errors: unknown[] = [];
  ctx: TaskContext;
  live: LiveAgreement;

  constructor(ports: Partial<LiveAgreementPorts> = {}) {
    for (const u of USERS) {
      const doc = new Y.Doc();
      this.docs.set(`layer:${u}`, doc);
      const l = new LayerDoc(doc);
      this.layers.set(u, l);
      const c = layerCtx(u);
      // Segments with a transcript, a span on one transcript, an event.
      for (let i = 0; i < 12; i++)
        l.create(
          {
            id: `s${i}`,
            kind: 'segment',
            tierId: 'seg',
            start: i * 5,
            end: i * 5 + 3 + (u === 'ann2' ? 0.4 : 0),
            label: i % 3 === 0 ? 'y' : 'x',
            text: `word ${i} here`,
            attributes: { speaker: i % 2 ? 's1' : 's2' },
          },
          c,
        );
      l.create(
        { id: 'sp', kind: 'span', tierId: 'ent', startOffset: 0, endOffset: 4, textAnnotationId: 's0', label: 'x' },
        c,
      );
      l.create({ id: 'e', kind: 'event', tierId: 'ev', start: 7, label: 'x' }, c);
    }
    this.ctx = {
      taskId: 'task1',
      projectId: 'p1',
      tiers: TIERS,
      taxonomy: TAXONOMY,
      settings: { resolution: { unit: 'ms', ms: 10 } },
      mediaDuration: 100,
      layers: USERS.map((u) => ({ layerId: `L-${u}`, userId: u, kind: 'annotator' as const, docName: `layer:${u}` })),
    };
    this.live = new LiveAgreement({
      openLayer: async (docName) => {
        this.opened(docName);
        const doc = this.docs.get(docName);
        if (!doc) throw new Error(`no doc ${docName}`);
        return { doc, release: () => this.release(docName) };
      },
      taskContext: async () => this.ctx,
      store: async (r) => {
        this.stored.push(r);
      },
      debounceMs: 50,
      now: () => 1234,
      onError: (e) => this.errors.push(e),
      ...ports,
    });
  }

  /** The report computed from scratch over the current documents. */
  expected(): TaskReport {
    return taskReport({
      taskId: 'task1',
      projectId: 'p1',
      tiers: TIERS,
      taxonomy: TAXONOMY,
      settings: this.ctx.settings,
      mediaDuration: 100,
      computedAt: 1234,
      layers: this.ctx.layers.map((l) => ({ ...l, annotations: this.layers.get(l.userId)!.list() })),
    });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('LiveAgreement', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads the layers once, delivers and stores the initial report', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    const unsubscribe = f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    expect(f.opened).toHaveBeenCalledTimes(3);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ taskId: 'task1', initial: true, changedTiers: ['seg', 'ent', 'ev'] });
    expect(updates[0].report).toEqual(f.expected());
    expect(f.stored).toHaveLength(1);
    // A second subscriber gets the current report without a reload.
    const second: AgreementUpdate[] = [];
    const unsubscribe2 = f.live.subscribe('task1', (u) => second.push(u));
    await settle();
    expect(second).toHaveLength(1);
    expect(second[0].report).toBe(updates[0].report);
    expect(f.opened).toHaveBeenCalledTimes(3);
    unsubscribe();
    unsubscribe2();
    expect(f.errors).toEqual([]);
  });

  it('an edit recomputes only the affected tier, reusing the pairs of unchanged layers', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    const before = f.live.stats('task1');
    expect(before.tierComputations).toEqual({ seg: 1, ent: 1, ev: 1 });
    expect(before.pairComputations).toBe(9); // 3 pairs × 3 tiers

    f.layers.get('ann1')!.update('s3', { end: 18.5, label: 'y' }, layerCtx('ann1'));
    expect(f.live.stats('task1').pendingTiers).toEqual(['seg']);
    await vi.advanceTimersByTimeAsync(60);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({ initial: false, changedTiers: ['seg'] });
    const after = f.live.stats('task1');
    expect(after.tierComputations).toEqual({ seg: 2, ent: 1, ev: 1 });
    expect(after.pairComputations).toBe(9 + 2); // only ann1's pairs on the segment tier
    // Same figures as a report computed from scratch.
    expect(updates[1].report).toEqual(f.expected());
    expect(updates[1].report.tiers[1]).toBe(updates[0].report.tiers[1]); // untouched tier reused
    expect(f.stored).toHaveLength(2);
  });

  it('debounces: a burst of edits gives one recompute; continuous edits are bounded by maxWait', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    const l = f.layers.get('ann2')!;
    for (let i = 0; i < 5; i++) {
      l.update('s1', { end: 8 + i * 0.1 }, layerCtx('ann2'));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(updates).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(updates).toHaveLength(2);
    expect(f.live.stats('task1').tierComputations.seg).toBe(2);
    // Typing without pause: recompute at least every maxWait (4 × 50 ms).
    for (let i = 0; i < 20; i++) {
      l.update('s2', { end: 13 + i * 0.01 }, layerCtx('ann2'));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.length).toBeLessThanOrEqual(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(updates.at(-1)!.report).toEqual(f.expected());
  });

  it('a transcript edit also recomputes the span tier that points at it; a new event only its tier', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    f.layers.get('ann3')!.update('s0', { text: 'other text here' }, layerCtx('ann3'));
    await vi.advanceTimersByTimeAsync(60);
    expect(updates[1].changedTiers).toEqual(['seg', 'ent']);
    f.layers.get('ann1')!.create({ kind: 'event', tierId: 'ev', start: 30, label: 'x' }, layerCtx('ann1'));
    await vi.advanceTimersByTimeAsync(60);
    expect(updates[2].changedTiers).toEqual(['ev']);
    expect(updates[2].report).toEqual(f.expected());
  });

  it('updates from another replica (Y.applyUpdate) are seen like local ones', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(f.docs.get('layer:ann2')!));
    new LayerDoc(replica).delete('s5');
    Y.applyUpdate(f.docs.get('layer:ann2')!, Y.encodeStateAsUpdate(replica), 'remote');
    await vi.advanceTimersByTimeAsync(60);
    expect(updates[1].changedTiers).toEqual(['seg']);
    expect(updates[1].report.tiers[0].annotators.find((a) => a.userId === 'ann2')!.units).toBe(11);
    expect(updates[1].report).toEqual(f.expected());
  });

  it('releases the layers after the last unsubscribe; later edits are ignored', async () => {
    const f = new Fixture();
    const a = f.live.subscribe('task1', () => {});
    const b = f.live.subscribe('task1', () => {});
    await vi.runAllTimersAsync();
    a();
    expect(f.release).not.toHaveBeenCalled();
    // A pending edit is computed and stored before the release.
    f.layers.get('ann1')!.update('s4', { label: 'y' }, layerCtx('ann1'));
    b();
    b(); // idempotent
    expect(f.release).toHaveBeenCalledTimes(3);
    await settle();
    expect(f.stored).toHaveLength(2);
    expect(f.live.stats('task1')).toMatchObject({ loaded: false, subscribers: 0 });
    f.layers.get('ann1')!.update('s4', { label: 'x' }, layerCtx('ann1'));
    await vi.runAllTimersAsync();
    expect(f.stored).toHaveLength(2);
    // Subscribing again loads again.
    f.live.subscribe('task1', () => {});
    await vi.runAllTimersAsync();
    expect(f.opened).toHaveBeenCalledTimes(6);
    f.live.close();
    expect(f.release).toHaveBeenCalledTimes(6);
  });

  it('an unsubscribe while loading releases the layers when the load completes', async () => {
    const f = new Fixture();
    const listener = vi.fn();
    const un = f.live.subscribe('task1', listener);
    un();
    await vi.runAllTimersAsync();
    expect(f.opened).toHaveBeenCalledTimes(3);
    expect(f.release).toHaveBeenCalledTimes(3);
    expect(listener).not.toHaveBeenCalled();
    expect(f.stored).toHaveLength(0);
  });

  it('report() computes on demand (opening and releasing) or returns the live report', async () => {
    const f = new Fixture();
    const r = await f.live.report('task1');
    expect(timeless(r)).toEqual(timeless(f.expected()));
    expect(f.release).toHaveBeenCalledTimes(3);
    expect(f.stored).toHaveLength(0);
    f.live.subscribe('task1', () => {});
    await vi.runAllTimersAsync();
    f.layers.get('ann1')!.update('s4', { label: 'y' }, layerCtx('ann1'));
    const now = await f.live.report('task1'); // flushes the pending edit
    expect(now).toEqual(f.expected());
    expect(f.opened).toHaveBeenCalledTimes(6);
  });

  it('invalidate() reloads the task context (a new annotator layer)', async () => {
    const f = new Fixture();
    const updates: AgreementUpdate[] = [];
    f.live.subscribe('task1', (u) => updates.push(u));
    await vi.runAllTimersAsync();
    const doc = new Y.Doc();
    f.docs.set('layer:ann4', doc);
    new LayerDoc(doc).create({ kind: 'segment', tierId: 'seg', start: 0, end: 3, label: 'y' }, layerCtx('ann4'));
    f.ctx = {
      ...f.ctx,
      layers: [...f.ctx.layers, { layerId: 'L-ann4', userId: 'ann4', kind: 'annotator', docName: 'layer:ann4' }],
    };
    f.layers.set('ann4', new LayerDoc(doc));
    await f.live.invalidate('task1');
    expect(updates).toHaveLength(2);
    expect(updates[1].report.annotators).toEqual(['ann1', 'ann2', 'ann3', 'ann4']);
    expect(updates[1].report).toEqual(f.expected());
    expect(f.release).toHaveBeenCalledTimes(3); // the old holders
  });

  it('load failures and store failures go to onError', async () => {
    const f = new Fixture({ store: async () => Promise.reject(new Error('db down')) });
    f.ctx = {
      ...f.ctx,
      layers: [...f.ctx.layers, { layerId: 'x', userId: 'x', kind: 'annotator', docName: 'missing' }],
    };
    const listener = vi.fn();
    f.live.subscribe('task1', listener);
    await vi.runAllTimersAsync();
    expect(listener).not.toHaveBeenCalled();
    expect(f.release).toHaveBeenCalledTimes(3); // the layers that did open
    expect(String(f.errors[0])).toContain('no doc missing');
    const g = new Fixture({ store: async () => Promise.reject(new Error('db down')) });
    g.live.subscribe('task1', listener);
    await vi.runAllTimersAsync();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(String(g.errors[0])).toContain('db down');
  });

  it('blind mode helper: a subscriber that may see only itself gets no one else’s figures', async () => {
    const f = new Fixture();
    const seen: TaskReport[] = [];
    f.live.subscribe('task1', (u) => seen.push(redactReport(u.report, ['ann1'])));
    await vi.runAllTimersAsync();
    const r = seen[0];
    expect(r.annotators).toEqual(['ann1']);
    for (const t of r.tiers) {
      expect(t.pairs).toEqual([]);
      expect(t.headline.value).toBeNull();
      expect(t.annotators.map((a) => a.userId)).toEqual(['ann1']);
    }
    expect(JSON.stringify(r)).not.toMatch(/ann2|ann3/);
  });
});
