import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as MediasoupModule from 'mediasoup';

export type Mediasoup = typeof MediasoupModule;

/**
 * mediasoup, loaded on first use (a server with VOICE=off never loads it), and the worker binary
 * each createWorker() spawns.
 *
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when first loaded, into its Worker module's
 * `workerBin` export, and spawns whatever that export holds when a worker is constructed
 * (synchronously, inside createWorker). `spawnWorker` sets it just before, so each server uses
 * its configured binary even when several run in one process (tests) or mediasoup was loaded
 * earlier with another environment.
 */
let loaded: { mediasoup: Mediasoup; defaultBin: string; workerModule: { workerBin: string } } | null = null;

async function load(): Promise<NonNullable<typeof loaded>> {
  if (loaded !== null) return loaded;
  const mediasoup = await import('mediasoup');
  const require = createRequire(import.meta.url);
  const workerModule = require(join(dirname(require.resolve('mediasoup')), 'Worker.js')) as { workerBin: string };
  loaded ??= { mediasoup, defaultBin: workerModule.workerBin, workerModule };
  return loaded;
}

/** The binary to use: the configured one, else mediasoup's default (its env or install location). */
export async function resolveWorkerBin(configured: string | undefined): Promise<string> {
  return configured ?? (await load()).defaultBin;
}

export async function spawnWorker(
  bin: string,
  settings: MediasoupModule.types.WorkerSettings,
): Promise<MediasoupModule.types.Worker> {
  const { mediasoup, workerModule } = await load();
  workerModule.workerBin = bin;
  return mediasoup.createWorker(settings);
}
