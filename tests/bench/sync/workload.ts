import * as Y from 'yjs';

// ---- latency workload --------------------------------------------------------------------------

/** One edit of the latency workload: writer (= document index), sequence number, intended send time. */
export interface Edit {
  w: number;
  s: number;
  /** performance.now() of the load generator at which the schedule wanted this edit sent. */
  t: number;
}

export const EDITS = 'edits';

export interface Schedule {
  startAt: number;
  intervalMs: number;
  writers: number;
}

/**
 * Writer w sends edit s at startAt + w·interval/writers + s·interval: a fixed, staggered schedule.
 * Latency is measured from this time, not from when the edit actually went out, so a stalled
 * load generator or server cannot hide its own delay (coordinated omission).
 */
export function intendedTime(schedule: Schedule, writer: number, seq: number): number {
  return schedule.startAt + (writer * schedule.intervalMs) / schedule.writers + seq * schedule.intervalMs;
}

// ---- cold-load document ------------------------------------------------------------------------

export interface ContentSignature {
  annotations: number;
  meta: number;
  /** Sum of the annotation ids, to catch a document with the right size but wrong content. */
  idSum: number;
}

interface Annotation {
  id: number;
  start: number;
  end: number;
  label: string;
}

export const annotationsOf = (doc: Y.Doc): Y.Array<Annotation> => doc.getArray<Annotation>('annotations');
export const metaOf = (doc: Y.Doc): Y.Map<number> => doc.getMap<number>('meta');

export function signatureOf(doc: Y.Doc): ContentSignature {
  let idSum = 0;
  annotationsOf(doc).forEach((a) => {
    idSum += a.id;
  });
  return { annotations: annotationsOf(doc).length, meta: metaOf(doc).size, idSum };
}

/** Cheap part of the signature, checked on every update while waiting for the content. */
export function sizesMatch(doc: Y.Doc, expected: ContentSignature): boolean {
  return annotationsOf(doc).length === expected.annotations && metaOf(doc).size === expected.meta;
}

export interface ColdDocument {
  updates: Uint8Array[];
  expected: ContentSignature;
}

/**
 * `count` small updates shaped like annotation work: 60 % add an annotation, 30 % overwrite one
 * of 500 metadata keys, 10 % delete an annotation. Every 1000 updates the client id changes, as
 * if a new editing session started, so the state has many clients and tombstones like a real
 * long-lived document.
 */
export function generateColdDocument(count: number): ColdDocument {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const annotations = annotationsOf(doc);
  const meta = metaOf(doc);
  let session = 1;
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 0) doc.clientID = 1_000_000 + session++;
    const kind = i % 10;
    if (kind < 6 || annotations.length === 0) {
      annotations.push([{ id: i, start: i / 10, end: i / 10 + 1, label: `L${i % 7}` }]);
    } else if (kind < 9) {
      meta.set(`k${i % 500}`, i);
    } else {
      annotations.delete((i * 7919) % annotations.length, 1);
    }
  }
  const expected = signatureOf(doc);
  doc.destroy();
  return { updates, expected };
}
