import { runColdLoads, type ColdTask } from './cold-load.ts';
import { closeIdle, openIdle, type IdleTask } from './heap.ts';
import { serveRequests, announceReady } from './ipc.ts';
import { runLatency, type LatencyTask } from './latency.ts';

/**
 * The load generator: a child process of its own (pinned to another core than the server), so
 * client work never runs on the server's core or in the orchestrator. All clients live here.
 */
// Every y-websocket WebsocketProvider adds a process 'exit' listener; hundreds are expected here.
process.setMaxListeners(0);

const progress = (line: string): void => console.log(`  [loadgen] ${line}`);

serveRequests({
  latency: (request) => runLatency(request.task as LatencyTask, progress),
  cold: (request) => runColdLoads(request.task as ColdTask),
  'idle-open': (request) => openIdle(request.task as IdleTask),
  'idle-close': () => closeIdle(),
});
announceReady();
