/**
 * Seeded benchmark data: 50,000 annotations on one hour of 30000/1001 video, in two in-memory
 * LayerDocs (an editable one and a read-only colleague's) × five tiers = ten lanes of different
 * densities (words down to sparse events), all on exact frame boundaries.
 */
import * as Y from 'yjs';
import { LayerDoc } from '../../../../shared/model/layer.ts';
import type { Taxonomy } from '../../../../shared/model/taxonomy.ts';
import type { Tier } from '../../../../shared/model/tier.ts';
import type { LayerContext } from '../../../../shared/model/validate.ts';
import type { LaneSpec } from '../../../lib/timeline/model.ts';
import { RATES, frameOf, frameTime } from '../../../lib/timeline/time.ts';
import type { Rational } from '../../../lib/timeline/time.ts';

/** mulberry32, as in tests/helpers/prng.ts. */
class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const CLASSES: [string, string, string][] = [
  ['speech', 'Speech', '#4f9dff'],
  ['music', 'Music', '#ffb347'],
  ['laugh', 'Laughter', '#7bd88f'],
  ['noise', 'Noise', '#c792ea'],
  ['silence', 'Silence', '#8d99ae'],
  ['person', 'Person', '#ff6b8b'],
  ['car', 'Car', '#f4d35e'],
  ['shot', 'Shot change', '#4ecdc4'],
];

const WORDS =
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by'.split(' ');

/** Per layer: tier id, kind, label, share of the layer's annotations. */
const TIERS: [string, 'segment' | 'event', string, number][] = [
  ['words', 'segment', 'Words', 0.48],
  ['phrases', 'segment', 'Phrases', 0.24],
  ['shots', 'segment', 'Shots', 0.12],
  ['events', 'event', 'Events', 0.1],
  ['sounds', 'segment', 'Sounds', 0.06],
];

export interface BenchDataset {
  layers: Map<string, LayerDoc>;
  lanes: LaneSpec[];
  context: LayerContext;
  taxonomy: Taxonomy;
  duration: number;
  frameRate: Rational;
  annotations: number;
  buildMs: number;
}

export interface DatasetOptions {
  total?: number;
  duration?: number;
  seed?: number;
}

export function benchTaxonomy(): Taxonomy {
  return {
    attributes: [],
    classes: CLASSES.map(([id, name, color]) => ({
      id,
      name,
      parentId: null,
      color,
      hotkey: null,
      description: '',
      guideline: '',
      examples: [],
      attributeIds: [],
    })),
  };
}

export function benchTiers(): Tier[] {
  return TIERS.map(([id, kind, name]) => ({
    id,
    name,
    modality: 'any',
    kind,
    allowedClassIds: CLASSES.map(([c]) => c),
    attributeIds: [],
    parentTierId: null,
    relation: null,
    guidelines: '',
    editRoles: ['annotator', 'manager'],
    editSkills: [],
  }));
}

export function buildDataset(opts: DatasetOptions = {}): BenchDataset {
  const t0 = performance.now();
  const total = opts.total ?? 50_000;
  const duration = opts.duration ?? 3600;
  const rate = RATES.NTSC_30;
  const rng = new Prng(opts.seed ?? 1);
  const taxonomy = benchTaxonomy();
  const tiers = benchTiers();
  let clock = 1_700_000_000_000;
  const layerIds = [
    { id: 'mine', label: 'me', editable: true, color: '#6c8ebf' },
    { id: 'colleague', label: 'Ana', editable: false, color: '#9c8ebf' },
  ];
  const context: LayerContext = { tiers, taxonomy, mediaDuration: duration, now: () => clock++, author: 'bench' };
  const layers = new Map<string, LayerDoc>();
  const lanes: LaneSpec[] = [];
  const labels = CLASSES.map(([c]) => c);
  const onFrame = (t: number): number => frameTime(frameOf(t, rate), rate);
  let count = 0;
  for (const L of layerIds) {
    const doc = new LayerDoc(new Y.Doc());
    layers.set(L.id, doc);
    doc.doc.transact(() => {
      for (const [tierId, kind, name, share] of TIERS) {
        lanes.push({
          id: `${L.id}/${tierId}`,
          tierId,
          layerId: L.id,
          label: `${name} · ${L.label}`,
          editable: L.editable,
          color: L.color,
          kind,
        });
        const n = Math.round((total / layerIds.length) * share);
        const slot = duration / n;
        // Neighbouring annotations share a label now and then, like real runs of speech.
        let label: string | null = rng.pick(labels);
        for (let i = 0; i < n; i++) {
          if (rng.next() < 0.35) label = rng.next() < 0.15 ? null : rng.pick(labels);
          const start = onFrame(i * slot + rng.next() * slot * 0.15);
          const id = `${tierId}-${i}`;
          if (kind === 'event') doc.create({ id, kind, tierId, start, label }, context);
          else {
            const end = Math.max(
              onFrame(start + slot * (0.45 + rng.next() * 0.5)),
              frameTime(frameOf(start, rate) + 1, rate),
            );
            const text =
              tierId === 'words'
                ? rng.pick(WORDS)
                : tierId === 'phrases'
                  ? `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`
                  : '';
            doc.create({ id, kind, tierId, start, end: Math.min(end, duration), label, text }, context);
          }
          count++;
        }
      }
    });
  }
  return {
    layers,
    lanes,
    context,
    taxonomy,
    duration,
    frameRate: rate,
    annotations: count,
    buildMs: performance.now() - t0,
  };
}
