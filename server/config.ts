import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { VoiceConfig } from './voice/config.ts';

/** Everything the server reads from the environment, validated once at start. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Postgres URL; undefined → embedded PGlite in `${dataDir}/pglite`. */
  databaseUrl: string | undefined;
  logLevel: string;
  sync: {
    maxMessageBytes: number;
    maxBufferedBytes: number;
    heartbeatIntervalMs: number;
    unloadDelayMs: number;
    commitWindowMs: number;
    compactMaxUpdates: number;
    compactMaxBytes: number;
  };
  /**
   * `project` (default): documents open only as the project's access rules allow. `none`: every
   * client reads and writes every document name — for protocol tests and benchmarks only.
   */
  syncAuth: 'project' | 'none';
  agreement: {
    /** Quiet time after an edit before the affected tier is recomputed. */
    debounceMs: number;
    /** At most one stored report per task per this interval (the project trend). */
    storeIntervalMs: number;
  };
  /** Create the demo project on first start (empty database). */
  demo: boolean;
  /** Largest accepted media upload. */
  maxUploadBytes: number;
  shutdownTimeoutMs: number;
  /** Folder with the built web app (vite build output). */
  webDir: string;
  /** Voice in live sessions (mediasoup SFU). */
  voice: VoiceConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || './data');
  return {
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8080, 0),
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    sync: {
      maxMessageBytes: int(env, 'MAX_MESSAGE_BYTES', 16 * 1024 * 1024, 1024),
      maxBufferedBytes: int(env, 'MAX_BUFFERED_BYTES', 8 * 1024 * 1024, 1024),
      heartbeatIntervalMs: int(env, 'HEARTBEAT_INTERVAL_MS', 30_000, 10),
      unloadDelayMs: int(env, 'UNLOAD_DELAY_MS', 5_000, 0),
      commitWindowMs: int(env, 'COMMIT_WINDOW_MS', 5, 0),
      compactMaxUpdates: int(env, 'COMPACT_MAX_UPDATES', 1_000, 2),
      compactMaxBytes: int(env, 'COMPACT_MAX_BYTES', 4 * 1024 * 1024, 1024),
    },
    syncAuth: oneOf(env, 'SYNC_AUTH', ['project', 'none'] as const, 'project'),
    agreement: {
      debounceMs: int(env, 'AGREEMENT_DEBOUNCE_MS', 200, 0),
      storeIntervalMs: int(env, 'AGREEMENT_STORE_INTERVAL_MS', 60_000, 0),
    },
    demo: oneOf(env, 'DEMO', ['on', 'off'] as const, 'on') === 'on',
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 2 * 1024 * 1024 * 1024, 1024),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    webDir: resolve(env.WEB_DIR || 'build/web'),
    voice: voiceConfig(env),
  };
}

function voiceConfig(env: Env): VoiceConfig {
  const minPort = int(env, 'VOICE_RTC_MIN_PORT', 40_000, 1);
  const maxPort = int(env, 'VOICE_RTC_MAX_PORT', 49_999, 1);
  if (maxPort > 65_535 || minPort > maxPort) {
    throw new ConfigError(
      `VOICE_RTC_MIN_PORT..VOICE_RTC_MAX_PORT must be a range within 1..65535, got ${minPort}..${maxPort}`,
    );
  }
  return {
    enabled: oneOf(env, 'VOICE', ['on', 'off'] as const, 'on') === 'on',
    workerBin: env.MEDIASOUP_WORKER_BIN || undefined,
    workers: int(env, 'VOICE_WORKERS', availableParallelism(), 1),
    listenIp: env.VOICE_LISTEN_IP || '127.0.0.1',
    announcedAddress: env.VOICE_ANNOUNCED_ADDRESS || undefined,
    rtcMinPort: minPort,
    rtcMaxPort: maxPort,
    maxParticipants: int(env, 'VOICE_MAX_PARTICIPANTS', 16, 1),
    maxTransportsPerUser: int(env, 'VOICE_MAX_TRANSPORTS_PER_USER', 4, 2),
  };
}
