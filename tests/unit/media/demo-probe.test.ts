import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_MEDIA } from '../../../server/demo/seed.ts';
import { probeMedia } from '../../../server/media/probe.ts';

/** The demo video's recorded probe (used where ffprobe is missing) is what ffprobe says of it. */
describe('recorded probe of the demo video', () => {
  it('names the bytes it was taken from and equals a live probe', async () => {
    const recorded = JSON.parse(readFileSync(`${DEMO_MEDIA}demo.mp4.probe.json`, 'utf8')) as {
      sha256: string;
      info: unknown;
    };
    const bytes = readFileSync(`${DEMO_MEDIA}demo.mp4`);
    expect(recorded.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(recorded.info).toEqual(await probeMedia(`${DEMO_MEDIA}demo.mp4`));
  });
});
