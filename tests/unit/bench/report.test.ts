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
});
