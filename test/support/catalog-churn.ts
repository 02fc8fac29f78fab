import type { StreamChannelsChange } from '@jetdrive-hub/client/contract';
import { buildChannelInfoFrames } from '../../server/protocol/index.js';
import type { ChannelInfoRecord } from '../../server/protocol/types.js';
import { command, connectViewer, type TestHub } from './start-test-hub.js';
import { createTestProvider } from './test-jetdrive-provider.js';
import { until } from './until.js';

export interface CatalogChurnResult {
  cycles: number;
  /** `stream:channels` messages the `*` viewer received, and the largest channel index any of them carried. */
  channelMessages: number;
  maxIndex: number;
  /** Channels in the viewer's stream view at the end, and in the hub's catalog. */
  viewChannels: number;
  catalogChannels: number;
  elapsedMs: number;
  /** Datagrams that change the catalog per cycle: the announce split at the MTU, plus the clear. */
  datagramsPerCycle: number;
}

/**
 * Issue 13 §5: a rogue host clears and re-announces `channelCount` channels `cycles` times while a viewer is
 * subscribed to `*`. Each step waits for the hub's catalog to show it (bounded), so no datagram is lost to pacing.
 */
export async function churnCatalog(
  t: TestHub,
  options: { cycles: number; channelCount: number; hostId?: number },
): Promise<CatalogChurnResult> {
  const viewer = await connectViewer(t.url);
  const changes: StreamChannelsChange[] = [];
  viewer.on('stream:channels', (change) => changes.push(change));
  const view = new Map<number, string>();
  const hostId = options.hostId ?? 0x0bad;
  const records: ChannelInfoRecord[] = Array.from({ length: options.channelCount }, (_, i) => ({
    channelId: i + 1,
    vendor: 0,
    name: `Rogue ${i + 1}`,
    unit: 255,
  }));
  const rogue = await createTestProvider({ port: t.jetdrivePort, hostId, name: 'Rogue Box', channels: records });
  const registry = t.hub.ingest.registry;
  const rogueChannels = () => registry.catalog().channels.filter((c) => c.providerId === hostId).length;
  const started = performance.now();
  try {
    const subscribed = await command(viewer, 'channel:subscribe', { selectors: ['*'] });
    if (!subscribed.ok) throw new Error(`subscribe failed: ${subscribed.error.message}`);
    const stream = (subscribed.data as { stream: { id: number; channels: { index: number; key: string }[] } }).stream;
    for (const c of stream.channels) view.set(c.index, c.key);
    viewer.on('stream:channels', (change) => {
      if (change.stream !== stream.id) return;
      for (const index of change.removed) view.delete(index);
      for (const c of change.added) view.set(c.index, c.key);
    });
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      await rogue.sendInfo();
      await until(() => rogueChannels() === options.channelCount, 5000, `cycle ${cycle}: announced`, 1);
      await rogue.sendClear();
      await until(() => rogueChannels() === 0, 5000, `cycle ${cycle}: cleared`, 1);
    }
    const elapsedMs = performance.now() - started;
    // The view settles once the last coalesced message is out.
    const catalogChannels = registry.catalog().channels.length;
    await until(() => view.size === catalogChannels, 3000, 'the viewer to see the final catalog');
    const indexes = changes.flatMap((c) => c.added.map((a) => a.index));
    const announce = buildChannelInfoFrames({ host: hostId, providerName: 'Rogue Box', channels: records });
    return {
      datagramsPerCycle: announce.length + 1,
      cycles: options.cycles,
      channelMessages: changes.length,
      maxIndex: Math.max(0, ...indexes),
      viewChannels: view.size,
      catalogChannels,
      elapsedMs,
    };
  } finally {
    viewer.close();
    await rogue.close();
  }
}
