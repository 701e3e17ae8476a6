import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import app, { serverOptions } from '../../../../server/app.ts';
import { loadConfig } from '../../../../server/config.ts';
import { PgDocumentStore } from '../../../../server/storage/document-store.ts';
import { serveBenchServer } from './server-ipc.ts';

if (process.env.BENCH_CONCORD_APPEND === 'off') {
  // Diagnostic (options.ts): everything else runs as shipped, including the commit queue's
  // timers and compaction of the (empty) log; only the database insert is gone.
  PgDocumentStore.prototype.append = () => Promise.resolve();
}

/**
 * Concord exactly as server/main.ts boots it (same Fastify options, config from the environment),
 * plus the bench IPC. Run in-process rather than through main.ts so the heap probe sees the
 * server's own heap.
 */
const config = loadConfig(process.env);
const fastify = Fastify(serverOptions(config));
await fastify.register(app, { config });
await fastify.listen({ host: config.host, port: config.port });
serveBenchServer((fastify.server.address() as AddressInfo).port, () => fastify.close());
