import { describe, expect, it } from 'vitest';
import { busyStretches, groupStretches, whereOf, type CpuProfile } from '../../bench/sync/stalls.ts';

/**
 * A profile with nodes root → idle, and root → onMessage (connection.ts) → send (ws-socket.ts)
 * → writeBuffer (native), root → (garbage collector). Samples every 100 µs from `kinds`.
 */
function profile(kinds: Array<'idle' | 'write' | 'gc' | 'message'>): CpuProfile {
  const nodes = [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 6] },
    { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    {
      id: 3,
      callFrame: { functionName: 'onMessage', url: 'file:///app/server/rooms/connection.ts', lineNumber: 1 },
      children: [4],
    },
    {
      id: 4,
      callFrame: { functionName: 'send', url: 'file:///app/server/routes/sync/ws-socket.ts', lineNumber: 2 },
      children: [5],
    },
    { id: 5, callFrame: { functionName: 'writeBuffer', url: '', lineNumber: -1 } },
    { id: 6, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ];
  const ids = { idle: 2, message: 3, write: 5, gc: 6 } as const;
  return {
    nodes,
    startTime: 0,
    endTime: (kinds.length + 1) * 100, // one interval after the last sample, as in real profiles
    samples: kinds.map((k) => ids[k]),
    timeDeltas: kinds.map(() => 100),
  };
}

const repeat = <T>(value: T, n: number): T[] => Array.from({ length: n }, () => value);

describe('event-loop stall analysis of a CPU profile', () => {
  it('finds busy stretches of at least the minimum length, named by their dominant stack', () => {
    const p = profile([
      ...repeat('idle' as const, 5),
      ...repeat('write' as const, 12), // 1.2 ms, mostly a socket write
      'message',
      ...repeat('idle' as const, 3),
      ...repeat('gc' as const, 4), // 0.4 ms: below the minimum
      ...repeat('idle' as const, 3),
      ...repeat('gc' as const, 20), // 2 ms
      'idle',
    ]);
    const stretches = busyStretches(p, { skipMs: 0, minMs: 1 });
    expect(stretches.map((s) => Math.round(s.durationMs * 10) / 10)).toEqual([1.3, 2]);
    expect(stretches[0]!.startMs).toBeCloseTo(0.6);
    expect(whereOf(stretches[0]!.stack)).toBe('writeBuffer ← send ws-socket.ts');
    expect(whereOf(stretches[1]!.stack)).toBe('(garbage collector)');
  });

  it('skips the start of the profile (start-up) and closes a stretch still open at the end', () => {
    const p = profile([...repeat('gc' as const, 30), ...repeat('idle' as const, 10), ...repeat('write' as const, 15)]);
    const stretches = busyStretches(p, { skipMs: 3.5, minMs: 1 });
    expect(stretches).toHaveLength(1);
    expect(stretches[0]!.durationMs).toBeCloseTo(1.5);
  });

  it('groups stretches by where they were, longest total first', () => {
    const p = profile([
      ...repeat('write' as const, 11),
      'idle',
      ...repeat('gc' as const, 30),
      'idle',
      ...repeat('write' as const, 25),
      'idle',
    ]);
    const groups = groupStretches(busyStretches(p, { skipMs: 0, minMs: 1 }));
    expect(groups.map((g) => [g.where, g.count])).toEqual([
      ['writeBuffer ← send ws-socket.ts', 2],
      ['(garbage collector)', 1],
    ]);
    expect(groups[0]!.totalMs).toBeCloseTo(3.6);
    expect(groups[0]!.maxMs).toBeCloseTo(2.5);
  });
});
