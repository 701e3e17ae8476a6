/**
 * Bench options from the environment: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_DOCS,
 * BENCH_OBSERVERS, BENCH_INTERVAL_MS, BENCH_IDLE_DOCS, BENCH_COLD_UPDATES, BENCH_COLD_REPEATS,
 * BENCH_DATABASE_URL (admin connection used to recreate the `concord_bench` database),
 * BENCH_PEERS and BENCH_PHASES (comma lists, to run a subset; `y-websocket-server-again` adds the
 * calibration copy, see peers.ts), BENCH_CPU_PROF=1 (Concord runs
 * with --cpu-prof into results/profiles/), BENCH_LATENCY_ROUNDS (default 3: latency phase repeated,
 * peers interleaved A B C A B C …; the table shows the round with the median p99 of each peer and
 * every round's p99, so one noisy moment on a shared machine does not decide a comparison; single
 * rounds at 45–48 ms p99 hit either peer on this machine), BENCH_PIN_POSTGRES,
 * BENCH_POSTGRES_CORE, BENCH_SERVER_NODE_FLAGS, BENCH_CONCORD_APPEND (a diagnostic, see below).
 */
export interface BenchOptions {
  seconds: number;
  warmupSeconds: number;
  docs: number;
  observers: number;
  intervalMs: number;
  idleDocs: number;
  coldUpdates: number;
  coldRepeats: number;
  adminUrl: string;
  peers: string[];
  cpuProfile: boolean;
  phases: string[];
  latencyRounds: number;
  /** BENCH_PIN_POSTGRES=0 leaves a local Postgres wherever the scheduler puts it. */
  pinPostgres: boolean;
  /** The core a local Postgres is moved to (0 = the server's, 1 = the load generator's). */
  postgresCore: number;
  /**
   * 'off' is a diagnostic: Concord's log append resolves at once and stores nothing, so a run
   * shows what the database costs. Its figures are not a result; the report says so.
   */
  concordAppend: 'postgres' | 'off';
}

function int(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(name: string, values: readonly [T, ...T[]]): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return values[0];
  if (!(values as readonly string[]).includes(raw))
    throw new Error(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function readOptions(): BenchOptions {
  return {
    seconds: int('BENCH_SECONDS', 15),
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 2, 0),
    docs: int('BENCH_DOCS', 20),
    observers: int('BENCH_OBSERVERS', 10),
    intervalMs: int('BENCH_INTERVAL_MS', 50),
    idleDocs: int('BENCH_IDLE_DOCS', 500, 5),
    coldUpdates: int('BENCH_COLD_UPDATES', 100_000),
    coldRepeats: int('BENCH_COLD_REPEATS', 5),
    adminUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    peers: (process.env.BENCH_PEERS || 'concord,y-websocket-server,hocuspocus').split(',').map((p) => p.trim()),
    cpuProfile: process.env.BENCH_CPU_PROF === '1',
    phases: (process.env.BENCH_PHASES || 'latency,cold,heap').split(',').map((p) => p.trim()),
    latencyRounds: int('BENCH_LATENCY_ROUNDS', 3),
    pinPostgres: oneOf('BENCH_PIN_POSTGRES', ['1', '0'] as const) === '1',
    postgresCore: int('BENCH_POSTGRES_CORE', 0, 0),
    concordAppend: oneOf('BENCH_CONCORD_APPEND', ['postgres', 'off'] as const),
  };
}
