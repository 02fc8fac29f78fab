import { describe, expect, it } from 'vitest';
import { RemoteWatches } from '../../../server/cluster/remote-watches.js';

function setUp(options: { maxWatches?: number; graceMs?: number } = {}) {
  const unwatched: [string, string][] = [];
  const watches = new RemoteWatches((analysisId, socketId) => unwatched.push([analysisId, socketId]), {
    graceMs: 6000,
    ...options,
  });
  return { watches, unwatched };
}

describe('RemoteWatches', () => {
  it("ends a node's watches once it has been missing from the directory for the grace period", () => {
    const { watches, unwatched } = setUp();
    watches.added('edge-a', 's1', 'va-1');
    watches.added('edge-a', 's1', 'va-2');
    watches.added('edge-a', 's2', 'va-1');
    watches.added('edge-b', 's3', 'va-1');
    const both = new Set(['ingest', 'edge-a', 'edge-b']);
    const onlyB = new Set(['ingest', 'edge-b']);
    watches.sweep(both, 0);
    watches.sweep(onlyB, 2000);
    watches.sweep(onlyB, 7999);
    expect(unwatched).toEqual([]);
    watches.sweep(onlyB, 8000);
    expect(unwatched.sort()).toEqual([
      ['va-1', 's1'],
      ['va-1', 's2'],
      ['va-2', 's1'],
    ]);
    expect(watches.stats()).toEqual({ watches: 1, nodes: 1, expired: 3, refused: 0 });
  });

  it('never expires while the directory cannot be read (Redis down), and counts absence again from its return', () => {
    const { watches, unwatched } = setUp();
    watches.added('edge-a', 's1', 'va-1');
    const none = new Set(['ingest']);
    watches.sweep(none, 0);
    watches.sweep(null, 5000);
    watches.sweep(null, 60_000);
    // Redis is back; the edge has not written its heartbeat yet: its absence counts from now.
    watches.sweep(none, 61_000);
    watches.sweep(none, 66_999);
    expect(unwatched).toEqual([]);
    // A node seen again is no longer missing.
    watches.sweep(new Set(['edge-a']), 67_000);
    watches.sweep(none, 70_000);
    watches.sweep(none, 75_999);
    expect(unwatched).toEqual([]);
    watches.sweep(none, 76_000);
    expect(unwatched).toEqual([['va-1', 's1']]);
  });

  it('forgets unwatched and deleted analyses, so nothing of them expires later', () => {
    const { watches, unwatched } = setUp();
    watches.added('edge-a', 's1', 'va-1');
    watches.added('edge-a', 's1', 'va-2');
    watches.added('edge-a', 's2', 'va-2');
    watches.removed('s1', 'va-1');
    watches.analysisRemoved('va-2');
    expect(watches.stats()).toEqual({ watches: 0, nodes: 0, expired: 0, refused: 0 });
    watches.sweep(new Set(), 0);
    watches.sweep(new Set(), 10_000);
    expect(unwatched).toEqual([]);
  });

  it('holds at most maxWatches, refusing more with CLUSTER_BUSY naming the numbers (a watch already held passes)', () => {
    const { watches } = setUp({ maxWatches: 2 });
    watches.admit('s1', 'va-1');
    watches.added('edge-a', 's1', 'va-1');
    watches.added('edge-a', 's1', 'va-2');
    expect(() => watches.admit('s1', 'va-1')).not.toThrow();
    expect(() => watches.admit('s2', 'va-1')).toThrow(
      expect.objectContaining({
        code: 'CLUSTER_BUSY',
        message: expect.stringContaining("holds 2 watches for other nodes' viewers (limit 2)"),
      }),
    );
    expect(watches.stats().refused).toBe(1);
  });
});
