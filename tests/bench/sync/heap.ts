import { connectMany, type Protocol, type SyncClient } from './clients.ts';

/** Idle clients for the heap measurement, held open by the load generator between requests. */
const idle: SyncClient[] = [];

export interface IdleTask {
  protocol: Protocol;
  url: string;
  docPrefix: string;
  from: number;
  to: number;
}

/** Opens one client on each of the documents `${docPrefix}-${from}` … `${docPrefix}-${to - 1}`. */
export async function openIdle(task: IdleTask): Promise<{ open: number; connectMs: number }> {
  const started = performance.now();
  const names = Array.from({ length: task.to - task.from }, (_, i) => `${task.docPrefix}-${task.from + i}`);
  idle.push(...(await connectMany(task.protocol, task.url, names)));
  return { open: idle.length, connectMs: performance.now() - started };
}

export async function closeIdle(): Promise<void> {
  for (const client of idle.splice(0)) client.destroy();
  await new Promise((r) => setTimeout(r, 200));
}
