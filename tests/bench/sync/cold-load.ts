import * as Y from 'yjs';
import { connectClient, within, type Protocol } from './clients.ts';
import { signatureOf, sizesMatch, type ContentSignature } from './workload.ts';

export interface ColdTask {
  protocol: Protocol;
  url: string;
  docNames: string[];
  expected: ContentSignature;
  /** Size of the stored state; a frame of at least half of it is "the document arriving". */
  stateBytes: number;
}

export interface ColdRun {
  samples: ColdSample[];
  /**
   * The same client library integrating the whole document in one Y.applyUpdate into a fresh
   * Y.Doc, with no server involved (median of 3): what any server's cold load costs at least.
   */
  clientApplyMs: number;
}

export interface ColdSample {
  doc: string;
  /** Connect → the provider's `synced`. */
  syncedMs: number;
  /** Connect → the client holds the whole document (same as synced unless the server syncs before it loaded). */
  contentMs: number;
  contentOk: boolean;
  /**
   * Connect → the frame carrying the document has been received, before the client integrates
   * it: the server's share of the cold load (plus transfer).
   */
  stateFrameMs: number;
}

/**
 * Load-generator side of the cold-load measurement: for each stored document, one new client,
 * timed until it is synced AND holds the whole content. (@y/websocket-server with y-leveldb
 * answers sync before its load finishes and sends the content afterwards as an update, so
 * `synced` alone would flatter it.) Documents are loaded one at a time.
 */
export async function runColdLoads(task: ColdTask): Promise<ColdRun> {
  const samples: ColdSample[] = [];
  let loaded: Uint8Array | null = null;
  for (const doc of task.docNames) {
    const started = performance.now();
    let stateFrameMs = NaN;
    const client = connectClient(task.protocol, task.url, doc, (bytes) => {
      if (Number.isNaN(stateFrameMs) && bytes >= task.stateBytes / 2) stateFrameMs = performance.now() - started;
    });
    await within(client.synced, 60_000, `cold sync of ${doc}`);
    const syncedMs = performance.now() - started;
    await within(
      new Promise<void>((resolve) => {
        if (sizesMatch(client.doc, task.expected)) return resolve();
        const check = (): void => {
          if (!sizesMatch(client.doc, task.expected)) return;
          client.doc.off('update', check);
          resolve();
        };
        client.doc.on('update', check);
      }),
      60_000,
      `content of ${doc}`,
    );
    const contentMs = performance.now() - started;
    const actual = signatureOf(client.doc);
    const contentOk =
      actual.annotations === task.expected.annotations &&
      actual.meta === task.expected.meta &&
      actual.idSum === task.expected.idSum;
    samples.push({ doc, syncedMs, contentMs, contentOk, stateFrameMs });
    loaded = Y.encodeStateAsUpdate(client.doc);
    client.destroy();
    await new Promise((r) => setTimeout(r, 100));
  }
  const applies: number[] = [];
  for (let i = 0; i < 3 && loaded; i++) {
    const doc = new Y.Doc();
    const started = performance.now();
    Y.applyUpdate(doc, loaded);
    applies.push(performance.now() - started);
    doc.destroy();
  }
  applies.sort((a, b) => a - b);
  return { samples, clientApplyMs: applies[1] ?? NaN };
}
