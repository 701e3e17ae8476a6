import type { Protocol } from './clients.ts';

export type PeerId = 'concord' | 'y-websocket-server' | 'hocuspocus' | 'y-websocket-server-again';
export type Phase = 'latency' | 'cold' | 'heap';

export interface PeerContext {
  benchUrl: string;
  dataDir: string;
  leveldbDir: string;
  cpuProfileDir: string | null;
}

export interface Peer {
  id: PeerId;
  label: string;
  /** Server wrapper, relative to this folder. */
  script: string;
  protocol: Protocol;
  wsUrl(port: number): string;
  env(phase: Phase, ctx: PeerContext): Record<string, string>;
  nodeFlags(phase: Phase, ctx: PeerContext): string[];
  /** What configuration ran, printed with the results. */
  describe(phase: Phase): string;
  /**
   * A second copy of a peer, run in the latency rounds only: the ratio between the two copies is
   * the benchmark's own noise, printed beside the targets (BENCH_PEERS=…,y-websocket-server-again).
   */
  copyOf?: PeerId;
}

const base = { HOST: '127.0.0.1', PORT: '0' };

const yWebsocketServer: Peer = {
  id: 'y-websocket-server',
  label: '@y/websocket-server',
  script: 'servers/y-websocket.ts',
  protocol: 'y-websocket',
  wsUrl: (port) => `ws://127.0.0.1:${port}`,
  env: (phase, ctx) => (phase === 'cold' ? { ...base, YPERSISTENCE: ctx.leveldbDir } : { ...base }),
  nodeFlags: () => [],
  describe: (phase) =>
    phase === 'cold'
      ? 'YPERSISTENCE=y-leveldb, seeded with the merged state (its best case)'
      : 'in memory, no persistence (its default)',
};

export const peers: Peer[] = [
  {
    id: 'concord',
    label: 'Concord (ours)',
    script: 'servers/ours.ts',
    protocol: 'y-websocket',
    wsUrl: (port) => `ws://127.0.0.1:${port}/sync`,
    // LOG_LEVEL=warn: the peers log nothing per connection either. SYNC_AUTH=none: the peers
    // check no sessions either (every client may open every document). DEMO=off: no demo project.
    env: (_phase, ctx) => ({
      ...base,
      DATABASE_URL: ctx.benchUrl,
      DATA_DIR: ctx.dataDir,
      LOG_LEVEL: 'warn',
      SYNC_AUTH: 'none',
      DEMO: 'off',
    }),
    // No --cpu-prof-name: tsx's loader thread writes a profile too, and a fixed name would let it
    // overwrite the main thread's. Files are CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
    nodeFlags: (_phase, ctx) => (ctx.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.cpuProfileDir}`] : []),
    describe: () =>
      process.env.BENCH_CONCORD_APPEND === 'off'
        ? 'DIAGNOSTIC: the log append is switched off (BENCH_CONCORD_APPEND=off), nothing is stored'
        : 'real Postgres (DATABASE_URL): every update group-committed, compaction per 1000 rows; defaults otherwise',
  },
  yWebsocketServer,
  {
    id: 'hocuspocus',
    label: '@hocuspocus/server',
    script: 'servers/hocuspocus.ts',
    protocol: 'hocuspocus',
    wsUrl: (port) => `ws://127.0.0.1:${port}`,
    env: (_phase, ctx) => ({ ...base, HOCUSPOCUS_DATABASE_URL: ctx.benchUrl }),
    nodeFlags: () => [],
    describe: () => 'extension-database → same Postgres (full state per doc, debounce 2 s / max 10 s)',
  },
  // Not selected by default: the calibration copy (see `copyOf`).
  {
    ...yWebsocketServer,
    id: 'y-websocket-server-again',
    label: '@y/websocket-server again',
    copyOf: 'y-websocket-server',
  },
];
