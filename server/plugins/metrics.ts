import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoomObserver } from '../rooms/ports.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry; roomObserver: RoomObserver };
  }
}

/**
 * Prometheus metrics. One registry per app instance (tests build several apps in one process).
 * Gauges that mirror live state read it at scrape time instead of being kept in step by hand.
 */
export default fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'concord_process_' });
    const registers = [registry];

    new Gauge({
      name: 'concord_ws_connections',
      help: 'Open WebSocket document connections',
      registers,
      collect() {
        this.set(fastify.rooms.connectionCount);
      },
    });
    new Gauge({
      name: 'concord_documents_loaded',
      help: 'Documents held in memory',
      registers,
      collect() {
        this.set(fastify.rooms.loadedCount);
      },
    });
    new Gauge({
      name: 'concord_commit_queue_pending',
      help: 'Updates waiting for the group commit',
      registers,
      collect() {
        this.set(fastify.rooms.commits.pending);
      },
    });
    const updates = new Counter({
      name: 'concord_updates_total',
      help: 'Yjs updates applied (rate() gives updates/s)',
      registers,
    });
    const updateBytes = new Counter({
      name: 'concord_update_bytes_total',
      help: 'Bytes of Yjs updates applied',
      registers,
    });
    const commitSeconds = new Histogram({
      name: 'concord_group_commit_seconds',
      help: 'Latency of one group-commit insert',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const commitRows = new Histogram({
      name: 'concord_group_commit_rows',
      help: 'Updates per group-commit insert',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers,
    });
    const writeFailures = new Counter({
      name: 'concord_storage_write_failures_total',
      help: 'Failed group-commit inserts (retried)',
      registers,
    });
    const compactions = new Counter({
      name: 'concord_compactions_total',
      help: 'Log compactions into a snapshot',
      registers,
    });
    const compactionSeconds = new Histogram({
      name: 'concord_compaction_seconds',
      help: 'Duration of one compaction',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const loadSeconds = new Histogram({
      name: 'concord_document_load_seconds',
      help: 'Time to load a document from storage',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const opened = new Counter({
      name: 'concord_ws_connections_opened_total',
      help: 'WebSocket document connections opened',
      registers,
    });
    const closes = new Counter({
      name: 'concord_ws_closes_total',
      help: 'WebSocket document connections closed, by close code',
      labelNames: ['code'],
      registers,
    });

    const roomObserver: RoomObserver = {
      connectionOpened: () => opened.inc(),
      connectionClosed: (code) => closes.inc({ code: String(code) }),
      roomLoaded: (seconds) => loadSeconds.observe(seconds),
      updateApplied: (bytes) => {
        updates.inc();
        updateBytes.inc(bytes);
      },
      committed: (rows, seconds) => {
        commitSeconds.observe(seconds);
        commitRows.observe(rows);
      },
      writeFailed: () => writeFailures.inc(),
      compacted: (_folded, seconds) => {
        compactions.inc();
        compactionSeconds.observe(seconds);
      },
    };
    fastify.decorate('metrics', { registry, roomObserver });
  },
  { name: 'metrics' },
);
