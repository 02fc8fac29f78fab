import { describe, expect, it } from 'vitest';
import type { IngestStats } from '../../../server/channels/types.js';
import { createMetrics } from '../../../server/http/create-metrics.js';
import { createFakeChannelRegistry } from '../../support/fake-channel-registry.js';

function sampleValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe('createMetrics', () => {
  it('mirrors the sources at each scrape, without double counting', async () => {
    const registry = createFakeChannelRegistry();
    let stats: IngestStats = { ...registry.stats(), datagrams: 10, malformed: { TOO_SHORT: 1 } };
    let viewers = 2;
    const metrics = createMetrics({
      registry,
      sources: {
        ingest: () => stats,
        gateway: () => ({
          viewers,
          subscriptions: 0,
          conflatedFrames: 0,
          droppedFrames: 0,
          laggingViewers: 0,
          disconnectedSlow: 0,
        }),
      },
      defaultMetrics: false,
    });
    let text = await metrics.render();
    expect(sampleValue(text, 'jetdrive_datagrams_total')).toBe(10);
    expect(sampleValue(text, 'jetdrive_malformed_total{code="TOO_SHORT"}')).toBe(1);
    expect(sampleValue(text, 'jetdrive_realtime_viewers')).toBe(2);
    text = await metrics.render();
    expect(sampleValue(text, 'jetdrive_datagrams_total')).toBe(10);

    stats = { ...stats, datagrams: 25, malformed: { TOO_SHORT: 1, LENGTH_MISMATCH: 4 } };
    viewers = 0;
    text = await metrics.render();
    expect(sampleValue(text, 'jetdrive_datagrams_total')).toBe(25);
    expect(sampleValue(text, 'jetdrive_malformed_total{code="LENGTH_MISMATCH"}')).toBe(4);
    expect(sampleValue(text, 'jetdrive_realtime_viewers')).toBe(0);
    expect(text).toMatch(/# TYPE jetdrive_datagrams_total counter/);
    expect(text).not.toMatch(/nodejs_/);
  });

  it('keeps each hub in its own registry', async () => {
    const a = createMetrics({ registry: createFakeChannelRegistry(), sources: {}, defaultMetrics: false });
    const b = createMetrics({ registry: createFakeChannelRegistry(), sources: {}, defaultMetrics: false });
    expect(a.registry).not.toBe(b.registry);
    expect(sampleValue(await b.render(), 'jetdrive_sessions')).toBeUndefined();
  });
});
