import { describe, expect, it } from 'vitest';
import type { ColdOutcome } from '../../bench/sync/phases.ts';
import { evaluateTargets, formatReport, type PeerResults } from '../../bench/sync/report.ts';

const cold = (medianMs: number, medianStateFrameMs: number, clientApplyMs: number): ColdOutcome => ({
  config: '',
  samples: [],
  medianMs,
  firstMs: medianMs,
  medianSyncedMs: medianMs,
  medianStateFrameMs,
  clientApplyMs,
  contentOk: true,
});

const peer = (id: string, c: ColdOutcome): PeerResults =>
  ({
    peer: { id, label: id },
    latency: null,
    latencyRounds: [],
    cold: c,
    heap: null,
    notes: [],
    errors: [],
  }) as unknown as PeerResults;

describe('bench:sync targets', () => {
  it("judges the cold load's server share and end to end separately", () => {
    const targets = evaluateTargets({
      concord: peer('concord', cold(90, 30, 60)),
      hocuspocus: peer('hocuspocus', cold(500, 300, 60)),
    });
    const share = targets.find((t) => t.name.startsWith("cold load, the server's share"))!;
    const endToEnd = targets.find((t) => t.name.startsWith('cold load end to end'))!;
    expect(share.value).toBeCloseTo(0.1);
    expect(share.pass).toBe(true);
    expect(endToEnd.value).toBeCloseTo(0.18);
    expect(endToEnd.pass).toBe(true);
    expect(endToEnd.explanation).toBeUndefined();
  });

  it('an end-to-end miss the client alone already causes is explained, and still not a pass', () => {
    const results = {
      concord: peer('concord', cold(240, 34, 150)),
      hocuspocus: peer('hocuspocus', cold(533, 295, 160)),
    };
    const endToEnd = evaluateTargets(results).find((t) => t.name.startsWith('cold load end to end'))!;
    expect(endToEnd.pass).toBe(false);
    expect(endToEnd.floor).toBeCloseTo(150 / 533);
    const text = formatReport(results, evaluateTargets(results), []);
    expect(text).toContain('FAIL  cold load end to end');
    expect(text).toContain("out of any server's reach in this run: the client library alone takes 0.28×");
    expect(text).toContain("PASS  cold load, the server's share");
  });

  it('a miss within reach gets no excuse', () => {
    const results = {
      concord: peer('concord', cold(240, 150, 50)),
      hocuspocus: peer('hocuspocus', cold(533, 295, 60)),
    };
    const targets = evaluateTargets(results);
    expect(targets.find((t) => t.name.startsWith("cold load, the server's share"))!.pass).toBe(false);
    expect(targets.find((t) => t.name.startsWith('cold load end to end'))!.explanation).toBeUndefined();
  });

  it('prints the noise floor beside the p99 verdict when a second copy of @y/websocket-server ran', () => {
    const withP99 = (id: string, p99: number): PeerResults =>
      ({
        ...peer(id, cold(1, 1, 1)),
        cold: null,
        latency: {
          config: '',
          latencyMs: { p50: 1, p90: 2, p99, max: 9 },
          sendLagMs: { p99: 1 },
          serverLoopDelayMs: { p99: 1, max: 2 },
          received: 100,
          expected: 100,
          serverCpuSeconds: 1,
          loadgenCpuSeconds: 1,
          loadSeconds: 10,
        },
      }) as unknown as PeerResults;
    const base = { concord: withP99('concord', 4.2), 'y-websocket-server': withP99('y-websocket-server', 4.0) };
    const alone = evaluateTargets(base)[0]!;
    expect(alone.pass).toBe(false);
    expect(alone.explanation).toBeUndefined();

    const results = { ...base, 'y-websocket-server-again': withP99('y-websocket-server-again', 4.4) };
    const calibrated = evaluateTargets(results)[0]!;
    expect(calibrated.value).toBeCloseTo(1.05);
    expect(calibrated.pass).toBe(false); // the verdict stays the letter of the target
    expect(formatReport(results, evaluateTargets(results), [])).toContain(
      'FAIL  p99 latency: ours ÷ @y/websocket-server: 1.05 × (target ≤ 1 ×)\n' +
        "        the benchmark's own noise in this run: @y/websocket-server against a second copy of itself, 1.10 ×",
    );
  });
});
